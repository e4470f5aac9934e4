/**
 * Copy speed against the amount of memory the copies walk through (the working set), repeated
 * over time. A PE's large messages are copied between buffers that together span a few MiB (UCX's
 * FIFO, the receive pool, the program's arrays): whether that span stays in the caches decides
 * whether the copy runs at cache or at memory speed, and on a virtual machine the last-level cache
 * and the memory bus are shared with whatever else the host runs. Repeating the measurement over
 * minutes shows whether the speed of one working set changes while the others hold
 * (docs/performance.md, "memcpy and 4 KiB aliasing").
 *
 *     npx tsx bench/memcpy/working-set.ts [--size 65536] [--spans 256,2048,8192,32768,131072]
 *                                         [--mbytes 512] [--repeat 1] [--every 0]
 *
 * `--spans` are KiB, `--size` the bytes of one copy, `--mbytes` what each measurement copies,
 * `--every` the seconds between the starts of two repetitions. Run it under charmrun's glibc
 * settings (GLIBC_TUNABLES, src/cli/pe-glibc-tunables.ts) to measure what a PE's copies meet.
 * Prints one JSON line per repetition and span: {"bench":"memcpy-working-set","at","size",
 * "spanKiB","GBps"}; `at` is seconds since the start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { integerList } from '../lib/integer-flag.js';
import { timedCopyRate } from './copy-rate.js';

const { values: flags } = parseArgs({
  options: {
    size: { type: 'string', default: '65536' },
    spans: { type: 'string', default: '256,2048,8192,32768,131072' },
    mbytes: { type: 'string', default: '512' },
    repeat: { type: 'string', default: '1' },
    every: { type: 'string', default: '0' },
  },
});

/**
 * GB/s of `totalBytes` copied in pieces of `size` from one half of `memory` to the other,
 * piece after piece through the whole of each half. Both halves start on a page boundary plus
 * 256 bytes, away from the 4 KiB aliasing of "memcpy and 4 KiB aliasing".
 */
function copyRate(memory: Uint8Array, spanBytes: number, size: number, totalBytes: number): number {
  const half = spanBytes / 2;
  const steps = Math.max(1, Math.floor(half / size));
  const targetStart = half + 256;
  const rounds = Math.max(steps, Math.floor(totalBytes / size));
  const copy = (i: number): void => {
    const at = (i % steps) * size;
    memory.set(memory.subarray(at, at + size), targetStart + at);
  };
  return timedCopyRate(size, steps, rounds, copy);
}

const size = integerList('size', flags.size, 1)[0]!;
const spans = integerList('spans', flags.spans, 1);
const totalBytes = integerList('mbytes', flags.mbytes, 1)[0]! * 1e6;
const repeat = integerList('repeat', flags.repeat, 1)[0]!;
const everySeconds = Number(flags.every);
if (!(everySeconds >= 0)) throw new RangeError(`--every takes a number of seconds, not "${flags.every}"`);
for (const spanKiB of spans) {
  if (spanKiB * 512 < size) throw new RangeError(`--spans ${spanKiB} KiB holds no two copies of --size ${size}`);
}

const memories = spans.map((spanKiB) => new Uint8Array(spanKiB * 1024 + 4096).fill(1));
const started = process.hrtime.bigint();
const secondsSinceStart = (): number => Number(process.hrtime.bigint() - started) / 1e9;
for (let r = 0; r < repeat; r++) {
  const at = secondsSinceStart();
  spans.forEach((spanKiB, i) => {
    const GBps = copyRate(memories[i]!, spanKiB * 1024, size, totalBytes);
    console.log(JSON.stringify({ bench: 'memcpy-working-set', at: Number(at.toFixed(1)), size, spanKiB, GBps: Number(GBps.toFixed(2)) }));
  });
  const wait = (r + 1) * everySeconds - secondsSinceStart();
  if (r + 1 < repeat && wait > 0) await sleep(wait * 1000);
}
