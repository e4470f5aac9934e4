/**
 * One proxy implementation for every collection kind. For each registered chare class a
 * subclass of {@link ProxyBase} is generated once, with a getter per entry method, so calls
 * resolve through ordinary prototype lookups; a name that is not an entry method reaches a
 * trap at the end of the prototype chain and throws UnknownEntryMethodError.
 */
import { UnknownEntryMethodError } from '../errors.js';
import type { ElementAddress } from './collection.js';
import type { Future } from './future.js';
import type { Index } from './index-space.js';
import type { CallbackTarget, SectionAddress } from './message.js';
import type { ClassInfo, EntryInfo } from './registry.js';
import { WireRef, type WireRefData } from './wire-ref.js';

/** What a proxy points at. */
export interface ProxyTarget {
  readonly coll: number;
  /** One chare's index, or null for the whole collection / section. */
  readonly index: Index | null;
  readonly section: SectionAddress | null;
}

/** How the call is made. */
export type CallMode = 'send' | 'ret' | 'awaitable';

/** What proxies need from the runtime of their PE. */
export interface ProxyHost {
  /** Sends a call through `proxy` (its target, class and whether its index was checked); returns a future for "ret" and "awaitable". */
  invoke(proxy: ProxyBase, entry: EntryInfo, args: unknown[], mode: CallMode): Future<unknown> | undefined;
  /** Validates `index` and returns the element proxy. */
  element(proxy: ProxyBase, index: readonly unknown[]): ProxyBase;
  /** Creates a section of the collection. */
  section(proxy: ProxyBase, members: unknown): ProxyBase;
  /** Inserts a sparse-array element. */
  insert(proxy: ProxyBase, index: unknown, options: unknown): void;
  /** Closes sparse-array insertion. */
  doneInserting(proxy: ProxyBase): void;
}

/** How many element proxies a proxy keeps for reuse by `at`. */
export const ELEMENT_PROXY_CACHE = 64;

/** Marks caller functions; holds what a reduction needs to target them. */
export const CALLER_TARGET = Symbol('charm4ts.callerTarget');

/** A caller function as built by proxies. */
export interface CallerFunction {
  (...args: unknown[]): void;
  ret(...args: unknown[]): Future<unknown> | undefined;
  awaitable(...args: unknown[]): Future<unknown> | undefined;
  readonly [CALLER_TARGET]: CallbackTarget;
}

/** Base of every generated proxy class. */
export class ProxyBase extends WireRef {
  /** @internal */ readonly host: ProxyHost;
  /** @internal */ readonly info: ClassInfo;
  /** @internal */ readonly target: ProxyTarget;
  /** @internal True when the index was checked against the collection's bounds. */
  readonly validated: boolean;
  /** @internal An element proxy's element as this PE addresses it, set by the proxy host at the first call. */
  address: ElementAddress | undefined = undefined;
  #callers: CallerFunction[] | undefined;
  #elements: Map<unknown, ProxyBase> | undefined;

  constructor(host: ProxyHost, info: ClassInfo, target: ProxyTarget, validated = false) {
    super();
    this.host = host;
    this.info = info;
    this.target = target;
    this.validated = validated;
  }

  /**
   * Proxy to one element (arrays: one number per dimension; groups: a PE). The last
   * {@link ELEMENT_PROXY_CACHE} element proxies made from this proxy are reused.
   */
  at(...index: unknown[]): ProxyBase {
    const list = index.length === 1 && Array.isArray(index[0]) ? (index[0] as unknown[]) : index;
    const key = list.length === 1 ? list[0] : list.join(',');
    const cached = this.#elements?.get(key);
    if (cached !== undefined) return cached;
    const proxy = this.host.element(this, list);
    this.#elements ??= new Map();
    if (this.#elements.size >= ELEMENT_PROXY_CACHE) this.#elements.delete(this.#elements.keys().next().value);
    this.#elements.set(key, proxy);
    return proxy;
  }

  /** Proxy to a section (a subset of the members). */
  section(members: unknown): ProxyBase {
    return this.host.section(this, members);
  }

  /** Sparse arrays: inserts an element. */
  insert(index: unknown, options?: unknown): void {
    this.host.insert(this, index, options);
  }

  /** Sparse arrays: closes insertion. */
  doneInserting(): void {
    this.host.doneInserting(this);
  }

  toWireRef(): WireRefData {
    return { t: 'proxy', coll: this.target.coll, cls: this.info.name, index: this.target.index, section: this.target.section };
  }

  /** @internal The caller for `entry`, made once per proxy object. */
  caller(entry: EntryInfo): CallerFunction {
    this.#callers ??= new Array(this.info.entries.length);
    return (this.#callers[entry.id] ??= makeCaller(this, entry));
  }

  /** Printable description, e.g. `Proxy<Block>[2,3]`. */
  override toString(): string {
    const { index, section } = this.target;
    const where = index !== null ? `[${index.join(',')}]` : section !== null ? `{section ${section.id}}` : '';
    return `Proxy<${this.info.name}>${where}`;
  }
}

function makeCaller(proxy: ProxyBase, entry: EntryInfo): CallerFunction {
  const { host, target } = proxy;
  const call = ((...args: unknown[]) => {
    host.invoke(proxy, entry, args, 'send');
  }) as CallerFunction;
  call.ret = (...args: unknown[]) => host.invoke(proxy, entry, args, 'ret');
  call.awaitable = (...args: unknown[]) => host.invoke(proxy, entry, args, 'awaitable');
  (call as { [CALLER_TARGET]: CallbackTarget })[CALLER_TARGET] =
    target.index !== null
      ? { t: 'element', coll: target.coll, index: target.index, ep: entry.id }
      : { t: 'broadcast', coll: target.coll, section: target.section, ep: entry.id };
  return call;
}

/** Names that may be looked up on a proxy without being entry methods (probes by await, JSON, inspectors). */
const PROBED_NAMES: ReadonlySet<string> = new Set(['then', 'toJSON', 'inspect', 'nodeType', 'asymmetricMatch', '$$typeof', 'length']);

/**
 * Puts the unknown-name trap at the end of the WireRef prototype chain (after WireRef.prototype,
 * before Object.prototype), so it only runs on lookups that found nothing; it throws only
 * for proxies.
 */
function installUnknownNameTrap(): void {
  const base = Object.getPrototypeOf(WireRef.prototype) as object;
  if ((base as { [TRAP]?: boolean })[TRAP]) return;
  const trap = new Proxy(base, {
    get(target, property, receiver) {
      if (property === TRAP) return true;
      if (property in target || typeof property !== 'string' || !(receiver instanceof ProxyBase)) {
        return Reflect.get(target, property, receiver);
      }
      if (PROBED_NAMES.has(property) || property.startsWith('_') || property.startsWith('@@')) return undefined;
      throw new UnknownEntryMethodError(receiver.info.name, property);
    },
  });
  Object.setPrototypeOf(WireRef.prototype, trap);
}
const TRAP = Symbol('charm4ts.unknownNameTrap');
installUnknownNameTrap();

/** Builds the proxy class of a chare class: ProxyBase plus one getter per entry method. */
export function makeProxyClass(info: ClassInfo): new (host: ProxyHost, info: ClassInfo, target: ProxyTarget, validated?: boolean) => ProxyBase {
  const cls = class extends ProxyBase {};
  Object.defineProperty(cls, 'name', { value: `${info.name}Proxy` });
  for (const entry of info.entries) {
    Object.defineProperty(cls.prototype, entry.name, {
      get(this: ProxyBase) {
        return this.caller(entry);
      },
      enumerable: false,
      configurable: false,
    });
  }
  return cls;
}
