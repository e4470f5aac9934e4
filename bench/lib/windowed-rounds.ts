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

/**
 * Times `rounds` windows (see {@link timeRounds}): each calls `send` `window` times, then `poll`s
 * until `acks()` has grown by one (the receiver acknowledges each window once).
 */
export function timeWindows(window: number, rounds: number, send: () => void, acks: () => number, poll: () => void): Float64Array {
  return timeRounds(() => {
    const target = acks() + 1;
    for (let w = 0; w < window; w++) send();
    while (acks() < target) poll();
  }, rounds);
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
