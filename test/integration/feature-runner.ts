/**
 * Runs one feature program under charmrun on 1, 2, 3 and 4 PEs (one process each, default
 * transport: UCX where it is available), on 3 PEs over ws, on 2 PEs as threads of one process
 * and on 4 PEs as 2 processes of 2 threads (++ppn 2), and expects it to print "OK <feature>" and exit 0.
 */
import type { Test } from 'tap';
import { loadUcxAddon } from '../../src/transport/ucx/index.js';
import { program, runCharmrun, type JobOptions } from './harness.js';

const ucx = loadUcxAddon();
/** The transport `auto` gives between processes on this machine. */
export const AUTO_TRANSPORT = ucx.available ? 'ucx' : `ws, ucx unavailable: ${ucx.reason}`;

/** Placements every feature runs on: PE counts (odd counts matter), transports, and PEs as threads. */
export const PLACEMENTS: readonly { readonly pes: number; readonly flags: readonly string[]; readonly label: string }[] = [
  { pes: 1, flags: [], label: '1 PE' },
  { pes: 2, flags: [], label: `2 PEs (${AUTO_TRANSPORT})` },
  { pes: 3, flags: [], label: `3 PEs (${AUTO_TRANSPORT})` },
  { pes: 4, flags: [], label: `4 PEs (${AUTO_TRANSPORT})` },
  { pes: 3, flags: ['++transport', 'ws'], label: '3 PEs (ws)' },
  { pes: 2, flags: ['++ppn', '2'], label: '2 PEs as 1 process x 2 threads' },
  { pes: 4, flags: ['++ppn', '2'], label: '4 PEs as 2 processes x 2 threads' },
];

/** Adds one subtest per placement running `file`. */
export function testFeatureOnAllPeCounts(t: Test, file: string, feature: string, options: JobOptions = {}): void {
  for (const { pes, flags, label } of PLACEMENTS) {
    t.test(`${feature} on ${label}`, async (t) => {
      const result = await runCharmrun(program(file), { ...options, pes, flags: [...flags, ...(options.flags ?? [])] });
      t.notOk(result.timedOut, 'finishes within the time limit');
      t.equal(result.code, 0, `exit code 0 (stderr: ${result.stderr.trim()})`);
      t.match(result.stdout, new RegExp(`OK ${feature} `), 'the program checked everything');
    });
  }
}
