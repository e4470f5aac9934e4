/** Tests src/control/slurm-launch.ts and slurm-secret.ts: a task's place from Slurm's environment, the control port, the job secret. */
import { statSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { readSlurmPlace, slurmControlPort, slurmJobSecret } from '../../../src/control/slurm-launch.js';
import { readOrCreateKey, slurmSecret } from '../../../src/control/slurm-secret.js';

const STEP = { SLURM_JOB_ID: '42', SLURM_STEP_ID: '0', SLURM_PROCID: '3', SLURM_STEP_NUM_TASKS: '4', SLURM_NODEID: '1', SLURM_STEP_NODELIST: 'n[1-2]' };

t.test('a task of an srun step', async (t) => {
  t.strictSame(readSlurmPlace(STEP), { task: 3, tasks: 4, nodes: ['n1', 'n2'], nodeIndex: 1, jobId: '42', stepId: '0', port: slurmControlPort('42', '0') });
  t.equal(readSlurmPlace({ ...STEP, CHARM4TS_SLURM_PORT: '31000' })?.port, 31000, 'a fixed port');
});

t.test('not a task: no step, started by charmrun, or switched off', async (t) => {
  t.equal(readSlurmPlace({ SLURM_JOB_ID: '42' }), null, 'a batch script without srun');
  t.equal(readSlurmPlace({ ...STEP, CHARM4TS_PE: '0' }), null);
  t.equal(readSlurmPlace({ ...STEP, CHARM4TS_SLURM: '0' }), null);
  t.equal(readSlurmPlace({}), null);
});

t.test('an incomplete environment is an error naming the variable', async (t) => {
  t.throws(() => readSlurmPlace({ ...STEP, SLURM_STEP_NUM_TASKS: 'x' }), /SLURM_STEP_NUM_TASKS is missing or not a number/);
  t.throws(() => readSlurmPlace({ ...STEP, SLURM_PROCID: '9' }), /task 9 of 4/);
});

t.test('ports differ between steps and stay in range', async (t) => {
  const ports = new Set<number>();
  for (let job = 1; job <= 200; job++) for (const step of ['0', '1']) ports.add(slurmControlPort(String(job), step));
  t.ok(ports.size > 380, `${ports.size} distinct ports for 400 steps`);
  t.ok([...ports].every((p) => p >= 20000 && p < 60000));
});

t.test('the secret: from the environment, else derived per step from a private key file', async (t) => {
  const dir = t.testdir({});
  const keyFile = `${dir}/sub/key`;
  const place = readSlurmPlace(STEP)!;
  t.equal(slurmJobSecret({ ...STEP, CHARM4TS_SECRET: 'abc' }, place, keyFile), 'abc');
  const derived = slurmJobSecret(STEP, place, keyFile);
  t.equal(statSync(keyFile).mode & 0o777, 0o600, 'the key file is created private');
  t.equal(derived, slurmSecret(readOrCreateKey(keyFile), '42', '0'), 'every task derives the same secret');
  t.not(derived, slurmJobSecret({ ...STEP, SLURM_STEP_ID: '1' }, readSlurmPlace({ ...STEP, SLURM_STEP_ID: '1' })!, keyFile), 'another step, another secret');
  writeFileSync(`${dir}/open`, `${'a'.repeat(64)}\n`, { mode: 0o644 });
  t.throws(() => readOrCreateKey(`${dir}/open`), /may be read by others \(mode 644\)/);
});
