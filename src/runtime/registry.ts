/**
 * Registration of chare classes, array maps and reducers. Every PE loads the same program and
 * registers the same things; ids are assigned by sorted name when the registry is frozen at
 * start, so they agree whatever the import or registration order, and a fingerprint of the
 * whole registry lets the PEs check that they do agree.
 */
import { createHash } from 'node:crypto';
import { BadStateError, DuplicateRegistrationError, InvalidArgumentError, NotRegisteredError } from '../errors.js';
import { BUILTIN_MAPS, type ArrayMapFn } from './array-maps.js';
import type { CollectionKind } from './message.js';
import { BUILTIN_REDUCERS, type Reducer } from './reducers.js';
import { maxParameters } from './parameter-count.js';

/** Marks the prototype of a runtime base class; entry-method discovery stops there. */
export const CHARE_BASE = Symbol('charm4ts.chareBase');

/** Names a chare class may not use for entry methods (they belong to proxies or the runtime). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'at', 'section', 'insert', 'doneInserting', 'ret', 'awaitable', 'then', 'toJSON', 'toWireRef',
  'constructor', 'migrated', 'pack', 'unpack', 'resumeFromSync', 'atSync', 'migrate',
]);

/** Methods the runtime calls itself; a class may define them, and they are not entry methods. */
const HOOKS: ReadonlySet<string> = new Set(['migrated', 'pack', 'unpack', 'resumeFromSync']);

/** A condition that must hold before a message runs (Charm4Py's `when`). */
export type WhenPredicate = (self: any, ...args: any[]) => boolean;

/** One entry method of a registered class. */
export interface EntryInfo {
  /** Id, the same on every PE. */
  readonly id: number;
  readonly name: string;
  /** `Class.method`, for messages (made once, so that calls build no strings). */
  readonly label: string;
  /** The method (called with the chare as `this`). */
  readonly fn: (...args: unknown[]) => unknown;
  /** Fewest arguments the method declares (its `length`). */
  readonly minArgs: number;
  /** Most arguments it declares (Infinity with a rest parameter). */
  readonly maxArgs: number;
  /** Buffer messages until this holds. */
  readonly when: WhenPredicate | undefined;
  /** Whether the method borrows its arguments (listed in the class's `static borrows`; see lent-buffers.ts). */
  readonly borrows: boolean;
}

/** "2 arguments", "1 to 3 arguments", "at least 1 argument". */
export function describeArity(entry: { readonly minArgs: number; readonly maxArgs: number }): string {
  const { minArgs: min, maxArgs: max } = entry;
  const plural = (n: number): string => (n === 1 ? '' : 's');
  if (max === Infinity) return `at least ${min} argument${plural(min)}`;
  if (min === max) return `${min} argument${plural(min)}`;
  return `${min} to ${max} arguments`;
}

/** A chare class known to the runtime. */
export interface ClassInfo {
  /** Id, the same on every PE. */
  readonly id: number;
  readonly name: string;
  readonly cls: ChareClass;
  readonly kind: CollectionKind;
  /** Entry methods by id. */
  readonly entries: readonly EntryInfo[];
  readonly entryByName: ReadonlyMap<string, EntryInfo>;
}

/** Any chare class (constructor). */
export type ChareClass = (abstract new (...args: any[]) => object) & { readonly chareKind?: CollectionKind; readonly when?: object; readonly borrows?: unknown };

interface FrozenRegistry {
  readonly byName: Map<string, ClassInfo>;
  readonly byClass: Map<ChareClass, ClassInfo>;
  readonly list: ClassInfo[];
  readonly fingerprint: string;
}

/** Everything a program registered, frozen at start. */
export class Registry {
  readonly #classes = new Map<string, ChareClass>();
  readonly #maps = new Map<string, ArrayMapFn>(BUILTIN_MAPS);
  readonly #reducers = new Map<string, Reducer>(BUILTIN_REDUCERS);
  #frozen: FrozenRegistry | undefined;

  /** Registers chare classes (subclasses of Chare, Group or ChareArray). Before start only. */
  registerClasses(classes: readonly ChareClass[]): void {
    this.#checkOpen('register chare classes');
    for (const cls of classes) {
      if (typeof cls !== 'function' || cls.chareKind === undefined) {
        throw new InvalidArgumentError(`${describe(cls)} is not a chare class (subclass Chare, Group or ChareArray)`);
      }
      const name = cls.name;
      if (!name) throw new InvalidArgumentError('chare classes must have a name (anonymous class given)');
      const existing = this.#classes.get(name);
      if (existing === cls) continue;
      if (existing !== undefined) throw new DuplicateRegistrationError(`two different chare classes are named "${name}"`);
      this.#classes.set(name, cls);
    }
  }

  /** Registers an array map under `name`. Before start only. */
  registerMap(name: string, fn: ArrayMapFn): void {
    this.#checkOpen('register array maps');
    if (typeof fn !== 'function') throw new InvalidArgumentError(`map "${name}" must be a function`);
    const existing = this.#maps.get(name);
    if (existing !== undefined && existing !== fn) throw new DuplicateRegistrationError(`an array map named "${name}" is already registered`);
    this.#maps.set(name, fn);
  }

