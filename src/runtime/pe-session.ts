/**
 * A PE's life in its job: read its place from the launcher's environment (or run alone as a
 * one-PE job when started with plain `node app.js`), bring up the transport, rendezvous
 * through the controller, connect to the peers, and later exit or abort the whole job. The
 * PE never outlives its job: when the controller goes away, it exits.
 */
import { hostname } from 'node:os';
import { ControlClient } from '../control/control-client.js';
import { ENV } from '../control/protocol.js';
import { SlurmController, type SlurmControllerOptions } from '../control/slurm-controller.js';
import { SLURM_PORT } from '../control/slurm-launch.js';
import { BadPeError, BadStateError, ProtocolError } from '../errors.js';
import { TransportSet } from '../transport/transport-set.js';
import { applyUcxEnvironment } from '../transport/ucx/index.js';
import type { TransportEvents } from '../transport/transport.js';
import { extractRuntimeFlags, parseOptionsJson, type RuntimeOptions } from './options.js';
import { PeRuntime } from './pe-runtime.js';
import { isFirstThread, PeThreads, threadRank, threadShmRegion } from './pe-threads.js';
import type { Registry } from './registry.js';
import { readSlurmLaunchInfo } from './slurm-launch-info.js';

/** Where this PE sits, as a launcher describes it. */
export interface LaunchInfo {
  readonly pe: number;
  readonly numPes: number;
  readonly controlUrl: string;
  readonly secret: string;
  readonly transport: string;
  readonly listenHost: string;
  readonly options: RuntimeOptions;
  /** PEs of this process (this thread's PE and the threads it starts). */
  readonly ppn: number;
  /** This host's identity in the job (what other PEs compare to tell hosts apart). */
  readonly hostId: string;
  /** Name or address other hosts reach this PE by; undefined: `listenHost`. */
  readonly advertiseHost: string | undefined;
  /** Silence from the controller (ms) after which this PE exits; 0: never. */
  readonly heartbeatMs: number;
  /** How long to keep trying to reach a controller that may not listen yet (ms; 0: one try). */
  readonly connectRetryMs: number;
  /** Settings of the controller this PE runs itself (task 0 under srun); null: charmrun is the controller. */
  readonly controller: SlurmControllerOptions | null;
}

/** Reads the launcher's environment; null when the program was started without a launcher. */
export function readLaunchInfo(env: NodeJS.ProcessEnv): LaunchInfo | null {
  const pe = env[ENV.PE];
  if (pe === undefined) return null;
  const numPes = Number(env[ENV.NUM_PES]);
  const rank = threadRank() ?? Number(pe);
  const ppn = Number(env[ENV.PPN] ?? 1);
  const controlUrl = env[ENV.CONTROL];
  const secret = env[ENV.SECRET];
  if (!Number.isInteger(rank) || !Number.isInteger(numPes) || rank < 0 || rank >= numPes || !controlUrl || !secret || !Number.isInteger(ppn) || ppn < 1) {
    throw new BadStateError(`incomplete launch environment (${ENV.PE}=${pe}, ${ENV.NUM_PES}=${env[ENV.NUM_PES]}); start programs with charmrun`);
  }
  return {
    pe: rank,
    numPes,
    controlUrl,
    secret,
    transport: env[ENV.TRANSPORT] ?? 'auto',
    listenHost: env[ENV.LISTEN_HOST] ?? '127.0.0.1',
    options: parseOptionsJson(env[ENV.OPTIONS]),
    ppn,
    hostId: env[ENV.HOST_ID] || hostname(),
    advertiseHost: env[ENV.ADVERTISE_HOST] || undefined,
    heartbeatMs: Number(env[ENV.HEARTBEAT_MS] ?? 0) || 0,
    connectRetryMs: 0,
    controller: null,
  };
}

/** A running PE. */
export class PeSession {
  readonly runtime: PeRuntime;
  readonly myPe: number;
  readonly numPes: number;
  /** Host name of every PE. */
  readonly hosts: readonly string[];
  readonly options: RuntimeOptions;
  /** Transport in use and why. */
  readonly transportDescription: string;
  /** Program arguments (runtime flags removed). */
  readonly args: readonly string[];
  /** The state saved by charm.checkpoint when restarted with +restart (undefined otherwise). */
  readonly restored: unknown;
  readonly #control: ControlClient | null;
  readonly #transport: TransportSet | null;
  #threads: PeThreads | null = null;
  #controller: SlurmController | null = null;
  #ending = false;
  #go: Promise<void> = Promise.resolve();

