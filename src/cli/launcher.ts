/**
 * Runs one job on this host: starts the control server, spawns the PE processes with their
 * place in the job and the job's secret in their environment, forwards their output, and
 * watches them. The job ends when a PE asks to exit, or, with a message naming the PE and the
 * cause and a non-zero code, when a PE dies, aborts or cannot start. No PE is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Writable } from 'node:stream';
import { ControlServer } from '../control/control-server.js';
import { ENV } from '../control/protocol.js';
import { BadFlagError } from '../errors.js';
import type { LaunchPlan } from './charmrun-flags.js';
import { forwardLines } from './output-forwarder.js';

/** How long PEs get to exit after being told to, before they are killed. */
const EXIT_GRACE_MS = 5000;
/** How long a lost peer connection waits for the PE's death to explain it. */
const PEER_LOST_GRACE_MS = 1000;

interface PeProcess {
  readonly firstPe: number;
  readonly child: ChildProcess;
  exited: boolean;
  readonly flush: (() => void)[];
}

/** Node arguments that let a PE process run `script` (TypeScript runs through tsx). */
export function nodeArgsFor(script: string): string[] {
  return /\.(ts|mts|cts)$/.test(script) ? ['--import', import.meta.resolve('tsx')] : [];
}

/** One job. */
export class Job {
  readonly #plan: LaunchPlan;
  readonly #stdout: Writable;
  readonly #stderr: Writable;
  readonly #processes: PeProcess[] = [];
  #server: ControlServer | undefined;
  #ending = false;
  #exitCode = 0;
  #done!: (code: number) => void;
  readonly #finished = new Promise<number>((resolve) => (this.#done = resolve));

  constructor(plan: LaunchPlan, stdout: Writable, stderr: Writable) {
    this.#plan = plan;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Runs the job; resolves to charmrun's exit code. */
  async run(): Promise<number> {
    const plan = this.#plan;
    const script = resolvePath(plan.script);
    if (!existsSync(script)) throw new BadFlagError(`program not found: ${plan.script}`);
    const secret = randomBytes(32).toString('hex');
    const server = new ControlServer({
      numPes: plan.numPes,
      secret,
      host: '127.0.0.1',
      rendezvousTimeoutMs: plan.timeoutSec * 1000,
      events: {
        onExit: (_pe, code) => this.#end(code, null),
        onAbort: (pe, message) => this.#end(1, `charmrun: job aborted${pe === null ? '' : ` by PE ${pe}`}: ${message}`),
        onPeerLost: (pe, peer, reason) => {
          setTimeout(() => this.#end(1, `charmrun: PE ${pe} lost its connection to PE ${peer} (${reason})`), PEER_LOST_GRACE_MS).unref();
        },
        onDisconnect: () => undefined,
        onStarted: () => this.#info(`charmrun: ${plan.numPes} PE${plan.numPes > 1 ? 's' : ''} started, transport ${plan.transport}`),
        onRefused: (reason) => this.#stderr.write(`charmrun: ${reason}\n`),
      },
    });
    this.#server = server;
    const controlUrl = await server.listen();
    this.#info(`charmrun: control server on ${controlUrl}`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [ENV.NUM_PES]: String(plan.numPes),
      [ENV.CONTROL]: controlUrl,
      [ENV.SECRET]: secret,
      [ENV.TRANSPORT]: plan.transport,
      [ENV.OPTIONS]: JSON.stringify(plan.runtime),
      [ENV.LISTEN_HOST]: '127.0.0.1',
      [ENV.PPN]: String(plan.ppn),
      [ENV.STDERR_TTY]: process.stderr.isTTY ? '1' : '0',
    };
    const nodeArgs = [...nodeArgsFor(script), script, ...plan.appArgs];
    for (let pe = 0; pe < plan.numPes; pe += plan.ppn) this.#spawn(pe, nodeArgs, env);
    const onSignal = (signal: NodeJS.Signals): void => this.#end(128 + (constants.signals[signal] ?? 1), `charmrun: received ${signal}; stopping every PE`);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await this.#finished;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  #spawn(firstPe: number, nodeArgs: string[], env: NodeJS.ProcessEnv): void {
    const child = spawn(process.execPath, nodeArgs, { env: { ...env, [ENV.PE]: String(firstPe) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = this.#plan.prefix ? `[PE ${firstPe}] ` : '';
    const record: PeProcess = {
      firstPe,
      child,
      exited: false,
      flush: [forwardLines(child.stdout!, this.#stdout, prefix), forwardLines(child.stderr!, this.#stderr, prefix)],
    };
    this.#processes.push(record);
    child.on('error', (error) => this.#end(1, `charmrun: cannot start PE ${firstPe}: ${error.message}`));
    child.on('exit', (code, signal) => {
      record.exited = true;
      for (const flush of record.flush) flush();
      if (!this.#ending) {
        const cause = signal !== null ? `was killed by signal ${signal}` : code === 0 ? 'exited (code 0) before the job ended, without charm.exit' : `exited with code ${code}`;
        const status = signal !== null ? 128 + (constants.signals[signal] ?? 1) : code === 0 ? 1 : (code ?? 1);
        this.#end(status, `charmrun: PE ${firstPe} (pid ${child.pid} on ${hostname()}) ${cause}`);
      }
      this.#maybeDone();
    });
  }

  /** Ends the job once: tells every PE to stop, kills those that do not, reports `message`. */
  #end(code: number, message: string | null): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#exitCode = code;
    if (message !== null) this.#stderr.write(`${message}\n`);
    this.#server?.shutdown(code);
    setTimeout(() => {
      for (const p of this.#processes) if (!p.exited) p.child.kill('SIGKILL');
    }, EXIT_GRACE_MS).unref();
    this.#maybeDone();
  }

  #maybeDone(): void {
    if (!this.#ending || this.#processes.some((p) => !p.exited)) return;
    void this.#server?.close().then(() => this.#done(this.#exitCode));
  }

  #info(message: string): void {
    if (this.#plan.verbose && !this.#plan.quiet) this.#stderr.write(`${message}\n`);
  }
}
