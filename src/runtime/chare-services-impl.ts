/**
 * The runtime side of what chare base classes offer: proxies to themselves, contribute and
 * allreduce.
 */
import type { ChareServices, ReducerLike } from '../chares/chare-services.js';
import { BadPeError, InvalidArgumentError } from '../errors.js';
import type { CollectionManager } from './collection-manager.js';
import type { ElementRecord } from './element.js';
import type { LentBuffers } from './lent-buffers.js';
import { Future, type FutureTable } from './future.js';
import type { CallbackTarget, SectionAddress } from './message.js';
import type { PeContext } from './pe-context.js';
import { CALLER_TARGET, ProxyBase, type ProxyHost } from './proxy.js';
import type { ReductionManager } from './reduction-manager.js';
import { assertSerializable } from './serializable-check.js';

/** The parts chare services work with. */
export interface ChareServiceParts {
  readonly ctx: PeContext;
  /** Load balancer of this PE (sync points). */
  readonly atSync: (record: ElementRecord) => void;
  readonly collections: () => CollectionManager;
  readonly reductions: ReductionManager;
  readonly futures: FutureTable;
  readonly host: () => ProxyHost;
  /** Buffers lent to borrowing calls: a contribution holding one keeps a copy. */
  readonly lent: LentBuffers;
}

/** ChareServices of one PE. */
export class RuntimeChareServices implements ChareServices {
  readonly #parts: ChareServiceParts;

  constructor(parts: ChareServiceParts) {
    this.#parts = parts;
  }

  myPe(): number {
    return this.#parts.ctx.myPe;
  }

  atSync(record: ElementRecord): void {
    this.#parts.atSync(record);
  }

  migrate(record: ElementRecord, pe: number): void {
    const { numPes, myPe } = this.#parts.ctx;
    if (!Number.isInteger(pe) || pe < 0 || pe >= numPes) throw new BadPeError(pe, numPes);
    if (pe === myPe) return;
    record.pendingMove = { pe, notify: -1 };
  }

  collectionProxy(record: ElementRecord): unknown {
    if (record.collectionProxy === undefined) {
      const coll = this.#collection(record);
      record.collectionProxy = coll.proxy(this.#parts.host(), coll.spec.kind === 'chare' ? [] : null);
    }
    return record.collectionProxy;
  }

  elementProxy(record: ElementRecord): unknown {
    return this.#collection(record).proxy(this.#parts.host(), record.index);
  }

  contribute(record: ElementRecord, value: unknown, reducer: ReducerLike, target: unknown, section: unknown): void {
    this.#contribute(record, value, reducer, toCallbackTarget(target), section, 'contribute');
  }

  allreduce(record: ElementRecord, value: unknown, reducer: ReducerLike, section: unknown): Future<unknown> {
    const { scopeId, tag } = this.#contribute(record, value, reducer, { t: 'allreduce' }, section, 'allreduce');
    const key = `${scopeId}|${tag}`;
    const future = this.#parts.futures.create<unknown>(`the allreduce result of ${record.label}`);
    if (record.allreduceResults.has(key)) {
      const result = record.allreduceResults.get(key);
      record.allreduceResults.delete(key);
      this.#parts.futures.settle(future.id, true, result);
    } else {
      record.allreduceWaiters.set(key, { resolve: (v) => this.#parts.futures.settle(future.id, true, v), reject: () => undefined });
    }
    return future;
  }

  #contribute(record: ElementRecord, contributed: unknown, reducer: ReducerLike, target: CallbackTarget, section: unknown, what: string): { scopeId: number; tag: string } {
    const reducerName = typeof reducer === 'string' ? reducer : reducer?.name;
    if (typeof reducerName !== 'string') throw new InvalidArgumentError(`${what}: the reducer must be a reducer (e.g. Reducer.sum) or its name`);
    assertSerializable(contributed, `the value ${record.label} contributes`);
    const value = this.#parts.lent.protect(contributed);
    this.#parts.reductions.reducer(reducerName);
    const coll = this.#collection(record);
    const scopeId = sectionOf(section, coll.id)?.id ?? coll.id;
    const redNo = record.redNo.get(scopeId) ?? 0;
    record.redNo.set(scopeId, redNo + 1);
    const tag = `r${redNo}`;
    this.#parts.reductions.contribute(scopeId, tag, reducerName, value, record.index, target, coll.homeOf(record.index));
    return { scopeId, tag };
  }

  #collection(record: ElementRecord) {
    return this.#parts.collections().get(record.collection.id)!;
  }
}

function sectionOf(section: unknown, collId: number): SectionAddress | null {
  if (section === undefined || section === null) return null;
  if (!(section instanceof ProxyBase) || section.target.section === null) {
    throw new InvalidArgumentError('the section argument must be a section proxy (proxy.section(...))');
  }
  if (section.target.coll !== collId) throw new InvalidArgumentError(`${section} is a section of another collection`);
  return section.target.section;
}

/** Turns a reduction target (a future or an entry-method caller) into its wire form. */
export function toCallbackTarget(target: unknown): CallbackTarget {
  if (target instanceof Future) return { t: 'future', pe: target.pe, id: target.id };
  if (typeof target === 'function' && CALLER_TARGET in target) return (target as unknown as { [CALLER_TARGET]: CallbackTarget })[CALLER_TARGET];
  throw new InvalidArgumentError('a reduction target must be a future or an entry method of a proxy (e.g. proxy.at(0).done)');
}
