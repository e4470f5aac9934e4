/**
 * The windowed bandwidth test the transport benchmarks share: a round sends a window of
 * messages and waits for the receiver's one acknowledgement.
 */

/** Messages per window and timed rounds for `size`-byte messages (about 512 MiB moved; `scale` shrinks it for quick runs). */
export function windowedPlan(size: number, scale = 1): { window: number; rounds: number } {
  const window = Math.max(4, Math.min(64, Math.floor((64 << 20) / size)));
  const rounds = Math.ceil(Math.max(20, Math.min(2000, Math.floor((512 << 20) / (size * window)))) * scale);
  return { window, rounds };
}

/** Runs `round` a tenth of `rounds` times (at least twice) to warm up, then `rounds` times timed: seconds of each timed round. */
export function timeRounds(round: () => void, rounds: number): Float64Array {
  for (let r = 0; r < Math.max(2, rounds / 10); r++) round();
  const times = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    round();
    times[r] = (performance.now() - start) / 1000;
  }
  return times;
}
