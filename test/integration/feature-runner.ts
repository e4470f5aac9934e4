/**
 * Runs one feature program under charmrun on 1, 2, 3 and 4 PEs and expects it to print
 * "OK <feature>" and exit 0.
 */
import type { Test } from 'tap';
import { program, runCharmrun, type JobOptions } from './harness.js';

/** PE counts every feature runs on (odd counts matter). */
export const PE_COUNTS = [1, 2, 3, 4] as const;

/** Adds one subtest per PE count running `file`. */
export function testFeatureOnAllPeCounts(t: Test, file: string, feature: string, options: JobOptions = {}): void {
  for (const pes of PE_COUNTS) {
    t.test(`${feature} on ${pes} PE${pes > 1 ? 's' : ''}`, async (t) => {
      const result = await runCharmrun(program(file), { ...options, pes });
      t.notOk(result.timedOut, 'finishes within the time limit');
      t.equal(result.code, 0, `exit code 0 (stderr: ${result.stderr.trim()})`);
      t.match(result.stdout, new RegExp(`OK ${feature} `), 'the program checked everything');
    });
  }
}