  private constructor(parts: {
    runtime: PeRuntime;
    myPe: number;
    numPes: number;
    hosts: readonly string[];
    options: RuntimeOptions;
    transportDescription: string;
    args: readonly string[];
    control: ControlClient | null;
    transport: TransportSet | null;
    restored: unknown;
  }) {
    this.restored = parts.restored;
    this.runtime = parts.runtime;
    this.myPe = parts.myPe;
    this.numPes = parts.numPes;
    this.hosts = parts.hosts;
    this.options = parts.options;
    this.transportDescription = parts.transportDescription;
    this.args = parts.args;
    this.#control = parts.control;
    this.#transport = parts.transport;
  }

  /** Name of the transport that carries messages to PE `pe` ("self" for this PE). Throws BadPeError for a PE outside the job. */
  transportTo(pe: number): string {
    if (!Number.isInteger(pe) || pe < 0 || pe >= this.numPes) throw new BadPeError(pe, this.numPes);
    if (pe === this.myPe) return 'self';
    return this.#transport?.transportFor(pe)?.name ?? 'none';
  }

  /** Names of the transports this PE uses to reach the other PEs, sorted, without repeats ([] alone). */
  transportsInUse(): string[] {
    const names = new Set<string>();
    for (let pe = 0; pe < this.numPes; pe++) if (pe !== this.myPe) names.add(this.transportTo(pe));
    return [...names].sort();
  }

  /**
   * Resolves when every PE of the job is connected (main may start). Messages from PEs that
   * started earlier may be handled before this.
   */
  get started(): Promise<void> {
    return this.#go;
  }

  /**
   * Brings this PE up: alone when there is no launcher, else through the rendezvous. Resolves
   * once this PE can send and receive; `started` then tells when the whole job is up.
   */
  static async start(registry: Registry, env: NodeJS.ProcessEnv, argv: readonly string[]): Promise<PeSession> {
    registry.freeze();
    const launch = readLaunchInfo(env);
    if (launch !== null) return PeSession.#startInJob(registry, launch, argv);
    const slurm = readSlurmLaunchInfo(env, argv);
    if (slurm !== null) return PeSession.#startInJob(registry, slurm.launch, slurm.args);
    return PeSession.#startAlone(registry, argv);
  }

  static #startAlone(registry: Registry, argv: readonly string[]): PeSession {
    const { options, rest } = extractRuntimeFlags(argv);
    let session: PeSession | undefined;
    const runtime = new PeRuntime(registry, 0, 1, { fatal: (m) => session!.abort(m), warn: warn(0) }, options);
    runtime.setTransports([undefined]);
    runtime.setHosts([hostname()]);
    const restored = options.restart === null ? undefined : runtime.restore(options.restart);
    session = new PeSession({ runtime, myPe: 0, numPes: 1, hosts: [hostname()], options, transportDescription: 'none (one PE)', args: rest, control: null, transport: null, restored });
    process.once('beforeExit', () => {
      if (session!.#ending) return;
      process.stderr.write('charm4ts: nothing is left to run, but charm.exit was never called (is main awaiting a future that nobody will send?)\n');
      session!.#finish(1);
    });
    return session;
  }

