/**
 * glibc malloc settings for PE processes. By default glibc serves every allocation above a
 * threshold (128 KiB, raised only as such blocks are freed) with a fresh mmap and gives freed
 * memory back to the system eagerly, so a program that allocates large typed arrays again and
 * again (received arrays it keeps, arrays it creates to send, migrated state) pays a page
 * fault for every 4 KiB each time. PEs keep allocations of up to 32 MiB in malloc's arenas and
 * keep up to 256 MiB free there instead (docs/performance.md, "Allocations and glibc malloc").
 */

/** The `GLIBC_TUNABLES` value charmrun gives PE processes (mmap threshold 32 MiB, trim threshold 256 MiB). */
export const PE_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';

/**
 * `env` with `GLIBC_TUNABLES` set to {@link PE_MALLOC_TUNABLES}, unless `env` sets it already
 * (even to nothing): the user's own settings win. Other C libraries ignore the variable.
 */
export function withPeMallocTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES === undefined ? { ...env, GLIBC_TUNABLES: PE_MALLOC_TUNABLES } : env;
}
