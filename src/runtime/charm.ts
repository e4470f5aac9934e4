/**
 * The `charm` object programs use: register chare classes, start, create collections and
 * futures, exit. One per JavaScript realm (each PE is one realm), imported from the package;
 * the engine behind it (the PE's session and runtime) lives in a private field.
 */
import type { Chare } from '../chares/chare.js';
import type { ChareArray } from '../chares/chare-array.js';
import type { Group } from '../chares/group.js';
import { BadStateError, InvalidArgumentError } from '../errors.js';
import type { ArrayMapFn } from './array-maps.js';
import type { Channel } from './channel.js';
import type { Future } from './future.js';
import type { RuntimeOptions } from './options.js';
import type { ArrayProxy, ChareProxy, ElementProxy, GroupProxy } from './proxy-types.js';
import { reducerFromCombine, type Reducer } from './reducers.js';
import { Registry, type ChareClass } from './registry.js';
import { PeSession } from './pe-session.js';
import { ENV } from '../control/protocol.js';

/** A program's main function: runs on PE 0 with the program's arguments. */
export type MainFunction = (args: string[]) => void | Promise<void>;

/** Constructor arguments of chare class C. */
type ArgsOf<C> = C extends abstract new (...args: infer A) => any ? A : never;

/** Options of `createChare`. */
export interface ChareOptions<C> {
  readonly args?: ArgsOf<C>;
  /** PE to create the chare on (default 0). */
  readonly onPe?: number;
}

/** Options of `createGroup`. */
export interface GroupOptions<C> {
  readonly args?: ArgsOf<C>;
}

/** Options of `createArray` and `createSparseArray`. */
export interface ArrayOptions<C> {
  /** Constructor arguments of every element. */
  readonly args?: ArgsOf<C>;
  /** Placement: a registered map's name or function (default "block"). */
  readonly map?: string | ArrayMapFn;
}

/** A reducer as passed to `contribute`. */
export interface ReducerRef {
  readonly name: string;
}

/** The charm4ts runtime facade. */
export class Charm {
  readonly #registry = new Registry();
  #session: PeSession | undefined;
  #starting = false;

  /** Registers chare classes. Every PE must register the same classes before `start`. */
  register(...classes: ChareClass[]): void {
    this.#registry.registerClasses(classes);
  }

  /** Registers an array map under `name` (before `start`, on every PE). */
  registerMap(name: string, map: ArrayMapFn): void {
    this.#registry.registerMap(name, map);
  }

  /**
   * Registers a reducer (before `start`, on every PE): a binary combine function
   * (associative and commutative), or a full {@link Reducer} with lift/combine/finalize.
   */
  registerReducer<T>(name: string, combine: ((a: T, b: T) => T) | Omit<Reducer, 'name'>): ReducerRef {
    const reducer: Reducer = typeof combine === 'function' ? (reducerFromCombine(name, combine) as Reducer) : { ...combine, name };
    this.#registry.registerReducer(reducer);
    return { name };
  }

