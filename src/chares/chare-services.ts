/**
 * The narrow interface through which chare base classes reach the runtime. The runtime
 * implements it; chares never import the runtime itself.
 */
import type { ElementRecord } from '../runtime/element.js';

/** A reducer as named in `contribute` (a registered reducer object or its name). */
export type ReducerLike = { readonly name: string } | string;

/** Services a chare's base class needs from the runtime of its PE. */
export interface ChareServices {
  /** Proxy to the chare's whole collection (array, group) or to the singleton chare. */
  collectionProxy(record: ElementRecord): unknown;
  /** Proxy to this one element. */
  elementProxy(record: ElementRecord): unknown;
  /** Adds the element's contribution to its next reduction over the collection or `section`. */
  contribute(record: ElementRecord, value: unknown, reducer: ReducerLike, target: unknown, section: unknown): void;
  /** Contributes and returns a future of the reduced value, delivered to every contributor. */
  allreduce(record: ElementRecord, value: unknown, reducer: ReducerLike, section: unknown): PromiseLike<unknown>;
  /** This PE's number. */
  myPe(): number;
  /** The element reached a load-balancing sync point. */
  atSync(record: ElementRecord): void;
  /** Moves the element to PE `pe` once it is idle. */
  migrate(record: ElementRecord, pe: number): void;
}
