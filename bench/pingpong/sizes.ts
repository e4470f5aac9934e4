/**
 * Message sizes and iteration counts shared by the ping-pong benchmarks (OSU style: powers of
 * two from 1 B to 4 MiB; fewer iterations for large messages).
 */

/** Message sizes in bytes. */
export function messageSizes(max = 4 << 20): number[] {
  const sizes: number[] = [];
  for (let size = 1; size <= max; size *= 2) sizes.push(size);
  return sizes;
}

/** Timed ping-pong iterations for a size. */
export function latencyIterations(size: number): number {
  return size <= 8192 ? 2000 : size <= 262144 ? 300 : 40;
}

/** Warm-up iterations for a size. */
export function warmupIterations(size: number): number {
  return Math.max(10, Math.floor(latencyIterations(size) / 10));
}

/**
 * Round trips a JavaScript implementation runs once, at its first size, before measuring: its
 * first thousands of calls run in the interpreter and baseline code, which the per-size warm-up
 * (made for compiled code, as OSU's) does not cover. pingpong.ts then runs one untimed batch of
 * every other size too, before timing any.
 */
export const JIT_WARMUP_ROUND_TRIPS = 50000;

/** Timed batches per size; each implementation reports the median batch (a stall of a shared machine spoils one batch, not the figure). */
export const BATCHES = 5;

/** Runs `batch` `count` times (each resolving to seconds); resolves to the times, fastest first. */
export async function sortedBatches(batch: () => PromiseLike<number>, count = BATCHES): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await batch());
  return times.sort((a, b) => a - b);
}

/** Runs `batch` BATCHES times (each resolving to seconds) and resolves to the median. */
export async function medianBatch(batch: () => PromiseLike<number>): Promise<number> {
  const times = await sortedBatches(batch);
  return times[times.length >> 1]!;
}

/** The value at fraction `p` (0..1) of `sorted` (ascending), nearest rank below. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.floor(p * (sorted.length - 1))]!;
}

/** Messages in flight per bandwidth window. */
export const WINDOW = 64;

/** Timed bandwidth windows for a size. */
export function bandwidthWindows(size: number): number {
  return size <= 8192 ? 100 : size <= 262144 ? 20 : 4;
}

/** Most bytes the untimed first stream moves (large messages need no JIT warm-up of thousands of calls). */
const STREAM_WARMUP_MAX_BYTES = 64 << 20;

/**
 * Windows of the untimed stream run once at the first bandwidth size: as many messages as
 * {@link JIT_WARMUP_ROUND_TRIPS} where that moves at most 64 MiB, never fewer than a timed batch.
 */
export function streamWarmupWindows(size: number): number {
  const byCalls = Math.ceil(JIT_WARMUP_ROUND_TRIPS / WINDOW);
  const byBytes = Math.ceil(STREAM_WARMUP_MAX_BYTES / (Math.max(1, size) * WINDOW));
  return Math.max(bandwidthWindows(size), Math.min(byCalls, byBytes));
}
