/**
 * What proxies do when called: check the call at the sender (argument count, values that
 * cannot travel, index bounds), create the reply future if one is wanted, and hand the call
 * to the location manager (one chare) or the broadcaster (a collection or section).
 */
import { BadArgumentsError, BadPeError, InvalidArgumentError } from '../errors.js';
import type { Broadcaster } from './broadcaster.js';
import type { Collection } from './collection.js';
import type { CollectionManager } from './collection-manager.js';
import type { Future, FutureTable } from './future.js';
import type { Index } from './index-space.js';
import type { LocationManager } from './location-manager.js';
import type { AckRequest, FutureRef } from './message.js';
import type { PeContext } from './pe-context.js';
import type { CallMode, ProxyBase, ProxyHost } from './proxy.js';
import { describeArity, type EntryInfo } from './registry.js';
import type { SectionManager } from './section-manager.js';
import { assertSerializable, assertSerializableArguments } from './serializable-check.js';

/** The parts a proxy host works with. */
export interface ProxyHostParts {
  readonly ctx: PeContext;
  readonly collections: CollectionManager;
  readonly location: LocationManager;
  readonly broadcaster: Broadcaster;
  readonly sections: SectionManager;
  readonly futures: FutureTable;
}

/** The ProxyHost of one PE. */
export class RuntimeProxyHost implements ProxyHost {
  readonly #parts: ProxyHostParts;
  #ackSeq = 0;

  constructor(parts: ProxyHostParts) {
    this.#parts = parts;
  }

  invoke(proxy: ProxyBase, entry: EntryInfo, args: unknown[], mode: CallMode): Future<unknown> | undefined {
    if (args.length < entry.minArgs || args.length > entry.maxArgs) {
      throw new BadArgumentsError(`${entry.label} takes ${describeArity(entry)}, got ${args.length}`);
    }
    assertSerializableArguments(args, entry.label, '(...) arguments');
    const target = proxy.target;
    if (mode === 'ret' && target.index === null) throw new InvalidArgumentError(`${entry.label}.ret: a broadcast has no single return value; use .awaitable`);
    const { collections, futures, ctx } = this.#parts;
    const future = mode === 'send' ? undefined : futures.create<unknown>(`the ${mode === 'ret' ? 'return value' : 'completion'} of ${entry.label}`);
    const ref: FutureRef | null = future === undefined ? null : { pe: future.pe, id: future.id };
    if (target.index !== null) {
      const coll = collections.get(target.coll);
      if (coll !== undefined) this.#sendToElement(coll, proxy, entry, args, ref);
      else collections.whenKnown(target.coll, () => this.#sendToElement(collections.get(target.coll)!, proxy, entry, args, ref));
      return future;
    }
    const ack: AckRequest | null =
      ref === null ? null : { scope: target.section?.id ?? target.coll, tag: `a${ctx.myPe}.${this.#ackSeq++}`, pe: ref.pe, id: ref.id };
    const coll = collections.get(target.coll);
    if (coll !== undefined) this.#parts.broadcaster.start(coll, target.section, entry.id, args, ack);
    else collections.whenKnown(target.coll, () => this.#parts.broadcaster.start(collections.get(target.coll)!, target.section, entry.id, args, ack));
    return future;
  }

  /** Sends through an element proxy; its index is checked (unless it was at its creation) and its address kept, at the first call. */
  #sendToElement(coll: Collection, proxy: ProxyBase, entry: EntryInfo, args: unknown[], reply: FutureRef | null): void {
    let address = proxy.address;
    if (address === undefined) {
      const index = proxy.target.index!;
      if (!proxy.validated) {
        try {
          coll.checkIndex(index);
        } catch (error) {
          this.#parts.ctx.fatal(`call to ${entry.label}: ${(error as Error).message}`);
          return;
        }
      }
      address = proxy.address = coll.address(index);
    }
    this.#parts.location.sendTo(coll, address, entry.id, args, reply, null);
  }

  element(proxy: ProxyBase, index: readonly unknown[]): ProxyBase {
    const { target, info } = proxy;
    if (target.index !== null) throw new InvalidArgumentError(`${proxy} already names one chare`);
    if (target.section !== null) throw new InvalidArgumentError(`${proxy} is a section proxy; use the collection's proxy to name one element`);
    const coll = this.#parts.collections.get(target.coll);
    if (coll !== undefined) {
      if (coll.spec.kind === 'group' && typeof index[0] === 'number' && (index[0] < 0 || index[0] >= coll.numPes || !Number.isInteger(index[0]))) {
        throw new BadPeError(index[0], coll.numPes);
      }
      return coll.proxy(this, [...coll.checkIndex(index)]);
    }
    for (const i of index) if (!Number.isSafeInteger(i) || (i as number) < 0) throw new InvalidArgumentError(`index [${index.join(',')}] of ${info.name} must be non-negative integers`);
    return new (this.#parts.collections.proxyClass(info))(this, info, { coll: target.coll, index: index as Index, section: null });
  }

  section(proxy: ProxyBase, members: unknown): ProxyBase {
    const coll = this.#collectionOf(proxy, 'create a section of');
    if (coll.spec.kind === 'chare') throw new InvalidArgumentError(`${coll.info.name} is a singleton chare and has no sections`);
    const address = this.#parts.sections.create(coll, members);
    return coll.sectionProxy(this, address);
  }

  insert(proxy: ProxyBase, index: unknown, options: unknown): void {
    const coll = this.#collectionOf(proxy, 'insert into');
    if (!coll.sparse) throw new InvalidArgumentError(`${coll.label} is a dense array; only sparse arrays (charm.createSparseArray) take insertions`);
    if (coll.insertionClosed) throw new InvalidArgumentError(`${coll.label}: insertion is closed (doneInserting was called)`);
    const list = typeof index === 'number' ? [index] : index;
    if (!Array.isArray(list)) throw new InvalidArgumentError(`insert: the index must be a number or an array of numbers`);
    const valid = coll.checkIndex(list);
    const { args = [], onPe = -1 } = (options ?? {}) as { args?: unknown[]; onPe?: number };
    if (!Array.isArray(args)) throw new InvalidArgumentError('insert: options.args must be an array of constructor arguments');
    if (onPe !== -1 && (!Number.isInteger(onPe) || onPe < 0 || onPe >= coll.numPes)) throw new BadPeError(onPe, coll.numPes);
    assertSerializable(args, `constructor arguments of ${coll.info.name}[${valid.join(',')}]`);
    this.#parts.collections.insert(coll, [...valid], args, onPe);
  }

  doneInserting(proxy: ProxyBase): void {
    this.#parts.collections.doneInserting(this.#collectionOf(proxy, 'close insertion of'));
  }

  #collectionOf(proxy: ProxyBase, action: string): Collection {
    const { target } = proxy;
    if (target.index !== null || target.section !== null) throw new InvalidArgumentError(`cannot ${action} ${proxy}: use the collection's proxy`);
    const coll = this.#parts.collections.get(target.coll);
    if (coll === undefined) throw new InvalidArgumentError(`cannot ${action} ${proxy} from PE ${this.#parts.ctx.myPe} before the collection's creation has reached it`);
    return coll;
  }
}
