/** charmrun refuses unknown or malformed flags with a clear message, usage and exit code 2; ++help prints the flags. */
import t from 'tap';
import { CHARMRUN, program, runNode } from './harness.js';

for (const [argv, message] of [
  [['+p2', '++bogus', 'x.ts'], /unknown charmrun flag \+\+bogus/],
  [['+p0', 'x.ts'], /\+p needs a positive integer, got "0"/],
  [['+pX', 'x.ts'], /unknown runtime flag \+pX|needs a positive integer/],
  [['+p4', '++ppn', '3', 'x.ts'], /\+p4 is not a multiple of \+\+ppn 3/],
  [['+p2', '++transport', 'carrier-pigeon', 'x.ts'], /\+\+transport needs one of/],
  [['+p2'], /no program given/],
  [['+p2', '+LBPeriod', '-1', 'x.ts'], /\+LBPeriod needs a positive number/],
  [['+p2', '+frobnicate', 'x.ts'], /unknown runtime flag \+frobnicate/],
  [['+p2', 'does-not-exist.ts'], /program not found: does-not-exist\.ts/],
] as const) {
  t.test(`charmrun ${argv.join(' ')}`, async (t) => {
    const result = await runNode([CHARMRUN, ...argv], { timeoutMs: 20_000 });
    t.equal(result.code, 2, 'exit code 2');
    t.match(result.stderr, message);
    t.match(result.stderr, /CHARM_ERR_BAD_FLAG/);
  });
}

t.test('++help lists launcher and runtime flags', async (t) => {
  const result = await runNode([CHARMRUN, '++help']);
  t.equal(result.code, 0);
  for (const flag of ['++ppn', '++transport', '++quiet', '+balancer', '+LBPeriod', '+stats']) t.match(result.stdout, flag);
});

t.test('runtime flags after the program are taken by the runtime, the rest reach main', async (t) => {
  const result = await runNode([CHARMRUN, program('exit-code.ts'), '+stats', '5'], { timeoutMs: 30_000 });
  t.equal(result.code, 5, 'main received "5" and +stats was not passed to it');
});
