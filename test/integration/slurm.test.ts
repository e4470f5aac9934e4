/**
 * Slurm, for real: a one-node cluster (slurmctld, slurmd, munged) started here runs stencil2d
 * as `srun -n 2 node app.ts` (tasks rendezvous through task 0, no charmrun) and as charmrun
 * inside `salloc` (charmrun hands the job to srun), with ++ppn threads. Skipped, saying why,
 * where slurm-wlm is not installed or the test is not root.
 */
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { CHARMRUN, killWhenReady, program, ROOT, runCommand, type JobResult } from './harness.js';
import { SlurmCluster, slurmUnavailable } from './slurm/slurm-cluster.js';

const STENCIL = `${ROOT}examples/stencil2d/stencil2d.ts`;
const ARGS = ['-n', '48', '-m', '40', '--iterations', '20', '--odf', '2', '--verify', '--json'];

const unavailable = slurmUnavailable();
if (unavailable !== null) {
  t.plan(0, `no Slurm here: ${unavailable}`);
} else {
  let cluster: SlurmCluster | undefined;
  try {
    cluster = new SlurmCluster();
  } catch (error) {
    t.plan(0, `the Slurm daemons would not start: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`);
  }
  if (cluster !== undefined) {
    const slurm = cluster;
    t.teardown(() => slurm.stop());
    const verified = (t: Test, result: JobResult, pes: number): void => {
      t.notOk(result.timedOut, 'within the time limit');
      t.equal(result.code, 0, `exit 0 (stderr: ${result.stderr.trim().slice(-2000)}; logs: ${slurm.dir})`);
      const json = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { verified?: boolean; pes?: number };
      t.equal(json.verified, true, 'verified against the serial computation');
      t.equal(json.pes, pes, `${pes} PEs`);
    };

    t.test('the cluster comes up', async () => slurm.ready());

    t.test('srun -n 2 node stencil2d.ts: the tasks find each other through task 0', async (t) => {
      const result = await runCommand('srun', ['-n', '2', process.execPath, '--import', 'tsx', STENCIL, ...ARGS], { env: slurm.env, timeoutMs: 90_000 });
      verified(t, result, 2);
    });

    t.test('srun -n 2 with runtime flags on the command line and 2 threads per task', async (t) => {
      const result = await runCommand('srun', ['-n', '2', process.execPath, '--import', 'tsx', STENCIL, '+stats', ...ARGS], {
        env: { ...slurm.env, CHARM4TS_PPN: '2', CHARM4TS_TRANSPORT: 'ws' },
        timeoutMs: 90_000,
      });
      verified(t, result, 4);
    });

    t.test('charmrun inside salloc delegates to srun', async (t) => {
      const result = await runCommand('salloc', ['-n', '2', process.execPath, CHARMRUN, '+p4', '++ppn', '2', '++verbose', STENCIL, ...ARGS], { env: slurm.env, timeoutMs: 90_000 });
      verified(t, result, 4);
      t.match(result.stderr, /charmrun: inside Slurm job \d+: srun --ntasks=2/);
    });

    t.test('charm.abort on task 1 ends the job, saying so, with a non-zero code', async (t) => {
      const result = await runCommand('srun', ['-n', '2', process.execPath, '--import', 'tsx', program('failures.ts'), 'abort'], { env: slurm.env, timeoutMs: 60_000 });
      t.notOk(result.timedOut, 'within the time limit');
      t.not(result.code, 0, 'non-zero exit');
      t.match(result.stderr, /job aborted by PE 1: giving up on PE 1/);
    });

    t.test('a task killed mid-run ends the job with a non-zero code', async (t) => {
      const kill = killWhenReady(1);
      const result = await runCommand('srun', ['-n', '2', process.execPath, '--import', 'tsx', program('failures.ts'), 'hang-until-killed'], {
        env: slurm.env,
        timeoutMs: 60_000,
        onOutput: kill.onOutput,
      });
      t.ok(kill.killed(), 'the task of PE 1 was killed');
      t.notOk(result.timedOut, 'within the time limit');
      t.not(result.code, 0, 'non-zero exit');
    });

    t.test('the daemons logged no authentication error', async (t) => {
      t.notMatch(readFileSync(`${slurm.dir}/slurmctld.log`, 'utf8'), /auth.*(error|failure)/i);
    });
  }
}
