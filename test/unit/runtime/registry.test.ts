/** Tests Registry (src/runtime/registry.ts): deterministic ids, entry-method discovery, the fingerprint, and every refused registration. */
import t from 'tap';
import { Chare } from '../../../src/chares/chare.js';
import { ChareArray } from '../../../src/chares/chare-array.js';
import { Group } from '../../../src/chares/group.js';
import { BadStateError, DuplicateRegistrationError, InvalidArgumentError, NotRegisteredError } from '../../../src/errors.js';
import { blockMap } from '../../../src/runtime/array-maps.js';
import { reducerFromCombine } from '../../../src/runtime/reducers.js';
import { Registry, RESERVED_NAMES, type ChareClass } from '../../../src/runtime/registry.js';

class Alpha extends ChareArray {
  work(): void {}
  go(_x: number, _y: number): void {}
  _hidden(): void {}
  get prop(): number {
    return 1;
  }
  pack(): object {
    return {};
  }
  unpack(): void {}
  override migrated(): void {}
  override resumeFromSync(): void {}
}

class Beta extends Group {
  ping(): void {}
}

class Gamma extends Chare {
  run(): void {}
}

function frozen(classes: readonly ChareClass[], setup?: (r: Registry) => void): Registry {
  const registry = new Registry();
  registry.registerClasses(classes);
  setup?.(registry);
  registry.freeze();
  return registry;
}

/** Builds a fresh array chare class named `name` with the given method names. */
function arrayClass(name: string, methods: readonly string[]): ChareClass {
  const cls = { [name]: class extends ChareArray {} }[name]!;
  for (const method of methods) Object.defineProperty(cls.prototype, method, { value: function () {}, writable: true, configurable: true });
  return cls;
}

t.test('class ids follow sorted names, whatever the registration order', async (t) => {
  const orders = [
    [Alpha, Beta, Gamma],
    [Gamma, Alpha, Beta],
    [Beta, Gamma, Alpha],
  ];
  for (const order of orders) {
    const registry = frozen(order);
    t.strictSame(
      [Alpha, Beta, Gamma].map((c) => registry.classInfo(c).id),
      [0, 1, 2],
      order.map((c) => c.name).join(','),
    );
  }
  const split = new Registry();
  split.registerClasses([Gamma]);
  split.registerClasses([Alpha, Beta]);
  split.freeze();
  t.equal(split.classInfo(Alpha).id, 0, 'several register calls give the same ids');
});

t.test('entry methods: public prototype methods, ids by sorted name, with their arity', async (t) => {
  const info = frozen([Alpha]).classInfo(Alpha);
  t.equal(info.name, 'Alpha');
  t.equal(info.kind, 'array');
  t.equal(info.cls, Alpha);
  t.strictSame(info.entries.map((e) => [e.id, e.name, e.minArgs]), [
    [0, 'go', 2],
    [1, 'work', 0],
  ]);
  t.equal(info.entryByName.get('work'), info.entries[1]);
  t.equal(info.entryByName.get('work')!.fn, Alpha.prototype.work, 'the method itself');
  for (const excluded of ['_hidden', 'prop', 'pack', 'unpack', 'migrated', 'resumeFromSync', 'atSync', 'migrate', 'constructor', 'contribute', 'allreduce', 'thisProxy']) {
    t.notOk(info.entryByName.has(excluded), `${excluded} is not an entry method`);
  }
});

t.test('collection kinds come from the base class', async (t) => {
  const registry = frozen([Alpha, Beta, Gamma]);
  t.equal(registry.classInfo(Beta).kind, 'group');
  t.equal(registry.classInfo(Gamma).kind, 'chare');
  t.equal(registry.classInfoByName('Beta'), registry.classInfo(Beta));
  t.equal(registry.classInfoByName('Nope'), undefined);
});

t.test('inherited entry methods are found, overrides win', async (t) => {
  class Base extends ChareArray {
    a(): string {
      return 'base';
    }
    b(): void {}
  }
  class Derived extends Base {
    override a(): string {
      return 'derived';
    }
    c(): void {}
  }
  const info = frozen([Derived]).classInfo(Derived);
  t.strictSame(info.entries.map((e) => e.name), ['a', 'b', 'c']);
  t.equal(info.entryByName.get('a')!.fn, Derived.prototype.a);
});

