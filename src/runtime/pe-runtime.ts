/**
 * One PE's runtime: builds its parts and connects them. It holds no algorithm of its own;
 * each part does one job (see the imports) and sees the others only through narrow
 * interfaces.
 */
import { availableParallelism } from 'node:os';
import { BadPeError, InvalidArgumentError } from '../errors.js';
import { readCheckpoint } from './checkpoint-files.js';
import { hostOversubscribed } from './spin-budget.js';
import { CheckpointCoordinator } from './checkpoint-coordinator.js';
import type { Frame, Transport } from '../transport/transport.js';
import { Broadcaster } from './broadcaster.js';
import { Channel, inboxOf } from './channel.js';
import { RuntimeChareServices } from './chare-services-impl.js';
import { Codec } from './codec.js';
import { CollectionManager } from './collection-manager.js';
import { ELEMENT, type ElementRecord } from './element.js';
import { EntryDispatcher } from './entry-dispatcher.js';
import { FutureTable, type Future } from './future.js';
import { normalizeDims, type Index } from './index-space.js';
import { EP_ALLREDUCE_RESULT, EP_CHANNEL, EP_RESUME_FROM_SYNC } from './internal-entries.js';
import { LocationManager } from './location-manager.js';
import type { ReceivedFrame } from './lent-buffers.js';
import { LoadMeter } from './load-meter.js';
import { Kind, type CollectionSpec, type Message } from './message.js';
import { MessageHandler } from './message-handler.js';
import { OutcomeRouter } from './outcome-router.js';
import { ProxyBase } from './proxy.js';
import { RuntimeProxyHost } from './proxy-host.js';
import { QuiescenceDetector, type MessageCounts } from './quiescence.js';
import { WaveRunner, type WaveSnapshot } from './wave-runner.js';
import { DeadlockWatchdog } from './deadlock-watchdog.js';
import { ReductionManager } from './reduction-manager.js';
import { RuntimeRefResolver } from './ref-resolver.js';
import type { ChareClass, Registry } from './registry.js';
import { MessageRouter, type FailureHandler } from './router.js';
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler } from './scheduler.js';
import { DEFAULT_RUNTIME_OPTIONS, type RuntimeOptions } from './options.js';
import { PeTree } from './pe-tree.js';
import { isBusy } from './migration.js';
import type { Collection } from './collection.js';
import { LbManager, type LbSettings, type LbStepSummary } from '../lb/lb-manager.js';
import { createBalancer } from '../lb/strategy-registry.js';
import { SectionManager } from './section-manager.js';
import { assertSerializable } from './serializable-check.js';
import { DEFAULT_MAP, type ArrayMapFn } from './array-maps.js';

/** Strategy used at sync points when no +balancer is given. */
export const DEFAULT_BALANCER = 'GreedyRefineLB';

/** Options of a collection creation. */
export interface CreateOptions {
  readonly args?: readonly unknown[];
  readonly map?: string | ArrayMapFn;
  readonly onPe?: number;
}

/** The runtime of one PE. */
export class PeRuntime {
  readonly myPe: number;
  readonly numPes: number;
  readonly #registry: Registry;
  readonly #scheduler: Scheduler<Message>;
  readonly #router: MessageRouter;
  readonly #codec: Codec;
  readonly #futures: FutureTable;
  readonly #collections: CollectionManager;
  readonly #quiescence: QuiescenceDetector;
  readonly #counts: MessageCounts;
  readonly #host: RuntimeProxyHost;
  readonly #location: LocationManager;
  #lb: LbManager | undefined;
  #hostIndices: readonly number[] = [];
  /** Trees of creation, broadcasts and collection reductions; node-aware once the hosts are known. */
  readonly #tree: PeTree;
  readonly #flatTrees: boolean;
  readonly #watchdog: DeadlockWatchdog;
  #mainReturned = false;
  readonly #checkpoints: CheckpointCoordinator;
  #pendingTimers = 0;
  #lbSettingsCache: LbSettings | undefined;

