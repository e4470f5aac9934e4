/**
 * A job started by Slurm's `srun` without charmrun: each task reads its place from Slurm's
 * environment and the rendezvous goes through task 0, which runs the control server in its own
 * process (see slurm-controller.ts). Every task knows where without asking anyone: task 0 runs
 * on the first node of the step's node list, and listens on a port derived from the job and step
 * ids (or on CHARM4TS_SLURM_PORT). The job secret comes from slurm-secret.ts.
 *
 * Task r of n, with CHARM4TS_PPN = k threads per task, runs PEs r*k .. r*k+k-1 of n*k; Slurm's
 * default block distribution puts consecutive tasks on one node, so PEs are numbered node by node.
 */
import { BadStateError } from '../errors.js';
import { expandHostlist } from './hostlist.js';
import { ENV } from './protocol.js';
import { defaultKeyFile, readOrCreateKey, slurmSecret } from './slurm-secret.js';

/** Environment variable that turns Slurm detection off ("0"). */
export const SLURM_SWITCH = 'CHARM4TS_SLURM';
/** Environment variable that fixes the control port of task 0. */
export const SLURM_PORT = 'CHARM4TS_SLURM_PORT';

/** A task's place in a Slurm job step. */
export interface SlurmPlace {
  /** This task's rank (SLURM_PROCID). */
  readonly task: number;
  /** Tasks of the step. */
  readonly tasks: number;
  /** Nodes of the step, in order (SLURM_STEP_NODELIST expanded). */
  readonly nodes: readonly string[];
  /** Index of this task's node in `nodes` (SLURM_NODEID). */
  readonly nodeIndex: number;
  readonly jobId: string;
  readonly stepId: string;
  /** Port task 0's control server listens on. */
  readonly port: number;
}

/** The control port of job step `jobId`.`stepId`: one of 20000-59999, spread by a hash of the ids. */
export function slurmControlPort(jobId: string, stepId: string): number {
  let h = 2166136261;
  for (const c of `${jobId}.${stepId}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return 20000 + (h % 40000);
}

function integer(env: NodeJS.ProcessEnv, name: string): number {
  const value = Number(env[name]);
  if (env[name] === undefined || !Number.isInteger(value) || value < 0) throw new BadStateError(`Slurm's ${name} is missing or not a number (${env[name]})`);
  return value;
}

/**
 * The task's place when this process is a task of an `srun` step (and not started by charmrun,
 * and Slurm detection is not off); null otherwise. Throws BadStateError when Slurm's
 * environment is incomplete.
 */
export function readSlurmPlace(env: NodeJS.ProcessEnv): SlurmPlace | null {
  if (env[ENV.PE] !== undefined || env[SLURM_SWITCH] === '0') return null;
  if (env.SLURM_JOB_ID === undefined || env.SLURM_STEP_ID === undefined || env.SLURM_PROCID === undefined) return null;
  const tasks = integer(env, env.SLURM_STEP_NUM_TASKS !== undefined ? 'SLURM_STEP_NUM_TASKS' : 'SLURM_NTASKS');
  const task = integer(env, 'SLURM_PROCID');
  const nodeList = env.SLURM_STEP_NODELIST ?? env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST;
  if (nodeList === undefined) throw new BadStateError("Slurm's SLURM_STEP_NODELIST is missing");
  const nodes = expandHostlist(nodeList);
  const nodeIndex = integer(env, 'SLURM_NODEID');
  if (task >= tasks || nodeIndex >= nodes.length) throw new BadStateError(`Slurm task ${task} of ${tasks} on node ${nodeIndex} of ${nodes.length} is out of range`);
  const jobId = env.SLURM_JOB_ID;
  const stepId = env.SLURM_STEP_ID;
  const port = env[SLURM_PORT] !== undefined ? integer(env, SLURM_PORT) : slurmControlPort(jobId, stepId);
  return { task, tasks, nodes, nodeIndex, jobId, stepId, port };
}

/** The job secret: CHARM4TS_SECRET when set, else derived from the user's key file. */
export function slurmJobSecret(env: NodeJS.ProcessEnv, place: SlurmPlace, keyFile = defaultKeyFile()): string {
  return env[ENV.SECRET] || slurmSecret(readOrCreateKey(keyFile), place.jobId, place.stepId);
}
