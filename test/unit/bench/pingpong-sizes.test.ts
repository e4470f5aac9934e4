/**
 * The ping-pong benchmark's untimed first stream: enough small messages to get the stream's entry
 * methods compiled before any size is timed, and a bounded number of bytes for large ones.
 */
import t from 'tap';
import { bandwidthWindows, JIT_WARMUP_ROUND_TRIPS, streamWarmupWindows, WINDOW } from '../../../bench/pingpong/sizes.js';

t.test('the untimed first stream sends as many small messages as the latency JIT warm-up has round trips', async (t) => {
  for (const size of [1, 8, 1024]) {
    const windows = streamWarmupWindows(size);
    t.ok(windows * WINDOW >= JIT_WARMUP_ROUND_TRIPS, `${size} B: ${windows} windows`);
    t.ok((windows - 1) * WINDOW < JIT_WARMUP_ROUND_TRIPS, `${size} B: no more windows than needed`);
  }
});

t.test('the untimed first stream of large messages is bounded in bytes but never shorter than a timed batch', async (t) => {
  for (const size of [65536, 1 << 20, 4 << 20]) {
    const windows = streamWarmupWindows(size);
    t.ok(windows >= bandwidthWindows(size), `${size} B: at least a timed batch`);
    t.ok(windows === bandwidthWindows(size) || (windows - 1) * WINDOW * size < 64 << 20, `${size} B: about 64 MiB at most`);
  }
  t.equal(streamWarmupWindows(4 << 20), bandwidthWindows(4 << 20));
});
