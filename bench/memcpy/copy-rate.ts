/**
 * The timing the memcpy benchmarks share: untimed copies first (to fault in and warm the memory
 * and let V8 optimise the loop), then the timed ones, as GB/s (10^9 bytes per second).
 */

/**
 * Calls `copy(i)` for i below `warmups` untimed, then for i below `rounds` timed, and returns the
 * GB/s of `rounds` copies of `size` bytes each.
 */
export function timedCopyRate(size: number, warmups: number, rounds: number, copy: (i: number) => void): number {
  for (let i = 0; i < warmups; i++) copy(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) copy(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (rounds * size) / seconds / 1e9;
}
