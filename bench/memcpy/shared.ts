/**
 * Copy speed between shared memory (a SharedArrayBuffer, as the PE threads' rings are) and
 * ordinary memory: `TypedArray.prototype.set`, which V8 runs with relaxed atomic accesses when
 * either side is shared, against the rings' `copyInto` (src/transport/shm/shared-copy.ts), and
 * `set` between two ordinary buffers for reference (docs/performance.md, "Copies into and out of
 * shared memory").
 *
 *     npx tsx bench/memcpy/shared.ts [--sizes 1024,4096,32768,262144] [--mbytes 2000]
 *
 * Prints one JSON line per size and way of copying: {"bench":"memcpy-shared","copy","size",
 * "GBps"}. `copy` is `set ordinary`, `set from shared`, `set into shared`, `set from shared,
 * unaligned` (source 4 bytes off an 8-byte boundary), and the same with `copyInto`. Each copy
 * walks through 512 KiB of each buffer, so the data stays in the caches. Run it under charmrun's
 * glibc settings (GLIBC_TUNABLES, src/cli/pe-glibc-tunables.ts) to measure what a PE meets.
 */
import { parseArgs } from 'node:util';
import { copyInto } from '../../src/transport/shm/shared-copy.js';
import { integerList } from '../lib/integer-flag.js';
import { timedCopyRate } from './copy-rate.js';

const SPAN = 512 * 1024;

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256,1024,2048,4096,8192,32768,262144' },
    mbytes: { type: 'string', default: '2000' },
  },
});

const sizes = integerList('sizes', flags.sizes, 1);
const totalBytes = integerList('mbytes', flags.mbytes, 1)[0]! * 1e6;
const shared = new Uint8Array(new SharedArrayBuffer(SPAN + 64)).fill(1);
const ordinary = new Uint8Array(new ArrayBuffer(SPAN + 64)).fill(2);
const other = new Uint8Array(new ArrayBuffer(SPAN + 64)).fill(3);

type Copy = (target: Uint8Array, offset: number, source: Uint8Array) => void;
const withSet: Copy = (target, offset, source) => target.set(source, offset);

/** GB/s of copies of `size` bytes from `source` to `target`, piece after piece through the span. */
function rate(size: number, target: Uint8Array, source: Uint8Array, sourceShift: number, copy: Copy): number {
  const steps = Math.max(1, Math.floor(SPAN / size));
  const views = Array.from({ length: steps }, (_, i) => source.subarray(i * size + sourceShift, (i + 1) * size + sourceShift));
  const rounds = Math.max(steps, Math.floor(totalBytes / size));
  return timedCopyRate(size, steps, rounds, (i) => copy(target, (i % steps) * size, views[i % steps]!));
}

for (const size of sizes) {
  const cases: [string, Uint8Array, Uint8Array, number, Copy][] = [
    ['set ordinary', other, ordinary, 0, withSet],
    ['set from shared', ordinary, shared, 0, withSet],
    ['set into shared', shared, ordinary, 0, withSet],
    ['set from shared, unaligned', ordinary, shared, 4, withSet],
    ['copyInto from shared', ordinary, shared, 0, copyInto],
    ['copyInto into shared', shared, ordinary, 0, copyInto],
    ['copyInto from shared, unaligned', ordinary, shared, 4, copyInto],
  ];
  for (const [name, target, source, shift, copy] of cases) {
    const GBps = rate(size, target, source, shift, copy);
    console.log(JSON.stringify({ bench: 'memcpy-shared', copy: name, size, GBps: Number(GBps.toFixed(2)) }));
  }
}
