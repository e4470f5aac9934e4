/**
 * charmrun inside a Slurm allocation: instead of starting PEs itself, it hands the job to
 * `srun` (one task per process, ++ppn threads each) and becomes a thin wrapper that passes
 * srun's exit code on. Tasks rendezvous through task 0 (see src/control/slurm-launch.ts); the
 * job secret charmrun makes travels in srun's environment, which srun hands to every task.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { ENV } from '../control/protocol.js';
import { SLURM_SWITCH } from '../control/slurm-launch.js';
import type { LaunchPlan } from './charmrun-flags.js';
import { withPeGlibcTunables } from './pe-glibc-tunables.js';

/** True when charmrun should delegate to srun: inside an allocation, no ++nodelist/++hosts/++local, detection on. */
export function delegatesToSrun(plan: LaunchPlan, env: NodeJS.ProcessEnv): boolean {
  return plan.hosts === null && !plan.local && env.SLURM_JOB_ID !== undefined && env[SLURM_SWITCH] !== '0';
}

/**
 * srun's arguments for `plan`, where `programArgv` runs one PE process (node and its
 * arguments). CPUs per task are left to the allocation (`salloc -c K`, or SLURM_CPUS_PER_TASK).
 */
export function srunArguments(plan: LaunchPlan, programArgv: readonly string[]): string[] {
  const args = [`--ntasks=${plan.numPes / plan.ppn}`, '--kill-on-bad-exit=1'];
  if (plan.prefix) args.push('--label');
  if (plan.quiet) args.push('--quiet');
  return [...args, ...programArgv];
}

/** The environment srun passes to every task: the job's settings and a fresh secret. */
export function srunEnvironment(plan: LaunchPlan, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...withPeGlibcTunables(env),
    [ENV.SECRET]: randomBytes(32).toString('hex'),
    [ENV.TRANSPORT]: plan.transport,
    [ENV.OPTIONS]: JSON.stringify(plan.runtime),
    [ENV.PPN]: String(plan.ppn),
    CHARM4TS_TIMEOUT: String(plan.timeoutSec),
  };
}

/** Runs the job through `srun` (or `CHARM4TS_SRUN`); resolves to its exit code. */
export function runUnderSrun(plan: LaunchPlan, programArgv: readonly string[], report: (line: string) => void): Promise<number> {
  const srun = process.env.CHARM4TS_SRUN ?? 'srun';
  const args = srunArguments(plan, programArgv);
  if (plan.verbose && !plan.quiet) report(`charmrun: inside Slurm job ${process.env.SLURM_JOB_ID}: ${srun} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(srun, args, { env: srunEnvironment(plan, process.env), stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      report(`charmrun: cannot run ${srun} inside Slurm job ${process.env.SLURM_JOB_ID}: ${error.message} (use ++local to run on this host only)`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(signal !== null ? 128 + (constants.signals[signal] ?? 1) : (code ?? 1));
    });
  });
}
