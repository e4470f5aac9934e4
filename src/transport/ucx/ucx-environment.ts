/**
 * The UCX settings that must be in the environment before libucx is loaded into a Node process.
 *
 * UCX's malloc hooks and memory-event machinery patch the allocator under V8, and its error-signal
 * handlers take SIGSEGV from V8 (which uses it on purpose); either can crash the process inside V8.
 * libucx reads these variables when it is loaded, so they are set in `process.env` (the real
 * environment of the process) before the addon, and with it libucx, is loaded.
 */

/** Settings forced whatever the user set: without them V8 and UCX fight over malloc and signals. */
export const REQUIRED_UCX_ENV: Readonly<Record<string, string>> = Object.freeze({
  UCX_MEM_MALLOC_HOOKS: 'n',
  UCX_MEM_EVENTS: 'n',
  UCX_MEM_DYNAMIC_MMAP_THRESH: 'n',
  UCX_ERROR_SIGNALS: '',
});

/**
 * Settings applied only where the user did not set them:
 *
 * - `UCX_PROTO_ENABLE=y`: UCX's v2 protocols, about three times faster for large messages in raw
 *   `ucx_perftest` here (PLATFORM.md). Within the runtime, UCX 1.13's active-message rendezvous
 *   still copies through the shared-memory FIFO rather than reading by CMA (docs/performance.md,
 *   "4 MiB against ucx_perftest").
 * - `UCX_RNDV_THRESH=64kb`: messages below 64 KiB go eagerly (copied through UCX's buffers)
 *   instead of by rendezvous, which UCX would otherwise pick from about 6 KiB on. A rendezvous
 *   needs the sender's worker to make progress after the receiver answers, and a PE makes
 *   progress only between entry methods: a PE that sends a halo and then starts a 20 ms compute
 *   step holds its neighbour's receive for those 20 ms (PIC and Jacobi2D do exactly that). Eager
 *   messages complete on the receiver alone. Streaming bandwidth with the eager copy here was
 *   within the noise at 16 and 32 KiB and higher at 64 KiB (docs/performance.md).
 * - `UCX_MM_SEG_SIZE=33k`: the shared-memory FIFO moves eager messages and the rendezvous copy
 *   in elements of this size (8 KiB by default); 33 KiB carries a 32 KiB fragment with UCX's
 *   headers. Between processes here, 1 MiB latency fell from 73-84 to 46-50 us and 4 MiB
 *   bandwidth rose from about 9 to 11-12.5 GB/s (docs/performance.md). Each PE then maps about
 *   16.5 MiB of System V shared memory instead of 4 MiB (FIFO and receive buffers; `ipcs -m`).
 * - `UCX_MM_FIFO_ELEM_SIZE=1152`: a message whose data fits one FIFO element goes by UCX's
 *   inline "short" protocol, written straight into the receiver's FIFO; larger ones are copied
 *   into a separate buffer first and, for the addon's immediate send, take its slower general
 *   path. UCX's 128 bytes leave 92 for a message (a call with an 8 or 16-byte array fits, one
 *   with 32 bytes does not); 1152 leave 1116, room for a call carrying the largest array that
 *   travels inside its header (1 KiB, `INLINE_MAX_BYTES`). Half round trips from 32 B to 512 B
 *   took 0.87-1.16 us against 0.98-1.24 us (docs/performance.md). The FIFO grows from 8 to
 *   72 KiB per PE.
 */
export const DEFAULT_UCX_ENV: Readonly<Record<string, string>> = Object.freeze({
  UCX_PROTO_ENABLE: 'y',
  UCX_RNDV_THRESH: '64kb',
  UCX_MM_SEG_SIZE: '33k',
  UCX_MM_FIFO_ELEM_SIZE: '1152',
});

/**
 * Writes {@link REQUIRED_UCX_ENV} and the unset entries of {@link DEFAULT_UCX_ENV} into `env`
 * (by default this process's environment). Call it before loading the UCX addon; it is also what
 * a launcher passes to PE processes that will load it.
 */
export function applyUcxEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(REQUIRED_UCX_ENV)) env[name] = value;
  for (const [name, value] of Object.entries(DEFAULT_UCX_ENV)) {
    if (env[name] === undefined) env[name] = value;
  }
}
