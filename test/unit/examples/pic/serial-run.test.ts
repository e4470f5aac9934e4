import t from 'tap';
import { parsePicArguments } from '../../../../examples/pic/kernel/parameters.js';
import { runSerial } from '../../../../examples/pic/kernel/serial-run.js';

/** PIC.md section 8: `T L n k m MODE params` and N placed by the C serial reference. */
const SECTION_8: [string, number][] = [
  ['10 20 1000 0 1 GEOMETRIC 0.9', 998],
  ['99 100 10000 1 2 GEOMETRIC 0.99', 9643],
  ['99 100 10000 2 -3 GEOMETRIC 0.99', 9643],
  ['99 100 10000 0 1 SINUSOIDAL', 10041],
  ['99 100 10000 1 0 LINEAR 1.0 3.0', 9564],
  ['99 100 10000 1 1 PATCH 10 40 20 60', 9978],
  ['100 1000 100000 0 1 GEOMETRIC 0.999', 100260],
  ['10 1000 1000000 1 2 GEOMETRIC 0.99', 997651],
  ['10 1000 1000000 0 1 SINUSOIDAL', 997481],
  ['10 1000 1000000 1 0 LINEAR 1.0 3.0', 956333],
  ['10 1000 1000000 1 0 PATCH 0 200 100 200', 998675],
];

function toFlags(row: string): string[] {
  const [T, L, n, k, m, mode, ...rest] = row.split(' ');
  const flags = ['-i', T, '-s', L, '-n', n, '-k', k, '-m', m, '--mode', mode];
  return rest.length > 0 ? [...flags, '--init-parameters', ...rest] : flags;
}

for (const [row, N] of SECTION_8) {
  t.test(`PIC.md 8: ${row}`, async (t) => {
    const { params } = parsePicArguments(toFlags(row));
    const result = runSerial(params);
    t.equal(result.placed, N, 'particles placed as in the C reference');
    t.equal(result.failures, 0);
    t.equal(result.validates, true);
    t.ok(result.rate > 0 && Number.isFinite(result.rate));
  });
}
