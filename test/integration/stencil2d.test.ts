/** examples/stencil2d: the checksum matches the serial computation on 1-4 PEs, ODF 1/2/4, non-square grids; bad parameters give clear errors. */
import t from 'tap';
import { ROOT, runCharmrun } from './harness.js';

const APP = `${ROOT}examples/stencil2d/stencil2d.ts`;

for (const pes of [1, 2, 3, 4]) {
  for (const odf of [1, 2, 4]) {
    t.test(`stencil2d 48 x 40 on ${pes} PEs, ODF ${odf}`, async (t) => {
      const result = await runCharmrun(APP, { pes, args: ['-n', '48', '-m', '40', '--warmup', '3', '--iterations', '25', '--odf', String(odf), '--verify', '--json'] });
      t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr.trim()})`);
      t.match(result.stdout, /verification against the serial computation: PASSED/);
      const json = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      t.equal(json.verified, true);
      t.equal(json.pes, pes);
      t.equal(json.odf, odf);
      t.equal((json.blocks as number[])[0]! * (json.blocks as number[])[1]!, pes * odf, 'PEs x ODF blocks');
    });
  }
}

t.test('the threads path gives the same checksum', async (t) => {
  const result = await runCharmrun(APP, { pes: 4, flags: ['++ppn', '2'], args: ['-n', '64', '-m', '96', '--iterations', '20', '--odf', '2', '--verify'] });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /PASSED/);
});

for (const [args, message] of [
  [['-n', '7', '-m', '5', '--odf', '3'], /cannot cut a 7 x 5 grid into 6 equal blocks/],
  [['-n', '0'], /-n needs an integer >= 1, got "0"/],
  [['-n', '-5'], /-n needs an integer >= 1, got "-5"/],
  [['-n', '64', '--odf', '0'], /--odf needs an integer >= 1/],
  [['-n', '64', '--iterations', 'many'], /--iterations needs an integer >= 1, got "many"/],
  [['-m', '64'], /the grid size is missing/],
  [['-n', '64', '--bogus'], /unknown argument "--bogus"/],
  [['-n', '8192', '--verify'], /--verify recomputes the grid serially and is limited to/],
] as const) {
  t.test(`stencil2d ${args.join(' ')} is refused`, async (t) => {
    const result = await runCharmrun(APP, { pes: 2, args: [...args] });
    t.equal(result.code, 2, 'exit code 2');
    t.match(result.stderr, message);
  });
}
