/** Tests chare construction (src/chares/construction.ts) and the base classes' use of the record: chares get their record during `new`, and cannot be built outside the runtime. */
import t from 'tap';
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { Chare } from '../../../src/chares/chare.js';
import { ChareArray } from '../../../src/chares/chare-array.js';
import { constructChare, takeConstructionRecord } from '../../../src/chares/construction.js';
import { Group } from '../../../src/chares/group.js';
import { BadStateError } from '../../../src/errors.js';
import { ELEMENT, ElementRecord } from '../../../src/runtime/element.js';

/** Services that record every call, returning recognisable values. */
function recordingServices() {
  const calls: string[] = [];
  const services: ChareServices = {
    collectionProxy: (record) => `collection proxy of ${record.label}`,
    elementProxy: (record) => `element proxy of ${record.label}`,
    contribute: (record, value, reducer, target, section) => void calls.push(`contribute ${record.label} ${JSON.stringify([value, reducer, target, section ?? null])}`),
    allreduce: (record, value, reducer) => {
      calls.push(`allreduce ${record.label} ${JSON.stringify([value, reducer])}`);
      return Promise.resolve(value);
    },
    myPe: () => 0,
    atSync: (record) => void calls.push(`atSync ${record.label}`),
    migrate: (record, pe) => void calls.push(`migrate ${record.label} to ${pe}`),
  };
  return { services, calls };
}

function record(services: ChareServices, kind: 'chare' | 'group' | 'array', index: number[]): ElementRecord {
  return new ElementRecord(services, { id: 1, className: 'Cell', kind }, index, index.join(','));
}

class Cell extends ChareArray {
  seenInConstructor: readonly number[];
  constructor(readonly label: string) {
    super();
    this.seenInConstructor = this.thisIndex;
  }
}

t.test('constructChare hands the record to the chare during its constructor', async (t) => {
  const { services } = recordingServices();
  const rec = record(services, 'array', [2, 5]);
  const cell = constructChare(Cell, ['hello'], rec);
  t.equal(cell.label, 'hello', 'constructor arguments passed');
  t.strictSame(cell.seenInConstructor, [2, 5], 'thisIndex works inside the constructor');
  t.equal(cell[ELEMENT], rec);
  t.notOk(Object.keys(cell).includes(String(ELEMENT)), 'the record is not an own enumerable field');
  t.strictSame(Object.keys(cell).sort(), ['label', 'seenInConstructor'], 'a chare\'s enumerable fields are exactly its state');
});

t.test('a chare created with new outside the runtime is refused', async (t) => {
  t.throws(() => new Cell('x'), { name: 'BadStateError', message: /Cell is a chare: create it with charm\.createChare\/createGroup\/createArray, not with new/ });
  t.throws(() => takeConstructionRecord('Thing'), BadStateError);
});

t.test('the record slot is consumed once and restored after nested construction', async (t) => {
  const { services } = recordingServices();
  class Outer extends ChareArray {
    inner: Cell;
    constructor() {
      super();
      this.inner = constructChare(Cell, ['inner'], record(services, 'array', [9]));
    }
  }
  const outer = constructChare(Outer, [], record(services, 'array', [1]));
  t.strictSame(outer.thisIndex, [1]);
  t.strictSame(outer.inner.thisIndex, [9]);
  t.throws(() => new Cell('after'), BadStateError, 'nothing left in the slot afterwards');
});

t.test('a constructor that throws leaves no record behind', async (t) => {
  const { services } = recordingServices();
  class Broken extends ChareArray {
    constructor() {
      super();
      throw new Error('ctor failed');
    }
  }
  t.throws(() => constructChare(Broken, [], record(services, 'array', [0])), /ctor failed/);
  t.throws(() => new Cell('x'), BadStateError);
  class Early extends ChareArray {
    constructor() {
      throw new Error('before super');
      super();
    }
  }
  t.throws(() => constructChare(Early, [], record(services, 'array', [0])), /before super/);
  t.throws(() => new Cell('x'), BadStateError, 'a record not taken is not left for the next new');
});

t.test('thisProxy and thisIndex of each base class come from the record', async (t) => {
  const { services } = recordingServices();
  class G extends Group {}
  class C extends Chare {}
  const group = constructChare(G, [], record(services, 'group', [3]));
  t.equal(group.thisIndex, 3, 'a group member\'s index is its PE number');
  t.equal(group.thisProxy as unknown, 'collection proxy of Cell[3]');
  const single = constructChare(C, [], record(services, 'chare', []));
  t.equal(single.thisProxy as unknown, 'collection proxy of Cell');
  const cell = constructChare(Cell, ['x'], record(services, 'array', [4]));
  t.equal(cell.thisProxy as unknown, 'collection proxy of Cell[4]');
});

t.test('contribute and allreduce go to the services with the record', async (t) => {
  const { services, calls } = recordingServices();
  const cell = constructChare(Cell, ['x'], record(services, 'array', [7]));
  cell.contribute(5, 'sum', 'target' as never);
  t.equal(await cell.allreduce(6, { name: 'max' }), 6);
  t.strictSame(calls, ['contribute Cell[7] [5,"sum","target",null]', 'allreduce Cell[7] [6,{"name":"max"}]']);
});

t.test('array elements reach atSync and migrate through the services; the hooks do nothing by default', async (t) => {
  const { services, calls } = recordingServices();
  const cell = constructChare(Cell, ['x'], record(services, 'array', [1]));
  cell.atSync();
  cell.migrate(3);
  t.strictSame(calls, ['atSync Cell[1]', 'migrate Cell[1] to 3']);
  t.doesNotThrow(() => cell.resumeFromSync());
  t.doesNotThrow(() => cell.migrated());
});

t.test('base classes declare their collection kind', async (t) => {
  t.equal(Chare.chareKind, 'chare');
  t.equal(Group.chareKind, 'group');
  t.equal(ChareArray.chareKind, 'array');
  class Sub extends ChareArray {}
  t.equal((Sub as unknown as { chareKind: string }).chareKind, 'array', 'inherited by subclasses');
});
