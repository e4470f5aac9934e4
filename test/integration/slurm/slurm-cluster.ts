/**
 * A real one-node Slurm cluster for tests: Debian's slurm-wlm daemons (munged, slurmctld,
 * slurmd) started on this machine with a minimal configuration in a temporary folder, on ports
 * of their own, and stopped again by `stop`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chownSync, chmodSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'srun', 'salloc', 'sinfo'];

function has(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/** Why no Slurm cluster can be started here, or null when one can. */
export function slurmUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: the test starts slurmctld and slurmd itself';
  const missing = PROGRAMS.filter((p) => !has(p));
  if (missing.length > 0) return `slurm-wlm is not installed (missing ${missing.join(', ')}; apt-get install slurm-wlm munge)`;
  if (!existsSync('/etc/munge/munge.key')) return 'munge has no key (/etc/munge/munge.key)';
  return null;
}

/** A running one-node cluster. */
export class SlurmCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'c4t-slurm-'));
  /** Environment for Slurm's commands (SLURM_CONF). */
  readonly env: NodeJS.ProcessEnv;

  /** Writes the configuration and starts the daemons; throws saying what failed. */
  constructor() {
    const d = this.dir;
    const node = hostname().split('.')[0]!;
    chmodSync(d, 0o755); // munged, running as munge, must reach its folder
    for (const sub of ['state', 'spool', 'munge']) mkdirSync(join(d, sub));
    const munge = Number(execFileSync('id', ['-u', 'munge'], { encoding: 'utf8' }).trim());
    chownSync(join(d, 'munge'), munge, munge);
    const conf = join(d, 'slurm.conf');
    writeFileSync(
      conf,
      [
        'ClusterName=c4t',
        `SlurmctldHost=${node}`,
        'SlurmctldPort=16817',
        'SlurmdPort=16818',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${d}/munge/munge.sock`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `StateSaveLocation=${d}/state`,
        `SlurmdSpoolDir=${d}/spool`,
        `SlurmctldPidFile=${d}/slurmctld.pid`,
        `SlurmdPidFile=${d}/slurmd.pid`,
        `SlurmctldLogFile=${d}/slurmctld.log`,
        `SlurmdLogFile=${d}/slurmd.log`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'MpiDefault=none',
        'ReturnToService=2',
        'JobCompType=jobcomp/none',
        'AccountingStorageType=accounting_storage/none',
        `NodeName=${node} CPUs=${cpus().length} State=UNKNOWN`,
        'PartitionName=c4t Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES',
        '',
      ].join('\n'),
    );
    this.env = { SLURM_CONF: conf };
    const run = (command: string, args: string[]): void => void execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    run('runuser', ['-u', 'munge', '--', 'munged', `--socket=${d}/munge/munge.sock`, `--pid-file=${d}/munge/munged.pid`, `--log-file=${d}/munge/log`, `--seed-file=${d}/munge/seed`]);
    run('slurmctld', ['-f', conf]);
    run('slurmd', ['-f', conf]);
  }

  /** Resolves once the node is idle (ready for jobs); throws after `timeoutMs`. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let state = '';
    while (performance.now() < deadline) {
      state = spawnSync('sinfo', ['-h', '-o', '%t'], { env: { ...process.env, ...this.env }, encoding: 'utf8', timeout: 5000 }).stdout?.trim() ?? '';
      if (state === 'idle') return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`the Slurm node did not become idle within ${timeoutMs} ms (state "${state}"); logs in ${this.dir}`);
  }

  /**
   * Stops the daemons, waits (up to 10 s) until they have exited, so that none is still
   * writing into the folder, then removes the folder.
   */
  async stop(): Promise<void> {
    const pids: number[] = [];
    for (const pidFile of ['slurmd.pid', 'slurmctld.pid', 'munge/munged.pid']) {
      const path = join(this.dir, pidFile);
      if (!existsSync(path)) continue;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid > 0 && signal(pid, 'SIGTERM')) pids.push(pid);
    }
    const deadline = performance.now() + 10_000;
    while (pids.some(running) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const pid of pids) signal(pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** True while `pid` exists and is not a zombie (a daemon's parent may never reap it here). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Sends `sig` to `pid`; false when there is no such process. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
