/**
 * Runs one job, on this host or (with ++nodelist / ++hosts) on several through a remote shell:
 * starts the control server, spawns the PE processes with their place in the job and the job's
 * secret in their environment (on other hosts: on their standard input), forwards their
 * output, and watches them (across hosts also with a heartbeat on the control connections). The job ends when a PE asks to exit, or, with a message naming the PE and the
 * cause and a non-zero code, when a PE dies, aborts or cannot start. No PE is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Writable } from 'node:stream';
import { ControlServer } from '../control/control-server.js';
import { formatHost } from '../transport/ws/authenticated-server.js';
import { ENV } from '../control/protocol.js';
import { BadFlagError } from '../errors.js';
import type { LaunchPlan } from './charmrun-flags.js';
import { placeProcesses, type NodelistHost } from './nodelist.js';
import { withPeGlibcTunables } from './pe-glibc-tunables.js';
import { forwardLines } from './output-forwarder.js';
import { forwardedEnvironment, remoteCommandLine } from './remote-command.js';
import { localAddressToward } from './route-address.js';

/** How long PEs get to exit after being told to, before they are killed. */
const EXIT_GRACE_MS = 5000;
/** How long a lost peer connection waits for the PE's death to explain it. */
const PEER_LOST_GRACE_MS = 1000;

interface PeProcess {
  readonly firstPe: number;
  /** Host it runs on, as the user named it. */
  readonly host: string;
  readonly child: ChildProcess;
  exited: boolean;
  readonly flush: (() => void)[];
}

/**
 * Node arguments that size a PE process's heap: V8 starts with an old-generation limit of
 * `heapMb` MiB instead of one derived from the small heap a PE has after start-up. V8 counts
 * the array buffers allocated since its last full collection against that limit, so with
 * Node's default every few MiB of received arrays that a program keeps (migrated elements,
 * non-borrowed arguments) cost a full collection.
 */
export function nodeHeapArgs(heapMb: number): string[] {
  return heapMb > 0 ? [`--initial-old-space-size=${heapMb}`] : [];
}