  constructor(registry: Registry, myPe: number, numPes: number, failure: FailureHandler, options: RuntimeOptions = DEFAULT_RUNTIME_OPTIONS) {
    this.myPe = myPe;
    this.numPes = numPes;
    this.#registry = registry;
    const counts: MessageCounts = { created: 0, processed: 0 };
    let handler: MessageHandler | undefined;
    const meter = new LoadMeter();
    const scheduler = new Scheduler<Message>((message) => handler!.handle(message), { ...DEFAULT_SCHEDULER_OPTIONS, spinMicros: options.spinMicros, spinMaxMicros: options.spinMaxMicros }, meter);
    this.#scheduler = scheduler;
    let collections: CollectionManager | undefined;
    let host: RuntimeProxyHost | undefined;
    this.#codec = new Codec({ resolve: (data) => resolver.resolve(data) }, numPes);
    const router = new MessageRouter(myPe, numPes, this.#scheduler, this.#codec, counts, failure);
    this.#router = router;
    const outcomes = new OutcomeRouter(router);
    const futures = new FutureTable(myPe, outcomes);
    const snapshot = (): WaveSnapshot => this.#waveSnapshot();
    const quiescence = new QuiescenceDetector(router, outcomes, new WaveRunner(router, 'qd', snapshot));
    const deadlockRunner = new WaveRunner(router, 'deadlock', snapshot);
    this.#watchdog = new DeadlockWatchdog(counts, deadlockRunner, options.deadlockSeconds, { abort: (m) => router.fatal(m) }, () => this.#mainReturned);
    const dispatcher = new EntryDispatcher(router, outcomes, router.lent, meter);
    const location = new LocationManager(router, (element, coll, message) => dispatcher.deliver(element, coll, message));
    const reductions = new ReductionManager(router, (name) => registry.reducer(name), outcomes);
    const sections = new SectionManager(router, reductions);
    const tree = new PeTree(numPes);
    this.#tree = tree;
    this.#flatTrees = options.flatTrees;
    const broadcaster = new Broadcaster(router, sections, location, dispatcher, tree);
    const services = new RuntimeChareServices({
      ctx: router,
      collections: () => collections!,
      reductions,
      futures,
      host: () => host!,
      atSync: (record) => lb.atSync(record.collection.id, record),
      lent: router.lent,
    });
    collections = new CollectionManager(router, registry, services, location, reductions, (coll) => this.#lb?.startMeasuring(coll.id), tree);
    host = new RuntimeProxyHost({ ctx: router, collections, location, broadcaster, sections, futures });
    const resolver = new RuntimeRefResolver(registry, () => collections!, futures, host);
    outcomes.connect({ collections, location, broadcaster, reductions });
    const lb = new LbManager(
      {
        ctx: router,
        localElements: (coll) => [...(collections!.get(coll)?.local.values() ?? [])],
        totalElements: (coll) => reductions.scope(coll)?.subtreeCount,
        migrate: (coll, index, dest, notify) => this.#requestMove(coll, index, dest, notify),
        resume: (coll, element) => dispatcher.deliver(element as ElementRecord, collections!.get(coll)!, { ep: EP_RESUME_FROM_SYNC, args: [], reply: null, ack: null }),
        busySeconds: () => scheduler.busySeconds,
        label: (coll) => collections!.get(coll)?.label ?? `collection ${coll}`,
      },
      () => this.#lbSettings(options),
    );
    this.#lb = lb;
    location.connect(services, (_coll, _element, notify) => lb.arrived(_coll.id, notify));
    dispatcher.onIdle((element, coll) => scheduler.defer(() => this.#performMove(coll, element)));
    dispatcher.addInternal(EP_RESUME_FROM_SYNC, (element) => {
      try {
        (element.obj as { resumeFromSync(): void }).resumeFromSync();
      } catch (error) {
        router.fatal(`${element.label}.resumeFromSync() threw on PE ${myPe}: ${(error as Error)?.stack ?? String(error)}`);
      }
    });
    const checkpoints = new CheckpointCoordinator(router, this.#codec, collections, () => this.waitQD());
    this.#checkpoints = checkpoints;
    handler = new MessageHandler({ ctx: router, collections, location, broadcaster, sections, reductions, futures, quiescence, deadlockWaves: deadlockRunner, counts, lb, checkpoint: (m) => checkpoints.receive(m) });
    dispatcher.addInternal(EP_CHANNEL, (element, _coll, args) => {
      const [senderKey, port, seq, value] = args as [string, number, number, unknown];
      inboxOf(element, senderKey, port).push(seq, value);
    });
    dispatcher.addInternal(EP_ALLREDUCE_RESULT, (element, _coll, args) => {
      const [scopeId, tag, value] = args as [number, string, unknown];
      const key = `${scopeId}|${tag}`;
      const waiter = element.allreduceWaiters.get(key);
      if (waiter === undefined) element.allreduceResults.set(key, value);
      else {
        element.allreduceWaiters.delete(key);
        waiter.resolve(value);
      }
    });
    this.#futures = futures;
    this.#collections = collections;
    this.#quiescence = quiescence;
    this.#counts = counts;
    this.#host = host;
    this.#location = location;
  }

  /**
   * Sets the host of every PE (host-aware load balancing and node-aware trees); before any
   * collection exists. Where this host runs more PEs than it has cores, the spin stays fixed:
   * a longer spin would hold a core that the PE it waits for needs.
   */
  setHosts(hosts: readonly string[], cores = availableParallelism()): void {
    const names = [...new Set(hosts)];
    this.#hostIndices = hosts.map((h) => names.indexOf(h));
    this.#tree.setHosts(this.#hostIndices, !this.#flatTrees);
    if (hostOversubscribed(this.#hostIndices, this.myPe, cores)) this.#scheduler.fixSpin();
  }

  #lbSettings(options: RuntimeOptions): LbSettings {
    if (this.#lbSettingsCache === undefined) {
      const names = options.balancers.length > 0 ? options.balancers : [DEFAULT_BALANCER];
      this.#lbSettingsCache = {
        strategy: createBalancer(names),
        strategyName: names.join('+'),
        periodSeconds: options.lbPeriod,
        off: options.lbOff,
        stats: options.stats,
        dumpFile: options.lbDump,
        hosts: this.#hostIndices,
      };
    }
    return this.#lbSettingsCache;
  }

  /** The load balancer asks for element `index` of `coll` to move. */
  #requestMove(collId: number, index: readonly number[], dest: number, notify: number): void {
    const coll = this.#collections.get(collId);
    const element = coll?.local.get(coll.key(index));
    if (coll === undefined || element === undefined) {
      this.#router.warn(`load balancing asked PE ${this.myPe} to move element [${index.join(',')}] of collection ${collId}, which is not here`);
      if (notify >= 0) this.#lb!.arrived(collId, notify);
      return;
    }
    element.pendingMove = { pe: dest, notify };
    if (!isBusy(element)) this.#scheduler.defer(() => this.#performMove(coll, element));
  }

  /** Carries out an element's pending move if it is still here and idle (else its next idle moment will). */
  #performMove(coll: Collection, element: ElementRecord): void {
    const move = element.pendingMove;
    if (move === null || coll.local.get(element.key) !== element || isBusy(element)) return;
    element.pendingMove = null;
    try {
      this.#location.migrateOut(coll, element, move.pe, move.notify);
    } catch (error) {
      this.#router.fatal(`${element.label} cannot migrate from PE ${this.myPe}: ${(error as Error).message}`);
    }
  }

  /** Starts the deadlock watchdog (PE 0, once every PE is up). */
  startWatchdog(): void {
    if (this.myPe === 0) this.#watchdog.start();
  }

  /** Main (on PE 0) has returned: a job that goes idle now can never end by itself. */
  mainReturned(): void {
    this.#mainReturned = true;
  }

  /** Resolves after `ms` milliseconds; while pending, the job is waiting on time, not stuck. */
  sleep(ms: number): Promise<void> {
    this.#pendingTimers++;
    return new Promise((resolve) =>
      setTimeout(() => {
        this.#pendingTimers--;
        resolve();
      }, ms),
    );
  }

  /** This PE's part of a counting wave. */
  #waveSnapshot(): WaveSnapshot {
    const futures = this.#futures.awaited();
    const channels = this.#collections.waitingChannels();
    return {
      created: this.#counts.created,
      processed: this.#counts.processed,
      awaited: futures.count + channels.length,
      timers: this.#pendingTimers,
      notes: [...futures.notes, ...channels.slice(0, 4).map((label) => `PE ${this.myPe}: ${label} awaits a channel value`)],
    };
  }

  /** Seconds this PE has spent handling messages. */
  get busySeconds(): number {
    return this.#scheduler.busySeconds;
  }

  /** Outcomes of the load-balancing steps decided on this PE. */
  get lbHistory(): readonly LbStepSummary[] {
    return this.#lb!.history;
  }

  /** Sets the transport serving each PE (index = PE; undefined for this PE). */
  setTransports(transports: readonly (Transport | undefined)[]): void {
    this.#router.setTransports(transports);
    for (const transport of new Set(transports)) {
      if (transport?.poll && transport.arm) {
        const polled = transport as Transport & { poll(): number; arm(wake: () => void): boolean };
        this.#scheduler.addPollSource({ poll: () => polled.poll(), arm: (wake) => polled.arm(wake) });
      }
    }
  }

  /**
   * A frame arrived from PE `from`: decode and run it now. Throws ProtocolError when it is not a
   * valid message. A call whose arguments hold segments keeps the frame, to lend it to a
   * borrowing entry method; a frame without segments goes back to its transport at once (its
   * header was only needed to decode).
   */
  receiveFrame(from: number, frame: Frame): void {
    const message = this.#codec.decode(frame);
    if (message.kind === Kind.Invoke && frame.segments.length > 0) {
      (message as { received?: ReceivedFrame }).received = { from, frame };
    } else if (frame.segments.length === 0) {
      this.#router.releaseFrame(from, frame);
    }
    this.#scheduler.enqueue(message, true);
  }

  /** Stops handling messages and rejects every pending future (the job is ending). */
  stop(reason: Error): void {
    this.#watchdog.stop();
    this.#scheduler.stop();
    this.#futures.rejectAll(reason);
  }

  /** Creates a collection and returns its proxy. */
  create(cls: ChareClass, kind: CollectionSpec['kind'], dims: readonly number[] | null, ndims: number, options: CreateOptions): ProxyBase {
    const info = this.#registry.classInfo(cls);
    if (info.kind !== kind) throw new InvalidArgumentError(`${info.name} is a ${info.kind === 'array' ? 'ChareArray' : info.kind === 'group' ? 'Group' : 'Chare'} subclass; it cannot be created as a ${kind}`);
    const args = options.args ?? [];
    if (!Array.isArray(args)) throw new InvalidArgumentError(`options.args of ${info.name} must be an array of constructor arguments`);
    assertSerializable(args, `constructor arguments of ${info.name}`);
    const onPe = options.onPe ?? 0;
    if (kind === 'chare' && (!Number.isInteger(onPe) || onPe < 0 || onPe >= this.numPes)) throw new BadPeError(onPe, this.numPes);
    const layout = kind !== 'array' ? [] : dims === null ? null : normalizeDims(dims);
    const spec: CollectionSpec = { kind, cls: info.name, dims: layout, ndims, map: this.#mapName(options.map), pe: onPe };
    const id = this.#collections.create(spec, [...args]);
    const coll = this.#collections.get(id)!;
    return coll.proxy(this.#host, kind === 'chare' ? [] : null);
  }

  #mapName(map: string | ArrayMapFn | undefined): string {
    if (map === undefined) return DEFAULT_MAP;
    if (typeof map === 'string') {
      if (this.#registry.map(map) === undefined) throw new InvalidArgumentError(`unknown array map "${map}" (register it with charm.registerMap before charm.start)`);
      return map;
    }
    const name = this.#registry.mapName(map);
    if (name === undefined) throw new InvalidArgumentError(`array map ${map.name || '(anonymous)'} is not registered: call charm.registerMap(name, fn) before charm.start`);
    return name;
  }

  /** A new future owned by this PE. */
  createFuture<T>(): Future<T> {
    return this.#futures.create<T>();
  }

  /** A future resolved at the next quiescence of the whole job. */
  waitQD(): Future<void> {
    const future = this.#futures.create<void>('waitQD', false);
    this.#quiescence.request({ pe: future.pe, id: future.id });
    return future;
  }

  /** Opens this chare's end of a channel to `peer` (a proxy to one chare). */
  channel<T>(chare: object, peer: unknown, port: number): Channel<T> {
    const record = (chare as { [ELEMENT]?: ElementRecord })[ELEMENT];
    if (record === undefined) throw new InvalidArgumentError('charm.channel: the first argument must be a chare (usually `this`)');
    if (!(peer instanceof ProxyBase) || peer.target.index === null) throw new InvalidArgumentError('charm.channel: the peer must be a proxy to one chare (e.g. thisProxy.at(i))');
    if (!Number.isInteger(port) || port < 0) throw new InvalidArgumentError('charm.channel: the port must be a non-negative integer');
    const peerColl = peer.target.coll;
    const peerIndex: Index = peer.target.index;
    return new Channel<T>(record, record.collection.id, peerColl, peerIndex, port, {
      sendToPeer: (coll, index, senderKey, p, seq, value) => {
        assertSerializable(value, 'the value sent on a channel');
        this.#collections.whenKnown(coll, () => {
          this.#location.send(this.#collections.get(coll)!, index, EP_CHANNEL, [senderKey, p, seq, value], null, null);
        });
      },
    });
  }

  /**
   * Writes a checkpoint of every chare and collection into `dir` (from PE 0, e.g. in main):
   * waits for quiescence, has every PE write its chares, then writes `userState` (which may hold
   * proxies) and the manifest. Resolves once the checkpoint is complete.
   */
  checkpoint(dir: string, userState: unknown): Promise<void> {
    return this.#checkpoints.write(dir, userState);
  }

  /**
   * Restores the checkpoint in `dir` on this PE (at start-up, before any message): every
   * collection and the chares homed here under the current number of PEs. Returns the state the
   * program saved.
   */
  restore(dir: string): unknown {
    const { job, pes } = readCheckpoint(this.#codec, dir);
    this.#collections.restore(job, pes);
    return job.userState;
  }

  /** Quiescence counters (for diagnostics). */
  get messageCounts(): { created: number; processed: number } {
    return { ...this.#counts };
  }
}
