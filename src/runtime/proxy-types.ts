/**
 * The static types of proxies. A proxy of chare class T has one caller per entry method of T
 * (T's methods, minus the runtime base classes' members and names starting with "_"); calling
 * it with the wrong name or argument types is a compile error.
 *
 * - `proxy.method(...args)`: fire and forget (no reply message).
 * - `proxy.method.ret(...args)`: a future of the return value (one chare only).
 * - `proxy.method.awaitable(...args)`: a future resolved when the call (or every call of a
 *   broadcast) has completed.
 */
import type { Future } from './future.js';

type AnyFn = (...args: any[]) => any;

/** Names of members that chares inherit from the runtime, never entry methods. */
export type BaseMemberName =
  | 'thisProxy'
  | 'thisIndex'
  | 'contribute'
  | 'allreduce'
  | 'atSync'
  | 'migrate'
  | 'migrated'
  | 'resumeFromSync'
  | 'pack'
  | 'unpack'
  | 'usesAtSync';

/** The entry-method names of chare class instance type T. */
export type EntryName<T> = {
  [K in keyof T]-?: K extends string
    ? K extends BaseMemberName | `_${string}`
      ? never
      : T[K] extends AnyFn
        ? K
        : never
    : never;
}[keyof T];

/** Caller of an entry method on one chare. */
export interface ElementCaller<F extends AnyFn> {
  /** Sends the call; no reply. */
  (...args: Parameters<F>): void;
  /** Sends the call; the future receives the return value, or the error it threw. */
  ret(...args: Parameters<F>): Future<Awaited<ReturnType<F>>>;
  /** Sends the call; the future resolves when it has completed (or rejects with its error). */
  awaitable(...args: Parameters<F>): Future<void>;
}

/** Caller of an entry method on every member of a collection or section. */
export interface BroadcastCaller<F extends AnyFn> {
  /** Sends the call to every member; no reply. */
  (...args: Parameters<F>): void;
  /** Sends the call to every member; the future resolves when all have completed. */
  awaitable(...args: Parameters<F>): Future<void>;
}

/** A proxy to one chare: an array element, a group member, or a singleton chare. */
export type ElementProxy<T> = { readonly [K in EntryName<T>]: ElementCaller<Extract<T[K], AnyFn>> };

/** Broadcast callers of T. */
export type BroadcastCallers<T> = { readonly [K in EntryName<T>]: BroadcastCaller<Extract<T[K], AnyFn>> };

/** Index ranges selecting a section: per dimension `[start, stop)` with an optional step. */
export interface SectionSlice {
  readonly ranges: readonly (readonly [start: number, stop: number, step?: number])[];
}

/** Options of a sparse-array insertion. */
export interface InsertOptions {
  /** Constructor arguments of the new element. */
  readonly args?: readonly unknown[];
  /** PE to create it on (default: its home PE from the array's map). */
  readonly onPe?: number;
}

/** A proxy to a section of a collection: broadcasts go to its members only. */
export type SectionProxy<T> = BroadcastCallers<T>;

/** A proxy to a chare array: calls broadcast; `at` names one element. */
export type ArrayProxy<T> = BroadcastCallers<T> & {
  /** Proxy to the element at `index` (one number per dimension). */
  at(...index: number[]): ElementProxy<T>;
  /** Proxy to a subset of the elements: a list of indices or index ranges. */
  section(members: readonly (readonly number[])[] | SectionSlice): SectionProxy<T>;
  /** Sparse arrays: inserts an element. */
  insert(index: number | readonly number[], options?: InsertOptions): void;
  /** Sparse arrays: closes insertion (reductions and awaitable broadcasts need the final count). */
  doneInserting(): void;
};

/** A proxy to a group: calls broadcast to every PE's member; `at(pe)` names one. */
export type GroupProxy<T> = BroadcastCallers<T> & {
  /** Proxy to the member on PE `pe`. */
  at(pe: number): ElementProxy<T>;
  /** Proxy to the members on the listed PEs. */
  section(pes: readonly number[]): SectionProxy<T>;
};

/** A proxy to a singleton chare. */
export type ChareProxy<T> = ElementProxy<T>;

/** Something a reduction result can be sent to: a future or an entry-method caller. */
export type ReductionTarget = Future<any> | ElementCaller<any> | BroadcastCaller<any>;

/**
 * `when` conditions of chare class T (Charm4Py's `@when`): for an entry method, a predicate
 * over the chare and the call's arguments; the call waits until it holds.
 * Declare as `static when: WhenConditions<MyChare> = { method: (self, ...args) => boolean }`.
 */
export type WhenConditions<T> = {
  readonly [K in EntryName<T>]?: (self: T, ...args: Parameters<Extract<T[K], AnyFn>>) => boolean;
};

/**
 * Entry methods of chare class T that borrow their arguments: the typed arrays they receive
 * from another PE are valid until the method returns (or its promise settles), after which the
 * transport reuses their memory. Declare as `static borrows: BorrowedEntries<MyChare> = ['method']`.
 */
export type BorrowedEntries<T> = readonly EntryName<T>[];