  /** Registers a reducer. Before start only. */
  registerReducer(reducer: Reducer): void {
    this.#checkOpen('register reducers');
    const existing = this.#reducers.get(reducer.name);
    if (existing !== undefined && existing !== reducer) throw new DuplicateRegistrationError(`a reducer named "${reducer.name}" is already registered`);
    this.#reducers.set(reducer.name, reducer);
  }

  /** Assigns ids and computes the fingerprint. Registration is closed afterwards. */
  freeze(): void {
    if (this.#frozen) return;
    const names = [...this.#classes.keys()].sort();
    const list = names.map((name, id) => buildClassInfo(id, name, this.#classes.get(name)!));
    const fingerprintSource = JSON.stringify({
      classes: list.map((c) => [c.name, c.kind, c.entries.map((e) => e.name)]),
      maps: [...this.#maps.keys()].sort(),
      reducers: [...this.#reducers.keys()].sort(),
    });
    this.#frozen = {
      byName: new Map(list.map((c) => [c.name, c])),
      byClass: new Map(list.map((c) => [c.cls, c])),
      list,
      fingerprint: createHash('sha256').update(fingerprintSource).digest('hex').slice(0, 16),
    };
  }

  /** Short hash of everything registered; equal on PEs that registered the same things. */
  get fingerprint(): string {
    return this.#requireFrozen().fingerprint;
  }

  /** Info of a registered class, by class. */
  classInfo(cls: ChareClass): ClassInfo {
    const info = this.#requireFrozen().byClass.get(cls);
    if (info === undefined) {
      throw new NotRegisteredError(`${describe(cls)} is not registered: call charm.register(${cls?.name || 'TheClass'}) before charm.start`);
    }
    return info;
  }

  /** Info of a registered class, by name (from a message). */
  classInfoByName(name: string): ClassInfo | undefined {
    return this.#requireFrozen().byName.get(name);
  }

  /** A registered map. */
  map(name: string): ArrayMapFn | undefined {
    return this.#maps.get(name);
  }

  /** Name under which `fn` is registered as a map, if it is. */
  mapName(fn: ArrayMapFn): string | undefined {
    for (const [name, registered] of this.#maps) if (registered === fn) return name;
    return undefined;
  }

  /** A registered reducer. */
  reducer(name: string): Reducer | undefined {
    return this.#reducers.get(name);
  }

  #checkOpen(what: string): void {
    if (this.#frozen) throw new BadStateError(`cannot ${what} after charm.start`);
  }

  #requireFrozen(): FrozenRegistry {
    if (!this.#frozen) throw new BadStateError('the registry is used before charm.start');
    return this.#frozen;
  }
}

function buildClassInfo(id: number, name: string, cls: ChareClass): ClassInfo {
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  for (let proto = cls.prototype; proto && !Object.prototype.hasOwnProperty.call(proto, CHARE_BASE); proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (methods.has(key) || key === 'constructor' || key.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
      if (typeof descriptor.value !== 'function') continue;
      if (RESERVED_NAMES.has(key)) {
        if (HOOKS.has(key)) continue;
        throw new InvalidArgumentError(`${name}.${key}: "${key}" is reserved and cannot be an entry method name`);
      }
      methods.set(key, descriptor.value);
    }
  }
  const when = (cls.when ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(when)) {
    if (!methods.has(key)) throw new InvalidArgumentError(`${name}.when names "${key}", which is not an entry method of ${name}`);
    if (typeof when[key] !== 'function') throw new InvalidArgumentError(`${name}.when.${key} must be a function (self, ...args) => boolean`);
  }
  const borrows = borrowingMethods(name, cls, methods);
  const entries: EntryInfo[] = [...methods.keys()].sort().map((entryName, entryId) => {
    const fn = methods.get(entryName)!;
    return { id: entryId, name: entryName, label: `${name}.${entryName}`, fn, minArgs: fn.length, maxArgs: maxParameters(fn), when: when[entryName] as WhenPredicate | undefined, borrows: borrows.has(entryName) };
  });
  return { id, name, cls, kind: cls.chareKind!, entries, entryByName: new Map(entries.map((e) => [e.name, e])) };
}

/** The entry methods a class's `static borrows` names, checked against its methods. */
function borrowingMethods(name: string, cls: ChareClass, methods: ReadonlyMap<string, unknown>): Set<string> {
  const listed = cls.borrows ?? [];
  if (!Array.isArray(listed) || !listed.every((key) => typeof key === 'string')) {
    throw new InvalidArgumentError(`${name}.borrows must be an array of entry-method names`);
  }
  for (const key of listed as string[]) {
    if (!methods.has(key)) throw new InvalidArgumentError(`${name}.borrows names "${key}", which is not an entry method of ${name}`);
  }
  return new Set(listed as string[]);
}

function describe(value: unknown): string {
  if (typeof value === 'function') return value.name ? `class ${value.name}` : 'an anonymous class';
  return `a value of type ${value === null ? 'null' : typeof value}`;
}
