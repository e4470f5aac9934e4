/**
 * A singleton chare: one object on one PE (chosen at creation).
 */
import { ELEMENT } from '../runtime/element.js';
import type { ChareProxy } from '../runtime/proxy-types.js';
import { CHARE_BASE } from '../runtime/registry.js';
import { ChareBase } from './chare-base.js';

/** Subclass this for a singleton chare; create it with `charm.createChare(Cls, { onPe })`.
 *
 * Pass the class itself as `Self` (`class Block extends Chare<Block>`) to get a fully
 * typed `thisProxy`; without it `thisProxy` accepts any entry-method call.
 */
export abstract class Chare<Self = any> extends ChareBase {
  /** Collection kind, read by registration. */
  static readonly chareKind = 'chare' as const;

  /** Proxy to this chare. */
  get thisProxy(): ChareProxy<Self> {
    const record = this[ELEMENT];
    return record.services.collectionProxy(record) as ChareProxy<Self>;
  }
}
Object.defineProperty(Chare.prototype, CHARE_BASE, { value: true });
