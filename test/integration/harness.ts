/**
 * Runs a chare program under charmrun (the built one, as a user would) and collects its exit
 * code and output. Every run has a time limit: a hang fails the test instead of stalling it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built charmrun. */
export const CHARMRUN = `${ROOT}dist/cli/charmrun.js`;

/** Outcome of one job. */
export interface JobResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the job had to be killed at the time limit. */
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Options of a job. */
export interface JobOptions {
  readonly pes?: number;
  readonly args?: readonly string[];
  /** charmrun flags placed before the program (e.g. ["++transport", "ws"]). */
  readonly flags?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Called with all output so far whenever more arrives (for tests that act mid-run); `pid` is charmrun's. */
  readonly onOutput?: (stdout: string, stderr: string, pid: number) => void;
}

/** Runs `charmrun +p<pes> [flags] <program> [args]`. */
export function runCharmrun(program: string, options: JobOptions = {}): Promise<JobResult> {
  const argv = [CHARMRUN, `+p${options.pes ?? 2}`, ...(options.flags ?? []), program, ...(options.args ?? [])];
  return runNode(argv, options);
}

/** Runs `node <argv>` with a time limit. */
export function runNode(argv: readonly string[], options: JobOptions = {}): Promise<JobResult> {
  return runCommand(process.execPath, argv, options);
}

/** Runs `command <argv>` (e.g. srun) with a time limit. */
export function runCommand(command: string, argv: readonly string[], options: JobOptions = {}): Promise<JobResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(stdout, stderr, child.pid!);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(stdout, stderr, child.pid!);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

/** Path of a test program under test/integration/programs. */
export function program(name: string): string {
  return `${ROOT}test/integration/programs/${name}`;
}

/**
 * An `onOutput` that SIGKILLs PE `pe`'s process once a failures.ts program prints
 * "ready pid <pid> pe <pe>"; `killed()` tells whether it did.
 */
export function killWhenReady(pe: number): { onOutput: (stdout: string) => void; killed: () => boolean } {
  let killed = false;
  const ready = new RegExp(`ready pid (\\d+) pe ${pe}\\b`);
  return {
    onOutput: (stdout) => {
      const match = ready.exec(stdout);
      if (match && !killed) {
        killed = true;
        process.kill(Number(match[1]), 'SIGKILL');
      }
    },
    killed: () => killed,
  };
}
