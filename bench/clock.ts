/**
 * What a clock reading costs in this Node on this machine: the scheduler reads the clock around
 * every message it handles (load meter, time budget) and while it spins, so a reading's cost is
 * part of every hop.
 *
 *     npx tsx bench/clock.ts [--readings 3000000] [--rounds 3]
 *
 * Prints one JSON line per clock and round: {"bench":"clock","clock":...,"round":...,"ns":...},
 * the time per reading, each reading stored in an object field as the scheduler keeps it (the
 * `bigint` clock is compared only, as the scheduler's spin does, so that it allocates nothing).
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { readings: { type: 'string', default: '3000000' }, rounds: { type: 'string', default: '3' } } });
const readings = Number(values.readings);
const rounds = Number(values.rounds);
if (!(Number.isSafeInteger(readings) && readings > 0) || !(Number.isSafeInteger(rounds) && rounds > 0)) {
  throw new RangeError('--readings and --rounds take positive integers');
}

const hrtimeBigint = process.hrtime.bigint;
const origin = hrtimeBigint();

/** Where readings go, as a scheduler keeps its clock. */
class Holder {
  clock = 0;
}

const clocks: Record<string, (holder: Holder) => void> = {
  'performance.now': (holder) => {
    holder.clock = performance.now();
  },
  'Date.now': (holder) => {
    holder.clock = Date.now();
  },
  'Number(process.hrtime.bigint() - origin) / 1e6': (holder) => {
    holder.clock = Number(hrtimeBigint() - origin) / 1e6;
  },
  'process.hrtime.bigint compared': (holder) => {
    if (hrtimeBigint() < origin) holder.clock++;
  },
};

const holder = new Holder();
for (let round = 0; round < rounds; round++) {
  for (const [clock, read] of Object.entries(clocks)) {
    const started = hrtimeBigint();
    for (let i = 0; i < readings; i++) read(holder);
    const ns = Number(hrtimeBigint() - started) / readings;
    process.stdout.write(`${JSON.stringify({ bench: 'clock', clock, round, ns: Math.round(ns * 10) / 10 })}\n`);
  }
}