t.test('the fingerprint is the same for the same program and differs for a different one', async (t) => {
  const a = frozen([Alpha, Beta]).fingerprint;
  t.match(a, /^[0-9a-f]{16}$/);
  t.equal(frozen([Beta, Alpha]).fingerprint, a, 'registration order does not matter');
  t.not(frozen([Alpha]).fingerprint, a, 'a class fewer');
  t.not(frozen([Alpha, Beta, Gamma]).fingerprint, a, 'a class more');
  t.equal(frozen([arrayClass('K', ['x', 'y'])]).fingerprint, frozen([arrayClass('K', ['y', 'x'])]).fingerprint, 'same class shape from another realm');
  t.not(frozen([arrayClass('K', ['x'])]).fingerprint, frozen([arrayClass('K', ['x', 'y'])]).fingerprint, 'an entry method more');
  t.not(frozen([arrayClass('K', ['x'])]).fingerprint, frozen([arrayClass('L', ['x'])]).fingerprint, 'a renamed class');
  t.not(frozen([Alpha, Beta], (r) => r.registerMap('mine', () => 0)).fingerprint, a, 'an extra map');
  t.not(frozen([Alpha, Beta], (r) => r.registerReducer(reducerFromCombine('cat', (x: string, y: string) => x + y))).fingerprint, a, 'an extra reducer');
});

