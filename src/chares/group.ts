/**
 * A group: one member on every PE.
 */
import { ELEMENT } from '../runtime/element.js';
import type { GroupProxy } from '../runtime/proxy-types.js';
import { CHARE_BASE } from '../runtime/registry.js';
import { ChareBase } from './chare-base.js';

/** Subclass this for a group; create it with `charm.createGroup(Cls)`.
 *
 * Pass the class itself as `Self` (`class Block extends Group<Block>`) to get a fully
 * typed `thisProxy`; without it `thisProxy` accepts any entry-method call.
 */
export abstract class Group<Self = any> extends ChareBase {
  /** Collection kind, read by registration. */
  static readonly chareKind = 'group' as const;

  /** Proxy to the whole group (calls broadcast; `.at(pe)` names one member). */
  get thisProxy(): GroupProxy<Self> {
    const record = this[ELEMENT];
    return record.services.collectionProxy(record) as GroupProxy<Self>;
  }

  /** The PE of this member. */
  get thisIndex(): number {
    return this[ELEMENT].index[0]!;
  }
}
Object.defineProperty(Group.prototype, CHARE_BASE, { value: true });
