/**
 * Creation of collections and their elements on this PE: the creation tree, dense placement
 * by the array's map, sparse insertion through the home PE, the count that closes insertion,
 * and holding messages that arrive for a collection before its creation does.
 */
import { DuplicateElementError, InvalidArgumentError } from '../errors.js';
import type { ChareServices } from '../chares/chare-services.js';
import { constructChare } from '../chares/construction.js';
import { Collection } from './collection.js';
import { ElementRecord } from './element.js';
import type { ElementSnapshot, JobSnapshot, PeSnapshot } from './checkpoint-files.js';
import { packChare, packRuntime, unpackChare, unpackRuntime } from './migration.js';
import type { Index } from './index-space.js';
import type { LocationManager } from './location-manager.js';
import { Kind, type CollectionSpec, type CreateMessage, type DoneInsertingMessage, type InsertMessage, type Message } from './message.js';
import type { PeContext } from './pe-context.js';
import { makeProxyClass, type ProxyBase, type ProxyHost, type ProxyTarget } from './proxy.js';
import type { ReductionManager } from './reduction-manager.js';
import type { ClassInfo, Registry } from './registry.js';
import { PeTree } from './pe-tree.js';

/** The highest next reduction number per scope among saved elements. */
function latestReductions(elements: readonly ElementSnapshot[]): Map<number, number> {
  const latest = new Map<number, number>();
  for (const element of elements) for (const [scope, next] of element.runtime.redNo) latest.set(scope, Math.max(latest.get(scope) ?? 0, next));
  return latest;
}

/** Root of the trees that count sparse elements and reduce over collections. */
const REDUCTION_ROOT = 0;

interface InsertionCount {
  started: boolean;
  reports: number;
  sum: number;
}

/** The collections of one PE. */
export class CollectionManager {
  readonly #ctx: PeContext;
  readonly #tree: PeTree;
  readonly #registry: Registry;
  readonly #services: ChareServices;
  readonly #location: LocationManager;
  readonly #reductions: ReductionManager;
  readonly #collections = new Map<number, Collection>();
  /** Work waiting for a collection that is not created here yet. */
  readonly #early = new Map<number, (() => void)[]>();
  readonly #proxyClasses = new Map<ClassInfo, new (host: ProxyHost, info: ClassInfo, target: ProxyTarget) => ProxyBase>();
  readonly #insertionCounts = new Map<number, InsertionCount>();
  #nextSeq = 0;

  readonly #onCreated: (coll: Collection) => void;

  /** `onCreated` hears of every collection once its local elements exist here. */
  /** `tree` gives the PE trees creation and reductions travel along (flat when not given). */
  constructor(
    ctx: PeContext,
    registry: Registry,
    services: ChareServices,
    location: LocationManager,
    reductions: ReductionManager,
    onCreated: (coll: Collection) => void = () => undefined,
    tree: PeTree = new PeTree(ctx.numPes),
  ) {
    this.#tree = tree;
    this.#onCreated = onCreated;
    this.#ctx = ctx;
    this.#registry = registry;
    this.#services = services;
    this.#location = location;
    this.#reductions = reductions;
  }

  /** The collection `id` if it exists on this PE. */
  get(id: number): Collection | undefined {
    return this.#collections.get(id);
  }

  /** Returns the collection, or holds `message` (re-handled by `replay`) until the collection is created here. */
  getOrHold(id: number, message: Message, replay: (message: Message) => void): Collection | undefined {
    const coll = this.#collections.get(id);
    if (coll === undefined) this.whenKnown(id, () => replay(message));
    return coll;
  }

  /** Runs `action` now if collection `id` exists here, else once it is created here. */
  whenKnown(id: number, action: () => void): void {
    if (this.#collections.has(id)) {
      action();
      return;
    }
    let early = this.#early.get(id);
    if (early === undefined) this.#early.set(id, (early = []));
    early.push(action);
  }