  /**
   * Starts this PE. `main` runs on PE 0 once every PE is up, with the program's arguments;
   * an error thrown by `main` aborts the job. The job ends when some PE calls `charm.exit`.
   */
  start(main: MainFunction): void {
    if (this.#starting) throw new BadStateError('charm.start was called twice');
    this.#starting = true;
    installProcessGuards(this);
    PeSession.start(this.#registry, process.env, process.argv.slice(2)).then(
      async (session) => {
        this.#session = session;
        await session.started;
        if (session.options.verbose && session.myPe === 0) {
          process.stderr.write(`charm4ts: ${session.numPes} PEs, transport ${session.transportDescription}\n`);
        }
        if (session.myPe !== 0) return;
        session.runtime.startWatchdog();
        Promise.resolve()
          .then(() => main([...session.args]))
          .then(
            () => session.runtime.mainReturned(),
            (error: unknown) => session.abort(`main threw: ${describeError(error)}`),
          );
      },
      (error: unknown) => {
        process.stderr.write(`charm4ts: cannot start: ${describeError(error)}\n`);
        process.exit(1);
      },
    );
  }

  #requireSession(): PeSession {
    if (this.#session === undefined) throw new BadStateError('the runtime is not running yet: call charm.start(main) and use charm inside main or chares');
    return this.#session;
  }

  /** This PE's number. */
  myPe(): number {
    return this.#requireSession().myPe;
  }

  /** Number of PEs in the job. */
  numPes(): number {
    return this.#requireSession().numPes;
  }

  /** Number of distinct hosts the PEs run on. */
  numHosts(): number {
    return new Set(this.#requireSession().hosts).size;
  }

  /** Index of this PE's host (0..numHosts-1, in order of first PE). */
  myHost(): number {
    return this.hostOf(this.myPe());
  }

  /** Index of PE `pe`'s host (0..numHosts-1, in order of first PE). */
  hostOf(pe: number): number {
    const hosts = this.#requireSession().hosts;
    if (!Number.isInteger(pe) || pe < 0 || pe >= hosts.length) throw new InvalidArgumentError(`PE ${pe} does not exist`);
    return [...new Set(hosts)].indexOf(hosts[pe]!);
  }

  /** PEs on the same host as PE `pe`. */
  pesOnHost(pe: number): number[] {
    const hosts = this.#requireSession().hosts;
    return hosts.flatMap((h, p) => (h === hosts[pe] ? [p] : []));
  }

  /**
   * True when the job's stderr is a terminal (under charmrun, PE output goes through pipes, so
   * `process.stderr.isTTY` is false; this says what the user sees). For progress indicators.
   */
  stderrIsTerminal(): boolean {
    return process.stderr.isTTY === true || process.env[ENV.STDERR_TTY] === '1';
  }

  /** Seconds this PE has spent handling messages (entry methods and runtime work) since it started. */
  busySeconds(): number {
    return this.#requireSession().runtime.busySeconds;
  }

  /** Seconds since an arbitrary point, monotonic, sub-microsecond resolution. */
  wallTime(): number {
    return performance.now() / 1000;
  }

  /** The runtime options (the "+" flags) of this job. */
  get options(): RuntimeOptions {
    return this.#requireSession().options;
  }

  /** The transport in use and how it was chosen. */
  get transport(): string {
    return this.#requireSession().transportDescription;
  }

  /** Name of the transport carrying messages from this PE to PE `pe`: "shm", "ucx", "ws", or "self" for this PE. */
  transportTo(pe: number): string {
    return this.#requireSession().transportTo(pe);
  }

  /** Names of the transports this PE uses to reach the other PEs, e.g. ["shm", "ucx"], sorted; [] in a one-PE job. */
  transportsInUse(): string[] {
    return this.#requireSession().transportsInUse();
  }

  /** Creates a singleton chare (on `options.onPe`, default PE 0) and returns its proxy. */
  createChare<C extends abstract new (...args: any[]) => Chare>(cls: C, options: ChareOptions<C> = {}): ChareProxy<InstanceType<C>> {
    return this.#requireSession().runtime.create(cls, 'chare', [], 0, options) as unknown as ChareProxy<InstanceType<C>>;
  }

  /** Creates a group (one member per PE) and returns its proxy. */
  createGroup<C extends abstract new (...args: any[]) => Group>(cls: C, options: GroupOptions<C> = {}): GroupProxy<InstanceType<C>> {
    return this.#requireSession().runtime.create(cls, 'group', [], 0, options) as unknown as GroupProxy<InstanceType<C>>;
  }

  /**
   * Creates a dense chare array of `dims` (a number, or 1 to 6 numbers) and returns its proxy.
   * Elements are placed by `options.map` (block by default) and constructed before this returns
   * on this PE, and as soon as the creation reaches the other PEs.
   */
  createArray<C extends abstract new (...args: any[]) => ChareArray>(cls: C, dims: number | readonly number[], options: ArrayOptions<C> = {}): ArrayProxy<InstanceType<C>> {
    return this.#requireSession().runtime.create(cls, 'array', typeof dims === 'number' ? [dims] : dims, 0, options) as unknown as ArrayProxy<InstanceType<C>>;
  }

  /**
   * Creates an empty sparse array whose indices have `ndims` numbers; add elements with
   * `proxy.insert(index, { args, onPe })` and close with `proxy.doneInserting()`.
   */
  createSparseArray<C extends abstract new (...args: any[]) => ChareArray>(cls: C, ndims: number, options: Omit<ArrayOptions<C>, 'args'> = {}): ArrayProxy<InstanceType<C>> {
    if (!Number.isInteger(ndims) || ndims < 1 || ndims > 6) throw new InvalidArgumentError(`a sparse array has 1 to 6 index dimensions, got ${ndims}`);
    return this.#requireSession().runtime.create(cls, 'array', null, ndims, options) as unknown as ArrayProxy<InstanceType<C>>;
  }

  /** A new future, owned (and awaitable) on this PE; send it to others so they can `send` a value. */
  createFuture<T = unknown>(): Future<T> {
    return this.#requireSession().runtime.createFuture<T>();
  }

  /** Waits for every future; resolves to their values in order (rejects on the first error). */
  waitAll<T>(futures: readonly PromiseLike<T>[]): Promise<T[]> {
    return Promise.all(futures);
  }

  /** Waits for the first future to resolve; resolves to its position and value. */
  waitAny<T>(futures: readonly PromiseLike<T>[]): Promise<{ index: number; value: T }> {
    if (futures.length === 0) return Promise.reject(new InvalidArgumentError('waitAny needs at least one future'));
    return Promise.race(futures.map((f, index) => Promise.resolve(f).then((value) => ({ index, value }))));
  }

  /**
   * Opens `chare`'s end of a channel to `peer` (a proxy to one chare). The peer opens its end
   * with a proxy to `chare`; `port` tells apart several channels between the same two chares.
   */
  channel<T = unknown>(chare: object, peer: ElementProxy<any>, port = 0): Channel<T> {
    return this.#requireSession().runtime.channel<T>(chare, peer, port);
  }

  /**
   * Writes a checkpoint of every chare into `dir` (call it on PE 0, e.g. from main, at a point
   * where the program can resume): the runtime waits for quiescence, every PE writes its chares
   * (their fields, or what their pack() returns), and `state` (plain data and proxies) is saved
   * for the restart. Restart with `charmrun +pN +restart dir app.js`, on any number of PEs:
   * collections and chares are restored before main runs, and `charm.restored()` gives `state`.
   * Sections and futures are not saved: create them again from the restored proxies.
   */
  checkpoint(dir: string, state?: unknown): Promise<void> {
    return this.#requireSession().runtime.checkpoint(dir, state ?? null);
  }

  /** In a run started with `+restart DIR`: the state passed to charm.checkpoint; otherwise undefined. */
  restored<T = unknown>(): T | undefined {
    return this.#requireSession().restored as T | undefined;
  }

  /** A future resolved when the whole job is quiescent (no message queued or in flight anywhere). */
  waitQD(): Future<void> {
    return this.#requireSession().runtime.waitQD();
  }

  /** Resolves after `ms` milliseconds without blocking the scheduler (other messages run meanwhile). */
  sleep(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new InvalidArgumentError(`sleep needs a non-negative number of milliseconds, got ${ms}`));
    return this.#requireSession().runtime.sleep(ms);
  }

  /** Ends the job: every PE exits with `code` (default 0). Callable from any PE. */
  exit(code = 0): void {
    if (!Number.isInteger(code) || code < 0 || code > 255) throw new InvalidArgumentError(`exit code must be an integer in 0..255, got ${code}`);
    this.#requireSession().exit(code);
  }

  /** Aborts the job: prints `message` (naming this PE) and every PE exits with a non-zero code. */
  abort(message: string): void {
    const session = this.#session;
    if (session === undefined) {
      process.stderr.write(`charm4ts: aborted: ${message}\n`);
      process.exit(1);
    }
    session.abort(message);
  }

  /** @internal Reports an error that escaped every entry method. */
  reportEscapedError(error: unknown): void {
    const text = `uncaught error outside any entry method: ${describeError(error)}`;
    if (this.#session === undefined) {
      process.stderr.write(`charm4ts: ${text}\n`);
      process.exit(1);
    }
    this.#session.abort(text);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

function installProcessGuards(charm: Charm): void {
  process.on('uncaughtException', (error) => charm.reportEscapedError(error));
  process.on('unhandledRejection', (reason) => charm.reportEscapedError(reason));
}