  static async #startInJob(registry: Registry, launch: LaunchInfo, argv: readonly string[]): Promise<PeSession> {
    let session: PeSession | undefined;
    // Threads share the process environment, which libucx reads when it loads: set it first.
    if (launch.transport !== 'ws') applyUcxEnvironment(process.env);
    const threads =
      isFirstThread() && launch.ppn > 1
        ? new PeThreads(process.argv[1]!, argv, launch.pe, launch.ppn, (pe, why) => {
            if (session === undefined) {
              process.stderr.write(`charm4ts: PE ${pe} ${why}\n`);
              process.exit(1);
            }
            if (!session.#ending) session.abort(`PE ${pe} ${why}`);
          })
        : null;
    const runtime = new PeRuntime(registry, launch.pe, launch.numPes, { fatal: (m) => session!.abort(m), warn: warn(launch.pe) }, launch.options);
    let control: ControlClient | undefined;
    const events: TransportEvents = {
      onFrame: (from, frame) => {
        try {
          runtime.receiveFrame(from, frame);
        } catch (error) {
          // Decoding wraps every fault of the input in a ProtocolError; anything else is this PE failing.
          if (error instanceof ProtocolError) warn(launch.pe)(`dropped a malformed message from PE ${from}: ${error.message}`);
          else {
            const message = `PE ${launch.pe} failed while handling a message from PE ${from}: ${(error as Error).stack ?? String(error)}`;
            if (session !== undefined) session.abort(message);
            else control?.abort(message);
          }
        }
      },
      onPeerLost: (pe, reason) => control?.peerLost(pe, reason),
      onProtocolError: (reason) => warn(launch.pe)(reason),
    };
    const transports = new TransportSet(launch.transport, {
      pe: launch.pe,
      numPes: launch.numPes,
      secret: launch.secret,
      listenHost: launch.listenHost,
      advertiseHost: launch.advertiseHost,
      hostId: launch.hostId,
      events,
    }, threads?.shmRegion ?? threadShmRegion());
    const description = transports.description;
    if (launch.pe === 0 && transports.ucxUnavailable !== null && !launch.options.quiet) {
      process.stderr.write(`charm4ts: ucx unavailable (${transports.ucxUnavailable}); using ws\n`);
    }
    const address = await transports.listen();
    if (launch.options.verbose) process.stderr.write(`charm4ts: PE ${launch.pe} listening on ${address} (transport ${description})\n`);
    const controller = launch.controller === null ? null : await startController(launch.controller);
    control = await connectControl(launch);
    if (launch.heartbeatMs > 0) control.watchHeartbeat(launch.heartbeatMs);
    const peers = await control.hello({ pid: process.pid, host: launch.hostId, address, fingerprint: registry.fingerprint });
    await transports.connect(peers.addresses);
    if (launch.options.verbose) process.stderr.write(`charm4ts: PE ${launch.pe} transports: ${transports.summary()}\n`);
    runtime.setTransports(peers.addresses.map((_a, pe) => transports.transportFor(pe)));
    runtime.setHosts(peers.hosts);
    let restored: unknown;
    if (launch.options.restart !== null) {
      try {
        restored = runtime.restore(launch.options.restart);
      } catch (error) {
        control.abort(`PE ${launch.pe} cannot restart from ${launch.options.restart}: ${(error as Error).message}`);
        throw error;
      }
    }
    const transport = transports;
    session = new PeSession({
      runtime,
      myPe: launch.pe,
      numPes: launch.numPes,
      hosts: peers.hosts,
      options: launch.options,
      transportDescription: description,
      args: argv,
      control,
      transport,
      restored,
    });
    session.#threads = threads;
    session.#controller = controller;
    control.setEvents({
      onShutdown: (code) => session!.#finish(code),
      onLost: (reason) => {
        process.stderr.write(`charm4ts: PE ${launch.pe}: ${reason}; exiting\n`);
        session!.#finish(1);
      },
    });
    session.#go = control.ready();
    return session;
  }

  /** Ends the job with `code` (every PE exits). */
  exit(code: number): void {
    if (this.#control === null) {
      this.#finish(code);
      return;
    }
    this.#control.exit(code);
  }

  /** Ends the job with an error message and a non-zero exit code. */
  abort(message: string): void {
    if (this.#ending) return;
    if (this.#control === null) {
      process.stderr.write(`charm4ts: aborted: ${message}\n`);
      this.#finish(1);
      return;
    }
    this.#control.abort(message);
    this.runtime.stop(new BadStateError(`the job is aborting: ${message}`));
  }

  #finish(code: number): void {
    if (this.#ending) return;
    this.#ending = true;
    this.runtime.stop(new BadStateError('the job has ended'));
    this.#control?.close();
    void this.#transport?.close();
    process.exitCode = code;
    // Let PE threads and pending writes of stdout/stderr (pipes) finish, then leave even if handles remain.
    // A PE that runs the controller stays until the other PEs have had their shutdown.
    void Promise.all([this.#threads?.waitForExit(3000), this.#controller?.close(3000)]).then(() => setImmediate(() => process.exit(code)));
  }
}

/** Starts task 0's controller; a port in use is reported with what to do about it. */
async function startController(options: SlurmControllerOptions): Promise<SlurmController> {
  try {
    return await SlurmController.start(options);
  } catch (error) {
    const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new BadStateError(
      busy
        ? `the control port ${options.port} of this Slurm job step is in use on this node; set ${SLURM_PORT} to a free port`
        : `cannot start the controller of this Slurm job step: ${(error as Error).message}`,
    );
  }
}

/** Connects to the controller, retrying for `connectRetryMs` while it is not listening yet. */
async function connectControl(launch: LaunchInfo): Promise<ControlClient> {
  const deadline = performance.now() + launch.connectRetryMs;
  for (;;) {
    try {
      return await ControlClient.connect(launch.controlUrl, launch.secret, launch.pe, 30_000);
    } catch (error) {
      if (performance.now() >= deadline || /refused PE/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function warn(pe: number): (message: string) => void {
  return (message) => process.stderr.write(`charm4ts: PE ${pe}: warning: ${message}\n`);
}