  /** The chares living here, for a checkpoint (the job must be quiescent). Throws UnserializableError naming a chare that cannot be saved. */
  snapshotLocal(): PeSnapshot['collections'] {
    return [...this.#collections.values()].map((coll) => ({
      id: coll.id,
      elements: [...coll.local.values()].map((element) => ({ index: element.index, ...packChare(element), runtime: packRuntime(element) })),
    }));
  }

  /** The collections themselves, for PE 0's part of a checkpoint. */
  snapshotCollections(): JobSnapshot['collections'] {
    return [...this.#collections.values()].map((coll) => ({ id: coll.id, spec: coll.spec, insertionClosed: coll.insertionClosed, args: coll.args }));
  }

  /**
   * Rebuilds every collection of a checkpoint on this PE, possibly with another number of PEs:
   * each chare is restored on its home under the current PE count (its constructor does not
   * run); group members and singletons without saved state are constructed anew.
   */
  restore(job: JobSnapshot, pes: readonly PeSnapshot[]): void {
    const { myPe, numPes } = this.#ctx;
    const saved = new Map<number, ElementSnapshot[]>();
    for (const snapshot of pes) for (const { id, elements } of snapshot.collections) saved.set(id, [...(saved.get(id) ?? []), ...elements]);
    let maxId = -1;
    for (const { id, spec: oldSpec, insertionClosed, args } of job.collections) {
      maxId = Math.max(maxId, id);
      const spec = oldSpec.kind === 'chare' && oldSpec.pe >= numPes ? { ...oldSpec, pe: 0 } : oldSpec;
      const info = this.#registry.classInfoByName(spec.cls);
      const map = this.#registry.map(spec.map);
      if (info === undefined || map === undefined) throw new InvalidArgumentError(`the checkpoint holds a ${spec.kind} of "${spec.cls}" (map "${spec.map}"), which this program does not register`);
      const coll = new Collection(id, spec, info, map, this.proxyClass(info), numPes, args);
      coll.insertionClosed = insertionClosed;
      this.#collections.set(id, coll);
      const elements = (saved.get(id) ?? []).filter((e) => spec.kind !== 'group' || e.index[0]! < numPes);
      const homed = new Int32Array(numPes);
      for (const element of elements) {
        const home = coll.homeOf(element.index);
        homed[home]!++;
        if (home !== myPe) continue;
        if (spec.kind === 'array') coll.setHome(element.index, myPe);
        this.#restoreElement(coll, element);
      }
      const fresh =
        spec.kind === 'group' && !elements.some((e) => e.index[0] === myPe)
          ? this.createElement(coll, [myPe], coll.args)
          : spec.kind === 'chare' && spec.pe === myPe && elements.length === 0
            ? this.createElement(coll, [], coll.args)
            : undefined;
      // A member created now joins the reductions its collection has reached.
      if (fresh !== undefined) for (const [scope, next] of latestReductions(elements)) fresh.redNo.set(scope, next);
      if (coll.sparse && !insertionClosed) continue;
      this.#defineCollectionScope(coll, coll.sparse ? homed : coll.homeCounts());
      this.#onCreated(coll);
    }
    this.#nextSeq = Math.floor((maxId + 1) / numPes) + 1;
  }

  #restoreElement(coll: Collection, saved: ElementSnapshot): void {
    const record = new ElementRecord(this.#services, { id: coll.id, className: coll.info.name, kind: coll.spec.kind }, saved.index, coll.key(saved.index));
    record.obj = unpackChare(coll.info.cls as unknown as { prototype: object; name: string }, record, saved.state, saved.packed);
    // Nothing was in flight at the checkpoint: per-sender sequence numbers start over (PE numbers may differ now).
    unpackRuntime(record, { ...saved.runtime, nextSeq: [], early: [] });
    this.#location.arrived(coll, record);
  }

  /** Labels of the local chares that wait in a channel receive. */
  waitingChannels(): string[] {
    const labels: string[] = [];
    for (const coll of this.#collections.values()) {
      for (const element of coll.local.values()) {
        for (const inbox of element.channels.values()) if ((inbox as { waiting?: boolean }).waiting) labels.push(element.label);
      }
    }
    return labels;
  }

  /** Proxy class of a registered chare class (made once). */
  proxyClass(info: ClassInfo): new (host: ProxyHost, info: ClassInfo, target: ProxyTarget) => ProxyBase {
    let cls = this.#proxyClasses.get(info);
    if (cls === undefined) this.#proxyClasses.set(info, (cls = makeProxyClass(info)));
    return cls;
  }

  /** Creates a collection from this PE; its local elements exist when this returns. Returns its id. */
  create(spec: CollectionSpec, args: unknown[]): number {
    const id = this.#nextSeq++ * this.#ctx.numPes + this.#ctx.myPe;
    this.receiveCreate({ kind: Kind.Create, coll: id, spec, args, root: this.#ctx.myPe });
    return id;
  }

  /** Handles a creation: passes it down the tree, builds the collection, creates its local elements. */
  receiveCreate(message: CreateMessage): void {
    const { myPe, numPes } = this.#ctx;
    for (const child of this.#tree.children(message.root, myPe)) this.#ctx.send(child, message);
    const info = this.#registry.classInfoByName(message.spec.cls);
    const map = this.#registry.map(message.spec.map);
    if (info === undefined || map === undefined) {
      this.#ctx.fatal(`PE ${myPe} cannot create ${message.spec.kind} of "${message.spec.cls}" with map "${message.spec.map}": not registered on this PE`);
      return;
    }
    const coll = new Collection(message.coll, message.spec, info, map, this.proxyClass(info), numPes, message.args);
    this.#collections.set(coll.id, coll);
    if (!coll.sparse) this.#defineCollectionScope(coll, coll.homeCounts());
    for (const index of coll.indicesHomedOn(myPe)) {
      if (coll.spec.kind === 'array') coll.setHome(index, myPe);
      this.createElement(coll, index, message.args);
    }
    this.#onCreated(coll);
    const early = this.#early.get(coll.id);
    if (early !== undefined) {
      this.#early.delete(coll.id);
      for (const action of early) action();
    }
  }

  /** Constructs one element here and registers it. */
  createElement(coll: Collection, index: Index, args: readonly unknown[]): ElementRecord | undefined {
    const record = new ElementRecord(this.#services, { id: coll.id, className: coll.info.name, kind: coll.spec.kind }, index, coll.key(index));
    try {
      record.obj = constructChare(coll.info.cls as never, args, record) as object;
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.#ctx.fatal(`the constructor of ${record.label} threw on PE ${this.#ctx.myPe}:\n${detail}`);
      return undefined;
    }
    this.#location.arrived(coll, record);
    return record;
  }

  /** Sparse arrays: asks the element's home to insert it. */
  insert(coll: Collection, index: Index, args: unknown[], onPe: number): void {
    const message: InsertMessage = { kind: Kind.Insert, coll: coll.id, index, args, pe: onPe, placed: false };
    const home = coll.homeOf(index);
    if (home === this.#ctx.myPe) this.receiveInsert(coll, message);
    else this.#ctx.send(home, message);
  }

  /** Handles an insertion at the home (records it, places the element) or at the chosen PE (creates it). */
  receiveInsert(coll: Collection, message: InsertMessage): void {
    const me = this.#ctx.myPe;
    const key = coll.key(message.index);
    if (message.placed) {
      this.createElement(coll, message.index, message.args);
      return;
    }
    if (coll.homes.has(key)) {
      this.#ctx.fatal(new DuplicateElementError(`element [${message.index.join(',')}] of ${coll.label} was inserted twice`).message);
      return;
    }
    if (coll.insertionClosed) {
      this.#ctx.fatal(`element [${message.index.join(',')}] of ${coll.label} was inserted after doneInserting`);
      return;
    }
    const pe = message.pe < 0 ? me : message.pe;
    coll.setHome(message.index, pe);
    if (pe === me) {
      this.createElement(coll, message.index, message.args);
    } else {
      this.#ctx.send(pe, { ...message, placed: true });
      this.#location.flushWaiting(coll, key);
    }
  }

  /** Sparse arrays: closes insertion. Every PE learns it directly (after this PE's earlier inserts). */
  doneInserting(coll: Collection): void {
    if (!coll.sparse) throw new InvalidArgumentError(`${coll.label} is a dense array; doneInserting is for sparse arrays`);
    for (let pe = 0; pe < this.#ctx.numPes; pe++) {
      this.#ctx.send(pe, { kind: Kind.DoneInserting, coll: coll.id, phase: 'start', count: 0, root: REDUCTION_ROOT });
    }
  }

  /** Counts homed elements up the tree; each PE learns its subtree's count and can then reduce. */
  receiveDoneInserting(coll: Collection, message: DoneInsertingMessage): void {
    let state = this.#insertionCounts.get(coll.id);
    if (state === undefined) this.#insertionCounts.set(coll.id, (state = { started: false, reports: 0, sum: 0 }));
    if (message.phase === 'start') {
      if (state.started) return;
      state.started = true;
      coll.insertionClosed = true;
      state.sum += coll.homes.size;
    } else {
      state.reports++;
      state.sum += message.count;
    }
    const { myPe } = this.#ctx;
    const children = this.#tree.children(REDUCTION_ROOT, myPe);
    if (!state.started || state.reports < children.length) return;
    this.#insertionCounts.delete(coll.id);
    const parent = this.#tree.parent(REDUCTION_ROOT, myPe);
    this.#reductions.defineScope({ id: coll.id, coll: coll.id, section: null, parent, subtreeCount: state.sum });
    if (parent >= 0) this.#ctx.send(parent, { kind: Kind.DoneInserting, coll: coll.id, phase: 'count', count: state.sum, root: REDUCTION_ROOT });
  }

  /** Defines the reduction scope of a collection from the number of elements homed on each PE. */
  #defineCollectionScope(coll: Collection, counts: Int32Array): void {
    const { myPe } = this.#ctx;
    if (coll.spec.kind === 'chare') {
      if (coll.spec.pe === myPe) this.#reductions.defineScope({ id: coll.id, coll: coll.id, section: null, parent: -1, subtreeCount: 1 });
      return;
    }
    this.#reductions.defineScope({
      id: coll.id,
      coll: coll.id,
      section: null,
      parent: this.#tree.parent(REDUCTION_ROOT, myPe),
      subtreeCount: this.#tree.subtreeSum(REDUCTION_ROOT, myPe, (pe) => counts[pe]!),
    });
  }
}
