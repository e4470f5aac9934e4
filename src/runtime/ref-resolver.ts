/**
 * Rebuilds proxies, futures and callbacks decoded from a message, bound to this PE.
 */
import { ProtocolError } from '../errors.js';
import type { CollectionManager } from './collection-manager.js';
import type { FutureTable } from './future.js';
import type { ProxyHost } from './proxy.js';
import type { Registry } from './registry.js';
import type { WireRef, WireRefData, WireRefResolver } from './wire-ref.js';

/** The WireRefResolver of one PE. */
export class RuntimeRefResolver implements WireRefResolver {
  readonly #registry: Registry;
  readonly #collections: () => CollectionManager;
  readonly #futures: FutureTable;
  readonly #host: ProxyHost;

  constructor(registry: Registry, collections: () => CollectionManager, futures: FutureTable, host: ProxyHost) {
    this.#registry = registry;
    this.#collections = collections;
    this.#futures = futures;
    this.#host = host;
  }

  resolve(data: WireRefData): WireRef {
    switch (data.t) {
      case 'future':
        if (!Number.isInteger(data.pe) || !Number.isInteger(data.id)) throw new ProtocolError('malformed future reference');
        return this.#futures.remote({ pe: data.pe, id: data.id });
      case 'proxy': {
        const info = this.#registry.classInfoByName(data.cls);
        if (info === undefined) throw new ProtocolError(`proxy to unregistered class "${String(data.cls)}"`);
        if (!Number.isInteger(data.coll)) throw new ProtocolError('malformed proxy reference');
        const cls = this.#collections().proxyClass(info);
        return new cls(this.#host, info, { coll: data.coll, index: data.index ?? null, section: data.section ?? null });
      }
      default:
        throw new ProtocolError(`unknown reference kind "${String((data as { t?: unknown }).t)}"`);
    }
  }
}
