/**
 * glibc settings for PE processes, given through `GLIBC_TUNABLES` (read by glibc when a process
 * starts, so charmrun sets it in the environment of the PE processes it spawns).
 *
 * - malloc: by default glibc serves every allocation above a threshold (128 KiB, raised only as
 *   such blocks are freed) with a fresh mmap and gives freed memory back to the system eagerly,
 *   so a program that allocates large typed arrays again and again (received arrays it keeps,
 *   arrays it creates to send, migrated state) pays a page fault for every 4 KiB each time. PEs
 *   keep allocations of up to 32 MiB in malloc's arenas and keep up to 256 MiB free there
 *   instead (docs/performance.md, "Allocations and glibc malloc").
 * - memcpy: from about 2 KiB on, glibc's x86 memcpy copies with `rep movsb`, which on some CPUs
 *   (the AMD EPYC of docs/performance.md) runs 10-15 times slower when the destination lies
 *   1-31 bytes past the source modulo 4 KiB. Messages are copied between buffers whose relative
 *   placement nobody chooses (a sender's array, UCX's shared-memory FIFO, the receive pool, a
 *   ring), so PEs raise the threshold beyond glibc's non-temporal threshold and copy with vector
 *   loops instead (docs/performance.md, "memcpy and 4 KiB aliasing"). Other architectures ignore
 *   the setting.
 */

/** The glibc tunable that keeps x86 memcpy off `rep movsb`: a threshold beyond any copy. */
export const NO_REP_MOVSB_TUNABLE = 'glibc.cpu.x86_rep_movsb_threshold=4294967296';

/** The `GLIBC_TUNABLES` value charmrun gives PE processes (see the file comment). */
export const PE_GLIBC_TUNABLES = ['glibc.malloc.mmap_threshold=33554432', 'glibc.malloc.trim_threshold=268435456', NO_REP_MOVSB_TUNABLE].join(':');

/**
 * `env` with `GLIBC_TUNABLES` set to {@link PE_GLIBC_TUNABLES}, unless `env` sets it already
 * (even to nothing): the user's own settings win. Other C libraries ignore the variable.
 */
export function withPeGlibcTunables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GLIBC_TUNABLES === undefined ? { ...env, GLIBC_TUNABLES: PE_GLIBC_TUNABLES } : env;
}
