/**
 * Copy speed against the copy's distance modulo 4 KiB, with glibc's defaults and with glibc's
 * `rep movsb` turned off (`glibc.cpu.x86_rep_movsb_threshold` above its non-temporal threshold,
 * as charmrun sets it for PE processes: src/cli/pe-glibc-tunables.ts).
 * On some x86 CPUs glibc's `rep movsb` copies (used from about 2 KiB on) run 10-15 times slower
 * when the destination lies 1-31 bytes past the source modulo 4 KiB. Node copies typed arrays
 * with the C library's memmove, so this measures what a PE's copies meet (docs/performance.md,
 * "memcpy and 4 KiB aliasing").
 *
 *     npx tsx bench/memcpy/aliasing.ts [--sizes 4096,32768,262144] [--deltas 0,8,16,64] [--mbytes 1024]
 *
 * Prints one JSON line per setting, size and distance: {"bench":"memcpy","tunables":"no-movsb"|"default",
 * "size","delta","GBps"}. Each copy goes from one offset of a buffer to another `delta` bytes past
 * a whole number of pages, walking through 4 MiB so that the data stays in the caches.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { NO_REP_MOVSB_TUNABLE } from '../../src/cli/pe-glibc-tunables.js';
import { integerList } from '../lib/integer-flag.js';
import { timedCopyRate } from './copy-rate.js';

const SPAN = 4 << 20;
const PAGE = 4096;

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '4096,32768,262144' },
    deltas: { type: 'string', default: '0,1,8,16,24,32,48,64,2048' },
    mbytes: { type: 'string', default: '1024' },
    child: { type: 'string' },
  },
});

/** GB/s of `totalBytes` copied in pieces of `size` from offset 0 to `delta` bytes past a page boundary. */
function copyRate(size: number, delta: number, totalBytes: number): number {
  const steps = Math.max(1, Math.floor(SPAN / size));
  const memory = new Uint8Array(2 * SPAN + 2 * PAGE).fill(1);
  const source = memory.subarray(0, SPAN);
  const targetStart = SPAN + PAGE + delta;
  const rounds = Math.max(1, Math.floor(totalBytes / size));
  const copy = (i: number): void => {
    const at = (i % steps) * size;
    memory.set(source.subarray(at, at + size), targetStart + at);
  };
  return timedCopyRate(size, Math.min(rounds, 2000), rounds, copy);
}

const sizes = integerList('sizes', flags.sizes);
const deltas = integerList('deltas', flags.deltas);
const totalBytes = integerList('mbytes', flags.mbytes)[0]! * 1e6;

if (flags.child !== undefined) {
  for (const size of sizes) {
    for (const delta of deltas) {
      console.log(JSON.stringify({ bench: 'memcpy', tunables: flags.child, size, delta, GBps: Number(copyRate(size, delta, totalBytes).toFixed(2)) }));
    }
  }
} else {
  // glibc reads GLIBC_TUNABLES when a process starts: each setting runs in a process of its own.
  const script = fileURLToPath(import.meta.url);
  for (const [name, tunables] of [['no-movsb', NO_REP_MOVSB_TUNABLE], ['default', '']] as const) {
    const args = [...process.execArgv, script, '--child', name, '--sizes', flags.sizes, '--deltas', flags.deltas, '--mbytes', flags.mbytes];
    process.stdout.write(execFileSync(process.execPath, args, { env: { ...process.env, GLIBC_TUNABLES: tunables }, encoding: 'utf8' }));
  }
}
