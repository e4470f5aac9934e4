/**
 * Objects that travel by reference rather than by value: proxies and futures. The codec writes
 * their {@link WireRefData} and, on the receiving PE, asks a
 * {@link WireRefResolver} to rebuild a live object bound to that PE's runtime.
 */
import type { FutureRef, SectionAddress } from './message.js';

/** What a reference looks like on the wire. */
export type WireRefData =
  | {
      readonly t: 'proxy';
      readonly coll: number;
      /** Registered name of the chare class (picks the proxy class on the receiving PE). */
      readonly cls: string;
      /** Element index, or null for the whole collection / section. */
      readonly index: readonly number[] | null;
      readonly section: SectionAddress | null;
    }
  | ({ readonly t: 'future' } & FutureRef);

/** Base class of everything sent by reference. */
export abstract class WireRef {
  /** The reference as it travels. */
  abstract toWireRef(): WireRefData;
}

/** Rebuilds live objects from references on the receiving PE. */
export interface WireRefResolver {
  /** Returns a proxy, future or callback bound to this PE's runtime. Throws on a malformed reference. */
  resolve(data: WireRefData): WireRef;
}
