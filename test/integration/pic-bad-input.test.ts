/** examples/pic: bad parameters, tile grids that do not fit and k/m beyond PIC.md 6.5 exit 2 with one clear line and no stack. */
import t from 'tap';
import { ROOT, runCharmrun } from './harness.js';

const APP = `${ROOT}examples/pic/pic.ts`;
const OK = ['-i', '10', '-s', '20', '-n', '1000', '--mode', 'GEOMETRIC', '--init-parameters', '0.9'];

const CASES: readonly (readonly [string, readonly string[], RegExp])[] = [
  ['no steps given', ['-s', '20', '-n', '10', '--mode', 'GEOMETRIC', '--init-parameters', '0.9'], /missing -i T/],
  ['odd grid', ['-i', '10', '-s', '21', '-n', '1000', '--mode', 'SINUSOIDAL'], /grid size L must be an even integer/],
  ['PATCH past the grid', ['-i', '10', '-s', '20', '-n', '1000', '--mode', 'PATCH', '--init-parameters', '0', '20', '0', '5'], /PATCH xr must be <= L-1 = 19/],
  ['--odf 0', [...OK, '--odf', '0'], /--odf needs an integer >= 1, got "0"/],
  ['--lb-period -1', [...OK, '--lb-period', '-1'], /--lb-period needs an integer >= 0/],
  ['malformed --tiles', [...OK, '--tiles', '3'], /tile grid must be written PXxPY/],
  ['more tiles than cells', [...OK, '--tiles', '21x1'], /tile grid 21x1 has more tiles than cells along an axis/],
  ['--odf 23 on 2 PEs: more tile rows than cells', [...OK, '--odf', '23'], /tile grid 2x23 has more tiles than cells along an axis \(L = 20\)/],
  ['--odf 4 on 2 PEs: m beyond the tile height', [...OK, '-m', '6', '--odf', '4'], /m = 6 is too large for tile grid 2x4 on L = 20: \|m\| must be <= floor\(L\/Py\) = 5/],
  ['--tiles against --odf', [...OK, '--tiles', '2x1', '--odf', '4'], /--tiles 2x1 makes 2 tiles, but --odf 4 on 2 PEs asks for 8/],
  ['k beyond the tile width (PIC.md 6.5)', [...OK, '--tiles', '4x1', '-k', '3'], /k = 3 is too large for tile grid 4x1 on L = 20: .* floor\(L\/Px\) = 5/],
  ['|m| beyond the tile height', [...OK, '--tiles', '1x2', '-m', '-11'], /m = -11 is too large for tile grid 1x2 on L = 20/],
  ['unknown flag', [...OK, '--bogus'], /unknown argument "--bogus"/],
];

for (const [name, args, message] of CASES) {
  t.test(`pic refuses: ${name}`, async (t) => {
    const result = await runCharmrun(APP, { pes: name.includes('--odf') ? 2 : 1, args: [...args], timeoutMs: 30_000 });
    t.equal(result.code, 2, `exit 2 (stdout: ${result.stdout.trim()})`);
    t.match(result.stderr, message);
    const lines = result.stderr.trim().split('\n');
    t.equal(lines.length, 1, 'one line');
    t.match(lines[0], /^pic: /);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack');
  });
}