t.test('reserved names cannot be entry methods', async (t) => {
  t.ok(RESERVED_NAMES.has('then'), '"then" is reserved (await on proxies)');
  for (const name of ['at', 'section', 'insert', 'doneInserting', 'ret', 'awaitable', 'then', 'toJSON', 'toWireRef', 'atSync', 'migrate']) {
    const registry = new Registry();
    registry.registerClasses([arrayClass('Bad', [name, 'ok'])]);
    t.throws(() => registry.freeze(), InvalidArgumentError, name);
  }
  const message = (() => {
    const registry = new Registry();
    registry.registerClasses([arrayClass('Bad', ['then'])]);
    try {
      registry.freeze();
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  })();
  t.match(message, /Bad\.then: "then" is reserved/);
});

t.test('the when table is validated', async (t) => {
  class Guarded extends ChareArray {
    static when = { take: (self: Guarded, n: number) => self.ready && n > 0 };
    ready = false;
    take(_n: number): void {}
    other(): void {}
  }
  const info = frozen([Guarded]).classInfo(Guarded);
  t.equal(info.entryByName.get('take')!.when, Guarded.when.take, 'the predicate is attached');
  t.equal(info.entryByName.get('other')!.when, undefined);

  class WrongName extends ChareArray {
    static when = { nope: () => true };
    take(): void {}
  }
  const r1 = new Registry();
  r1.registerClasses([WrongName]);
  t.throws(() => r1.freeze(), { name: 'InvalidArgumentError', message: /WrongName\.when names "nope", which is not an entry method/ });

  class NotAFunction extends ChareArray {
    static when = { take: true };
    take(): void {}
  }
  const r2 = new Registry();
  r2.registerClasses([NotAFunction]);
  t.throws(() => r2.freeze(), { name: 'InvalidArgumentError', message: /NotAFunction\.when\.take must be a function/ });
});

t.test('the borrows list is validated and marks its entry methods', async (t) => {
  class Sink extends ChareArray {
    static borrows = ['take'];
    take(_data: Float64Array): void {}
    keep(_data: Float64Array): void {}
  }
  const info = frozen([Sink]).classInfo(Sink);
  t.equal(info.entryByName.get('take')!.borrows, true);
  t.equal(info.entryByName.get('keep')!.borrows, false, 'methods not listed keep their arguments');

  class WrongName extends ChareArray {
    static borrows = ['nope'];
    take(): void {}
  }
  const r1 = new Registry();
  r1.registerClasses([WrongName]);
  t.throws(() => r1.freeze(), { name: 'InvalidArgumentError', message: /WrongName\.borrows names "nope", which is not an entry method/ });

  class NotAList extends ChareArray {
    static borrows = 'take';
    take(): void {}
  }
  const r2 = new Registry();
  r2.registerClasses([NotAList]);
  t.throws(() => r2.freeze(), { name: 'InvalidArgumentError', message: /NotAList\.borrows must be an array of entry-method names/ });
});

t.test('two different classes with one name are refused; the same class twice is fine', async (t) => {
  const registry = new Registry();
  registry.registerClasses([Alpha, Alpha]);
  registry.registerClasses([Alpha]);
  t.throws(() => registry.registerClasses([arrayClass('Alpha', ['x'])]), DuplicateRegistrationError);
  registry.freeze();
  t.equal(registry.classInfo(Alpha).id, 0);
});

t.test('non-chare classes and anonymous classes are refused', async (t) => {
  const registry = new Registry();
  class Plain {}
  t.throws(() => registry.registerClasses([Plain as unknown as ChareClass]), InvalidArgumentError, 'a class without a chare base');
  t.throws(() => registry.registerClasses([42 as unknown as ChareClass]), InvalidArgumentError, 'not a function');
  const anonymous = [class extends ChareArray {}][0]!;
  t.equal(anonymous.name, '');
  t.throws(() => registry.registerClasses([anonymous]), InvalidArgumentError, 'an anonymous class');
});

t.test('registration after freeze is refused', async (t) => {
  const registry = frozen([Alpha]);
  t.throws(() => registry.registerClasses([Beta]), BadStateError);
  t.throws(() => registry.registerMap('late', () => 0), BadStateError);
  t.throws(() => registry.registerReducer(reducerFromCombine('late', (a: number, b: number) => a + b)), BadStateError);
  const fingerprint = registry.fingerprint;
  registry.freeze();
  t.equal(registry.fingerprint, fingerprint, 'freeze is idempotent');
});

t.test('the frozen view is not available before freeze', async (t) => {
  const registry = new Registry();
  registry.registerClasses([Alpha]);
  t.throws(() => registry.fingerprint, BadStateError);
  t.throws(() => registry.classInfo(Alpha), BadStateError);
  t.throws(() => registry.classInfoByName('Alpha'), BadStateError);
});

t.test('an unregistered class is reported with NotRegisteredError', async (t) => {
  const registry = frozen([Alpha]);
  t.throws(() => registry.classInfo(Beta), { name: 'NotRegisteredError', message: /class Beta is not registered: call charm\.register\(Beta\)/ });
  t.ok(new NotRegisteredError('x') instanceof Error);
});

t.test('maps: built-ins present, duplicates refused, names found', async (t) => {
  const registry = new Registry();
  t.equal(registry.map('block'), blockMap);
  t.equal(registry.mapName(blockMap), 'block');
  const mine = (): number => 0;
  registry.registerMap('mine', mine);
  registry.registerMap('mine', mine);
  t.equal(registry.map('mine'), mine);
  t.equal(registry.mapName(mine), 'mine');
  t.equal(registry.mapName(() => 1), undefined);
  t.throws(() => registry.registerMap('mine', () => 1), DuplicateRegistrationError, 'another function under the same name');
  t.throws(() => registry.registerMap('block', () => 1), DuplicateRegistrationError, 'a built-in name');
  t.throws(() => registry.registerMap('x', 5 as never), InvalidArgumentError, 'not a function');
});

t.test('reducers: built-ins present, duplicates refused', async (t) => {
  const registry = new Registry();
  t.equal(registry.reducer('sum')?.name, 'sum');
  const cat = reducerFromCombine('cat', (a: string, b: string) => a + b);
  registry.registerReducer(cat);
  registry.registerReducer(cat);
  t.equal(registry.reducer('cat'), cat);
  t.throws(() => registry.registerReducer(reducerFromCombine('cat', (a: string) => a)), DuplicateRegistrationError);
  t.throws(() => registry.registerReducer(reducerFromCombine('sum', (a: number) => a)), DuplicateRegistrationError, 'a built-in name');
  t.equal(registry.reducer('nope'), undefined);
});
