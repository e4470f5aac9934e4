/**
 * One collection (singleton chare, group or array) as seen from one PE: its layout, the
 * elements living here, the elements whose home is here and where they are now, and the
 * location cache for the others.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ArrayMapFn } from './array-maps.js';
import type { ElementRecord } from './element.js';
import { checkIndex, delinearize, elementCount, indexKey, sameIndex, type Index } from './index-space.js';
import type { CollectionSpec, InvokeMessage } from './message.js';
import type { ProxyBase, ProxyHost, ProxyTarget } from './proxy.js';
import type { ClassInfo } from './registry.js';

/**
 * Where an element is believed to live. `epoch` counts the element's migrations: information
 * with a lower epoch than what a PE already has is stale and ignored, so forwarding pointers
 * always lead forward along the element's path and can never form a cycle.
 */
export interface Location {
  pe: number;
  epoch: number;
}

/** An element whose home is this PE, and where it lives now. */
export interface HomeEntry extends Location {
  readonly index: Index;
}

/**
 * One element as this PE sends to it: its key, its home PE and the sequence number of the next
 * message from this PE to it. Made once per element (see {@link Collection.address}) and kept by
 * element proxies, so that a call through one builds no key and computes no home.
 */
export class ElementAddress {
  /** Sequence number of the next message from this PE to the element (arrays). */
  nextSeq = 0;
  /** Where {@link routedVersion}'s locations put the element (see `LocationManager`); -1: not worked out yet. */
  routedPe = -1;
  /** The {@link Collection.locationVersion} that {@link routedPe} was worked out at. */
  routedVersion = -1;

  constructor(
    readonly index: Index,
    readonly key: string,
    readonly home: number,
  ) {}
}

/** A collection on one PE. */
export class Collection {
  /** Elements living on this PE, by key. */
  readonly local = new Map<string, ElementRecord>();
  /** Elements whose home is this PE (arrays only), by key. */
  readonly homes = new Map<string, HomeEntry>();
  /** Last known location of elements that are not here, by key (for homed elements: `homes`). */
  readonly cache = new Map<string, Location>();
  /**
   * Changes with every change to {@link local}, {@link homes}, {@link cache} or a home entry's
   * PE (call {@link locationsChanged} after one): a route worked out at this version still holds.
   */
  locationVersion = 0;
  /** The element {@link localElement} found last, and the {@link locationVersion} it was found at. */
  #lastFound: ElementRecord | null = null;
  #lastFoundVersion = -1;
  /** Elements this PE has sent to, by key (see {@link ElementAddress}). */
  readonly #addresses = new Map<string, ElementAddress>();
  /** At the home: messages for elements not inserted yet, by key. */
  readonly waiting = new Map<string, InvokeMessage[]>();
  /** Sparse arrays: true once doneInserting has run. */
  insertionClosed: boolean;
  readonly #proxyClass: new (host: ProxyHost, info: ClassInfo, target: ProxyTarget, validated?: boolean) => ProxyBase;
  readonly #map: ArrayMapFn;

  constructor(
    readonly id: number,
    readonly spec: CollectionSpec,
    readonly info: ClassInfo,
    map: ArrayMapFn,
    proxyClass: new (host: ProxyHost, info: ClassInfo, target: ProxyTarget, validated?: boolean) => ProxyBase,
    readonly numPes: number,
    /** Constructor arguments the collection was created with (for members created later, e.g. after a restart on more PEs). */
    readonly args: readonly unknown[] = [],
  ) {
    this.#map = map;
    this.#proxyClass = proxyClass;
    this.insertionClosed = spec.dims !== null;
  }

  /** True for arrays whose elements are inserted one by one. */
  get sparse(): boolean {
    return this.spec.kind === 'array' && this.spec.dims === null;
  }

  /** Printable name, e.g. `array 3 of Block`. */
  get label(): string {
    return `${this.spec.kind} ${this.id} of ${this.info.name}`;
  }

