/** Test doubles shared by the runtime unit tests: a recording PeContext, collections and element records built without a runtime. */
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { blockMap, type ArrayMapFn } from '../../../src/runtime/array-maps.js';
import { Collection } from '../../../src/runtime/collection.js';
import { ElementRecord } from '../../../src/runtime/element.js';
import type { Index } from '../../../src/runtime/index-space.js';
import type { CollectionSpec, Message } from '../../../src/runtime/message.js';
import type { PeContext } from '../../../src/runtime/pe-context.js';
import { makeProxyClass } from '../../../src/runtime/proxy.js';
import type { ClassInfo, EntryInfo } from '../../../src/runtime/registry.js';

/** One message a {@link FakePeContext} was asked to send. */
export interface Sent {
  readonly pe: number;
  readonly message: Message;
}

/** A PeContext that records what is sent to which PE, and every fatal error and warning. */
export class FakePeContext implements PeContext {
  readonly sent: Sent[] = [];
  readonly fatals: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    readonly myPe: number,
    readonly numPes: number,
  ) {}

  send(pe: number, message: Message): void {
    this.sent.push({ pe, message });
  }

  fatal(message: string): void {
    this.fatals.push(message);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Removes and returns what was sent so far. */
  take(): Sent[] {
    return this.sent.splice(0);
  }
}

/** A ClassInfo for a class with the given entry-method names (ids by position). */
export function fakeClassInfo(name: string, kind: 'chare' | 'group' | 'array', entryNames: readonly string[] = []): ClassInfo {
  const entries: EntryInfo[] = entryNames.map((entryName, id) => ({ id, name: entryName, label: `${name}.${entryName}`, fn: () => undefined, minArgs: 0, maxArgs: Infinity, when: undefined, borrows: false }));
  return { id: 0, name, cls: class {}, kind, entries, entryByName: new Map(entries.map((e) => [e.name, e])) };
}

/** A collection as one PE sees it, with no elements yet. */
export function fakeCollection(options: {
  id?: number;
  kind?: 'chare' | 'group' | 'array';
  dims?: readonly number[] | null;
  ndims?: number;
  numPes: number;
  map?: ArrayMapFn;
  pe?: number;
  entries?: readonly string[];
}): Collection {
  const kind = options.kind ?? 'array';
  const dims = options.dims === undefined ? (kind === 'array' ? [8] : []) : options.dims;
  const spec: CollectionSpec = { kind, cls: 'Thing', dims, ndims: options.ndims ?? dims?.length ?? 1, map: 'block', pe: options.pe ?? 0 };
  const info = fakeClassInfo('Thing', kind, options.entries ?? ['work']);
  return new Collection(options.id ?? 7, spec, info, options.map ?? blockMap, makeProxyClass(info), options.numPes);
}

/** An element record of `coll` at `index` (no chare object, no services). */
export function fakeElement(coll: Collection, index: Index): ElementRecord {
  return new ElementRecord({} as ChareServices, { id: coll.id, className: coll.info.name, kind: coll.spec.kind }, index, coll.key(index));
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition` holds, polling every few milliseconds; rejects with `what` after
 * `timeoutMs` so that no test relies on the runner to kill a hang.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(2);
  }
}

/** Races `promise` against a timeout that rejects naming `what`. */
export async function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
