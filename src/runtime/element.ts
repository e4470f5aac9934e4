/**
 * The runtime's record of one chare (array element, group member or singleton) on the PE
 * where it lives: identity, ordering state, buffered messages and measured load. The chare
 * object points to its record through a symbol-keyed field, so the record never travels with
 * the chare's own fields.
 */
import type { Index } from './index-space.js';
import type { Delivery } from './entry-dispatcher.js';
import type { InvokeMessage } from './message.js';
import type { ChareServices } from '../chares/chare-services.js';

/** Symbol under which a chare object keeps its {@link ElementRecord}. */
export const ELEMENT = Symbol('charm4ts.element');

/** Collection-level facts an element needs. */
export interface ElementCollection {
  readonly id: number;
  readonly className: string;
  readonly kind: 'chare' | 'group' | 'array';
}

/** A value a chare is waiting for inside the runtime (allreduce result, channel message). */
export interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** The next sequence number an element expects from one sending PE (an object, so that a message costs one map lookup). */
export class NextSequence {
  constructor(public next: number) {}
}

/** Runtime state of one chare on its current PE. */
export class ElementRecord {
  /** The chare object (set right after construction). */
  obj!: object;
  /** Next reduction number per scope (collection or section id) this element will contribute to. */
  readonly redNo = new Map<number, number>();
  /** Messages whose `when` condition did not hold yet, in arrival order. */
  readonly whenQueue: Delivery[] = [];
  /** Next expected sequence number per sending PE. */
  readonly nextSeq = new Map<number, NextSequence>();
  /** Messages that arrived ahead of their turn, per sending PE, by sequence number. */
  readonly early = new Map<number, Map<number, InvokeMessage>>();
  /** Pending allreduce results by reduction tag. */
  readonly allreduceWaiters = new Map<string, Waiter<unknown>>();
  /** Allreduce results that arrived before the element asked for them. */
  readonly allreduceResults = new Map<string, unknown>();
  /** Channel endpoints of this chare, by `${peerKey}#${port}`. */
  readonly channels = new Map<string, unknown>();
  /** Seconds of entry-method time since the load was last reset. */
  load = 0;
  /** Async entry methods of this element still running. */
  activeAsync = 0;
  /** Number of times the element has migrated (its location epoch). */
  epoch = 0;
  /** True between the element's atSync() and its resumeFromSync(). */
  atSync = false;
  /** A migration waiting for the element to be idle: destination and the PE to notify (-1: none). */
  pendingMove: { readonly pe: number; readonly notify: number } | null = null;
  /** The proxy to the element's whole collection (`thisProxy`), made by the chare services at the first use. */
  collectionProxy: unknown = undefined;

  constructor(
    /** What the chare base class asks of the runtime. */
    readonly services: ChareServices,
    readonly collection: ElementCollection,
    readonly index: Index,
    /** Key of the element within its collection. */
    readonly key: string,
  ) {}

  /** Printable name, e.g. `Block[2,3]`. */
  get label(): string {
    const { className, kind } = this.collection;
    return kind === 'chare' ? className : `${className}[${this.index.join(',')}]`;
  }
}