  /** Home PE of the element at `index` (where it is created and where its location is tracked). */
  homeOf(index: Index): number {
    switch (this.spec.kind) {
      case 'chare':
        return this.spec.pe;
      case 'group':
        return index[0]!;
      case 'array': {
        const pe = this.#map(index, this.spec.dims, this.numPes);
        if (!Number.isInteger(pe) || pe < 0 || pe >= this.numPes) {
          throw new InvalidArgumentError(`array map "${this.spec.map}" placed [${index.join(',')}] on PE ${pe}, not in 0..${this.numPes - 1}`);
        }
        return pe;
      }
    }
  }

  /** Returns `index` typed as an index of this collection; throws IndexOutOfRangeError when it is not one. */
  checkIndex(index: readonly unknown[]): Index {
    switch (this.spec.kind) {
      case 'chare':
        if (index.length !== 0) throw new InvalidArgumentError(`${this.info.name} is a singleton chare; its proxy needs no index`);
        break;
      case 'group':
        checkIndex(index, [this.numPes], 1, `group ${this.info.name}`);
        break;
      case 'array':
        checkIndex(index, this.spec.dims, this.spec.ndims, `array of ${this.info.name}`);
    }
    return index as Index;
  }

  /** Every index of a dense array, or of a group, whose home is `pe`. */
  indicesHomedOn(pe: number): Index[] {
    if (this.spec.kind === 'chare') return this.spec.pe === pe ? [[]] : [];
    if (this.spec.kind === 'group') return [[pe]];
    const dims = this.spec.dims;
    if (dims === null) return [];
    const result: Index[] = [];
    const total = elementCount(dims);
    for (let linear = 0; linear < total; linear++) {
      const index = delinearize(linear, dims);
      if (this.homeOf(index) === pe) result.push(index);
    }
    return result;
  }

  /** Number of elements homed on each PE (dense arrays, groups, singletons). */
  homeCounts(): Int32Array {
    const counts = new Int32Array(this.numPes);
    if (this.spec.kind === 'chare') counts[this.spec.pe] = 1;
    else if (this.spec.kind === 'group') counts.fill(1);
    else if (this.spec.dims !== null) {
      const dims = this.spec.dims;
      const total = elementCount(dims);
      for (let linear = 0; linear < total; linear++) counts[this.homeOf(delinearize(linear, dims))]!++;
    }
    return counts;
  }

  /** A proxy to this collection (index null) or to one element (`index` already checked). */
  proxy(host: ProxyHost, index: Index | null): ProxyBase {
    return new this.#proxyClass(host, this.info, { coll: this.id, index, section: null }, true);
  }

  /** A proxy to a section of this collection. */
  sectionProxy(host: ProxyHost, section: { id: number; coll: number; root: number }): ProxyBase {
    return new this.#proxyClass(host, this.info, { coll: this.id, index: null, section });
  }

  /** Key of an element of this collection. */
  key(index: Index): string {
    return indexKey(index);
  }

  /**
   * The element at `index` when it lives on this PE. The element found last is kept until
   * locations change, so a stream of messages to one element builds no key and looks up no map.
   */
  localElement(index: Index): ElementRecord | undefined {
    const last = this.#lastFound;
    if (last !== null && this.#lastFoundVersion === this.locationVersion && sameIndex(last.index, index)) return last;
    const element = this.local.get(this.key(index));
    if (element !== undefined) {
      this.#lastFound = element;
      this.#lastFoundVersion = this.locationVersion;
    }
    return element;
  }

  /** Marks every route worked out so far as stale (where some element lives, or is known to live, changed). */
  locationsChanged(): void {
    this.locationVersion++;
  }

  /** Records that the element at `index`, homed on this PE, lives (or will live) on `pe`. */
  setHome(index: Index, pe: number): void {
    this.homes.set(this.key(index), { index, pe, epoch: 0 });
    this.locationsChanged();
  }

  /** The address of the element at `index` (checked by the caller), made at the first use. */
  address(index: Index): ElementAddress {
    const key = this.key(index);
    let address = this.#addresses.get(key);
    if (address === undefined) this.#addresses.set(key, (address = new ElementAddress(index, key, this.homeOf(index))));
    return address;
  }
}

