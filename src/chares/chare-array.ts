/**
 * An element of a chare array: dense (1 to 6 dimensions) or sparse, over-decomposed and
 * placed by a map.
 */
import { ELEMENT } from '../runtime/element.js';
import type { ArrayProxy } from '../runtime/proxy-types.js';
import { CHARE_BASE } from '../runtime/registry.js';
import { ChareBase } from './chare-base.js';

/** Subclass this for array elements; create the array with `charm.createArray(Cls, dims)`.
 *
 * Pass the class itself as `Self` (`class Block extends ChareArray<Block>`) to get a fully
 * typed `thisProxy`; without it `thisProxy` accepts any entry-method call.
 */
export abstract class ChareArray<Self = any> extends ChareBase {
  /** Collection kind, read by registration. */
  static readonly chareKind = 'array' as const;

  /** Proxy to the whole array (calls broadcast; `.at(...index)` names one element). */
  get thisProxy(): ArrayProxy<Self> {
    const record = this[ELEMENT];
    return record.services.collectionProxy(record) as ArrayProxy<Self>;
  }

  /** This element's index, one number per dimension. */
  get thisIndex(): readonly number[] {
    return this[ELEMENT].index;
  }

  /**
   * Reached a sync point for load balancing. Every element of the array must call it; once all
   * have, the runtime may move elements between PEs, then calls each element's
   * resumeFromSync() (on the PE where it now lives).
   */
  atSync(): void {
    const record = this[ELEMENT];
    record.services.atSync(record);
  }

  /**
   * Moves this element to PE `pe` once the current entry method (and any async one of this
   * element) has finished. Messages sent to it meanwhile follow it, in order.
   */
  migrate(pe: number): void {
    const record = this[ELEMENT];
    record.services.migrate(record, pe);
  }

  /** Called when load balancing is over (override it to continue the computation). */
  resumeFromSync(): void {}

  /** Called on the new PE right after the element arrived there (override it to rebuild caches). */
  migrated(): void {}
}
Object.defineProperty(ChareArray.prototype, CHARE_BASE, { value: true });
