/**
 * What every chare inherits: its proxies, reductions. The runtime record of the chare sits
 * behind a symbol-keyed field, so a chare's own (enumerable) fields are exactly its state.
 */
import type { Future } from '../runtime/future.js';
import { ELEMENT, type ElementRecord } from '../runtime/element.js';
import type { ReductionTarget, SectionProxy } from '../runtime/proxy-types.js';
import { CHARE_BASE } from '../runtime/registry.js';
import type { ReducerLike } from './chare-services.js';
import { takeConstructionRecord } from './construction.js';

/** Base of Chare, Group and ChareArray. Not subclassed directly by programs. */
export abstract class ChareBase {
  /** @internal */
  declare readonly [ELEMENT]: ElementRecord;

  constructor() {
    Object.defineProperty(this, ELEMENT, { value: takeConstructionRecord(new.target.name), enumerable: false });
  }

  /**
   * Contributes `value` to the next reduction over this chare's collection (or over `section`,
   * when given). Every member must contribute, in the same order of reductions, with the same
   * reducer and target. `target`: a future, an entry-method caller of one chare
   * (`proxy.at(0).done`) or of a whole collection (`proxy.done`, a broadcast).
   */
  contribute(value: unknown, reducer: ReducerLike, target: ReductionTarget, section?: SectionProxy<any>): void {
    const record = this[ELEMENT];
    record.services.contribute(record, value, reducer, target, section);
  }

  /** Contributes `value` and returns a future of the result, which every contributor receives. */
  allreduce<R = unknown>(value: unknown, reducer: ReducerLike, section?: SectionProxy<any>): Future<R> {
    const record = this[ELEMENT];
    return record.services.allreduce(record, value, reducer, section) as Future<R>;
  }
}
Object.defineProperty(ChareBase.prototype, CHARE_BASE, { value: true });
