/** Tests src/cli/srun-delegate.ts: when charmrun hands a job to srun, and with what. */
import t from 'tap';
import { parseCharmrunArgs } from '../../../src/cli/charmrun-flags.js';
import { PE_GLIBC_TUNABLES } from '../../../src/cli/pe-glibc-tunables.js';
import { delegatesToSrun, srunArguments, srunEnvironment } from '../../../src/cli/srun-delegate.js';

t.test('inside an allocation only, and not with ++local, ++hosts or CHARM4TS_SLURM=0', async (t) => {
  const plan = parseCharmrunArgs(['+p4', 'app.js']);
  t.equal(delegatesToSrun(plan, { SLURM_JOB_ID: '7' }), true);
  t.equal(delegatesToSrun(plan, {}), false);
  t.equal(delegatesToSrun(parseCharmrunArgs(['+p4', '++local', 'app.js']), { SLURM_JOB_ID: '7' }), false);
  t.equal(delegatesToSrun(parseCharmrunArgs(['+p4', '++hosts', 'a', 'app.js']), { SLURM_JOB_ID: '7' }), false);
  t.equal(delegatesToSrun(plan, { SLURM_JOB_ID: '7', CHARM4TS_SLURM: '0' }), false);
});

t.test('one task per process; settings and a fresh secret in the environment', async (t) => {
  const plan = parseCharmrunArgs(['+p8', '++ppn', '2', '++prefix', '++transport', 'ws', '+stats', 'app.js']);
  t.strictSame(srunArguments(plan, ['node', 'app.js']), ['--ntasks=4', '--kill-on-bad-exit=1', '--label', 'node', 'app.js']);
  const env = srunEnvironment(plan, { HOME: '/h' });
  t.equal(env.HOME, '/h');
  t.match(env.CHARM4TS_SECRET, /^[0-9a-f]{64}$/);
  t.not(env.CHARM4TS_SECRET, srunEnvironment(plan, {}).CHARM4TS_SECRET, 'fresh per job');
  t.equal(env.CHARM4TS_PPN, '2');
  t.equal(env.CHARM4TS_TRANSPORT, 'ws');
  t.equal(JSON.parse(env.CHARM4TS_OPTIONS!).stats, true);
  t.equal(env.GLIBC_TUNABLES, PE_GLIBC_TUNABLES, 'glibc settings for the PEs');
  t.equal(srunEnvironment(plan, { GLIBC_TUNABLES: '' }).GLIBC_TUNABLES, '', 'unless the user set their own');
});