/** Node arguments that let a PE process run `script` (TypeScript runs through tsx) with a heap of `heapMb` MiB (see nodeHeapArgs). */
export function nodeArgsFor(script: string, heapMb: number): string[] {
  return [...nodeHeapArgs(heapMb), ...(/\.(ts|mts|cts)$/.test(script) ? ['--import', import.meta.resolve('tsx')] : [])];
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
    const hosts = plan.hosts;
    const heartbeatMs = hosts === null ? 0 : plan.heartbeatSec * 1000;
    const server = new ControlServer({
      numPes: plan.numPes,
      secret,
      host: hosts === null ? '127.0.0.1' : '0.0.0.0',
      rendezvousTimeoutMs: plan.timeoutSec * 1000,
      heartbeatMs,
      events: {
        onExit: (_pe, code) => this.#end(code, null),
        onAbort: (pe, message) => this.#end(1, `charmrun: job aborted${pe === null ? '' : ` by PE ${pe}`}: ${message}`),
        onPeerLost: (pe, peer, reason) => {
          // Across hosts, wait long enough for the heartbeat to name an unreachable host instead.
          const grace = PEER_LOST_GRACE_MS + heartbeatMs;
          setTimeout(() => this.#end(1, `charmrun: PE ${pe}${this.#onHost(pe)} lost its connection to PE ${peer}${this.#onHost(peer)} (${reason})`), grace).unref();
        },
        onUnresponsive: (pes, silentMs) => this.#end(1, `charmrun: ${this.#describeUnreachable(pes, silentMs)}`),
        onDisconnect: () => undefined,
        onStarted: () => this.#info(`charmrun: ${plan.numPes} PE${plan.numPes > 1 ? 's' : ''} started, transport ${plan.transport}`),
        onRefused: (reason) => this.#stderr.write(`charmrun: ${reason}\n`),
      },
    });
    this.#server = server;
    const controlUrl = await server.listen();
    this.#info(`charmrun: control server on ${controlUrl}`);
    const env: NodeJS.ProcessEnv = {
      ...withPeGlibcTunables(process.env),
      [ENV.NUM_PES]: String(plan.numPes),
      [ENV.CONTROL]: controlUrl,
      [ENV.SECRET]: secret,
      [ENV.TRANSPORT]: plan.transport,
      [ENV.OPTIONS]: JSON.stringify(plan.runtime),
      [ENV.LISTEN_HOST]: '127.0.0.1',
      [ENV.PPN]: String(plan.ppn),
      [ENV.STDERR_TTY]: process.stderr.isTTY ? '1' : '0',
    };
    const nodeArgs = [...nodeArgsFor(script, plan.heapMb), script, ...plan.appArgs];
    if (hosts === null) {
      for (let pe = 0; pe < plan.numPes; pe += plan.ppn) this.#spawn(pe, hostname(), process.execPath, nodeArgs, { ...env, [ENV.PE]: String(pe) }, null);
    } else {
      // PEs wait twice as long as charmrun: charmrun, which can name the host, speaks first.
      await this.#spawnOnHosts(hosts, new URL(controlUrl).port, secret, [process.execPath, ...nodeArgs], { ...env, [ENV.LISTEN_HOST]: '0.0.0.0', [ENV.HEARTBEAT_MS]: String(2 * heartbeatMs) });
    }
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

  /**
   * Starts the PE processes on `hosts` through the remote shell: placed round robin, PEs
   * numbered host by host. Each process learns charmrun's address on the route to its host.
   */
  async #spawnOnHosts(hosts: readonly NodelistHost[], port: string, secret: string, argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
    const plan = this.#plan;
    const serverAddress = new Map<string, string>();
    for (const host of new Set(hosts.map((h) => h.name))) {
      try {
        serverAddress.set(host, plan.serverHost ?? (await localAddressToward(host)));
      } catch (error) {
        throw new BadFlagError(`host ${host} of the nodelist cannot be reached from here (${(error as Error).message})`);
      }
    }
    for (const { hostIndex, firstPe } of placeProcesses(plan.numPes / plan.ppn, hosts.length, plan.ppn)) {
      const host = hosts[hostIndex]!;
      const peEnv = {
        ...env,
        [ENV.PE]: String(firstPe),
        [ENV.CONTROL]: `ws://${formatHost(serverAddress.get(host.name)!)}:${port}`,
        [ENV.HOST_ID]: host.name,
        [ENV.ADVERTISE_HOST]: host.name,
      };
      const shell = host.shell === null ? plan.remoteShell : host.shell.split(/\s+/);
      const line = remoteCommandLine(process.cwd(), forwardedEnvironment(peEnv), argv);
      this.#info(`charmrun: PE ${firstPe}${plan.ppn > 1 ? `-${firstPe + plan.ppn - 1}` : ''} on ${host.name} through ${shell.join(' ')}`);
      this.#spawn(firstPe, host.name, shell[0]!, [...shell.slice(1), host.name, line], process.env, `${secret}\n`);
    }
  }

  /**
   * Spawns one PE process running `command args` with `env`; `stdin`, when given, is written
   * to its standard input (the secret, for a remote shell).
   */
  #spawn(firstPe: number, host: string, command: string, args: string[], env: NodeJS.ProcessEnv, stdin: string | null): void {
    const child = spawn(command, args, { env, stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== null) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(stdin);
    }
    const prefix = this.#plan.prefix ? `[PE ${firstPe}] ` : '';
    const record: PeProcess = {
      firstPe,
      host,
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
        const where = this.#plan.hosts === null ? `pid ${child.pid} on ${host}` : `on host ${host}`;
        this.#end(status, `charmrun: PE ${firstPe} (${where}) ${cause}`);
      }
      this.#maybeDone();
    });
  }

  /** " (host NAME)" for a PE of a job across hosts, else "". */
  #onHost(pe: number): string {
    return this.#plan.hosts === null ? '' : ` (host ${this.#processOf(pe)?.host ?? '?'})`;
  }

  #processOf(pe: number): PeProcess | undefined {
    return this.#processes.find((p) => pe >= p.firstPe && pe < p.firstPe + this.#plan.ppn);
  }

  /** Names the hosts of silent PEs: "host b is unreachable: PEs 2, 3 answered nothing for 10 s ...". */
  #describeUnreachable(pes: readonly number[], silentMs: number): string {
    const byHost = new Map<string, number[]>();
    for (const pe of pes) {
      const host = this.#processOf(pe)?.host ?? '?';
      byHost.set(host, [...(byHost.get(host) ?? []), pe]);
    }
    const names = [...byHost.keys()];
    const lists = [...byHost].map(([host, list]) => `PE${list.length > 1 ? 's' : ''} ${list.join(', ')} on ${host}`);
    return `host${names.length > 1 ? 's' : ''} ${names.join(', ')} unreachable: ${lists.join('; ')} answered nothing for ${silentMs / 1000} s (network cut or host down)`;
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
