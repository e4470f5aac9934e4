/** Tests sections (src/runtime/section-manager.ts): expandMembers for index lists and ranges, and SectionManager.create building the section tree with exact counts. */
import t from 'tap';
import { IndexOutOfRangeError, InvalidArgumentError } from '../../../src/errors.js';
import { Kind, type BroadcastMessage, type SectionCreateMessage } from '../../../src/runtime/message.js';
import { ReductionManager } from '../../../src/runtime/reduction-manager.js';
import { expandMembers, SectionManager } from '../../../src/runtime/section-manager.js';
import { FakePeContext, fakeCollection } from './fakes.js';

const grid = fakeCollection({ numPes: 4, dims: [3, 4] });
const line = fakeCollection({ numPes: 4, dims: [8] });

t.test('a list of indices is validated and kept in order', async (t) => {
  t.strictSame(expandMembers(grid, [[2, 3], [0, 0], [1, 2]]), [[2, 3], [0, 0], [1, 2]]);
  t.strictSame(expandMembers(line, [5, 1, 7]), [[5], [1], [7]], 'plain numbers for 1-D');
  t.strictSame(expandMembers(line, [[4]]), [[4]]);
});

t.test('ranges expand per dimension, row-major, with steps', async (t) => {
  t.strictSame(expandMembers(grid, { ranges: [[0, 2], [1, 4, 2]] }), [[0, 1], [0, 3], [1, 1], [1, 3]]);
  t.strictSame(expandMembers(line, { ranges: [[1, 8, 3]] }), [[1], [4], [7]]);
  t.equal(expandMembers(grid, { ranges: [[0, 3], [0, 4]] }).length, 12, 'the whole array');
});

t.test('group sections name PEs', async (t) => {
  const group = fakeCollection({ numPes: 4, kind: 'group', dims: [] });
  t.strictSame(expandMembers(group, [3, 1]), [[3], [1]]);
  t.strictSame(expandMembers(group, { ranges: [[0, 4, 2]] }), [[0], [2]]);
  t.throws(() => expandMembers(group, [4]), IndexOutOfRangeError, 'PE 4 of 4');
});

t.test('invalid member lists are refused', async (t) => {
  const cases: [string, typeof grid, unknown, new (...args: never[]) => Error][] = [
    ['a duplicate member', grid, [[1, 1], [2, 2], [1, 1]], InvalidArgumentError],
    ['a duplicate given two ways', line, [3, [3]], InvalidArgumentError],
    ['no members', line, [], InvalidArgumentError],
    ['not a list', line, 'all', InvalidArgumentError],
    ['a member that is not an index', grid, [{ x: 1 }], InvalidArgumentError],
    ['an index out of range', grid, [[3, 0]], IndexOutOfRangeError],
    ['an index of the wrong arity', grid, [[1]], IndexOutOfRangeError],
    ['a negative index', line, [-1], IndexOutOfRangeError],
  ];
  for (const [what, coll, spec, cls] of cases) t.throws(() => expandMembers(coll, spec), cls, what);
  t.throws(() => expandMembers(grid, [[1, 1], [1, 1]]), { message: /lists member \[1,1\] twice/ });
});

t.test('invalid ranges are refused', async (t) => {
  const cases: [string, unknown][] = [
    ['too few ranges', { ranges: [[0, 2]] }],
    ['too many ranges', { ranges: [[0, 1], [0, 1], [0, 1]] }],
    ['an empty range', { ranges: [[2, 2], [0, 1]] }],
    ['a reversed range', { ranges: [[2, 1], [0, 1]] }],
    ['past the end', { ranges: [[0, 4], [0, 1]] }],
    ['a negative start', { ranges: [[-1, 2], [0, 1]] }],
    ['a zero step', { ranges: [[0, 2, 0], [0, 1]] }],
    ['a negative step', { ranges: [[0, 2, -1], [0, 1]] }],
    ['a fractional bound', { ranges: [[0, 1.5], [0, 1]] }],
  ];
  for (const [what, spec] of cases) t.throws(() => expandMembers(grid, spec), InvalidArgumentError, what);
  const sparse = fakeCollection({ numPes: 2, dims: null, ndims: 2 });
  t.throws(() => expandMembers(sparse, { ranges: [[0, 1], [0, 1]] }), { message: /sparse arrays are given by a list/ });
  t.strictSame(expandMembers(sparse, [[100, 7]]), [[100, 7]], 'a sparse array takes any non-negative index');
});

t.test('create sends each home PE its members, tree links and subtree count', async (t) => {
  // line: 8 elements on 4 PEs, element i homed on PE i >> 1. The section is created on PE 2.
  const ctx = new FakePeContext(2, 4);
  const reductions = new ReductionManager(ctx, () => undefined, { deliver: () => undefined });
  const sections = new SectionManager(ctx, reductions);
  const address = sections.create(line, [0, 1, 6, 7, 3]);
  t.equal(address.coll, line.id);
  t.equal(address.root, 2, 'rooted at the creating PE');
  t.ok(address.id < 0, 'section ids are negative');
  const sent = ctx.take();
  t.strictSame(sent.map((s) => s.pe).sort(), [0, 1, 3], 'one message per other PE of the tree');
  const byPe = new Map(sent.map((s) => [s.pe, s.message as SectionCreateMessage]));
  for (const message of byPe.values()) t.equal(message.kind, Kind.SectionCreate);
  t.strictSame(byPe.get(0)!.members, [[0], [1]]);
  t.strictSame(byPe.get(1)!.members, [[3]]);
  t.strictSame(byPe.get(3)!.members, [[6], [7]]);
  // Tree over [2, 0, 1, 3] with branching 4: 2 is the parent of all.
  for (const pe of [0, 1, 3]) {
    t.equal(byPe.get(pe)!.parent, 2, `PE ${pe}'s parent`);
    t.strictSame(byPe.get(pe)!.children, []);
    t.equal(byPe.get(pe)!.subtreeCount, byPe.get(pe)!.members.length);
  }
  const root = sections.get(address.id);
  t.ok(root, 'the root registered the section itself');
  t.strictSame(root!.members, [], 'no members are homed on the root');
  t.strictSame([...root!.children].sort(), [0, 1, 3]);
  t.strictSame(reductions.scope(address.id), { id: address.id, coll: line.id, section: address, parent: -1, subtreeCount: 5 }, 'the root reduction scope counts every member');
});

t.test('section ids are distinct across PEs and calls', async (t) => {
  const ids = new Set<number>();
  for (let pe = 0; pe < 4; pe++) {
    const ctx = new FakePeContext(pe, 4);
    const sections = new SectionManager(ctx, new ReductionManager(ctx, () => undefined, { deliver: () => undefined }));
    for (let k = 0; k < 5; k++) ids.add(sections.create(line, [k]).id);
  }
  t.equal(ids.size, 20);
  t.ok([...ids].every((id) => id < 0));
});

t.test('a deep section tree links parents and children consistently', async (t) => {
  const wide = fakeCollection({ numPes: 16, dims: [16] }); // element i homed on PE i
  const ctx = new FakePeContext(0, 16);
  const sections = new SectionManager(ctx, new ReductionManager(ctx, () => undefined, { deliver: () => undefined }));
  const address = sections.create(wide, Array.from({ length: 16 }, (_, i) => i));
  const messages = new Map(ctx.take().map((s) => [s.pe, s.message as SectionCreateMessage]));
  t.equal(messages.size, 15);
  for (const [pe, message] of messages) {
    const parentChildren = message.parent === 0 ? sections.get(address.id)!.children : messages.get(message.parent)!.children;
    t.ok(parentChildren.includes(pe), `PE ${pe} is among its parent's children`);
    const expected = 1 + message.children.reduce((sum, child) => sum + messages.get(child)!.subtreeCount, 0);
    t.equal(message.subtreeCount, expected, `PE ${pe} subtree count`);
  }
});

t.test('broadcasts held for an unknown section are replayed when it is registered', async (t) => {
  const ctx = new FakePeContext(1, 4);
  const sections = new SectionManager(ctx, new ReductionManager(ctx, () => undefined, { deliver: () => undefined }));
  const broadcast: BroadcastMessage = { kind: Kind.Broadcast, coll: line.id, section: -9, ep: 0, args: [], root: 0, ack: null };
  sections.hold(broadcast);
  sections.hold({ ...broadcast, args: [2] });
  const replayed: BroadcastMessage[] = [];
  sections.receiveCreate({ kind: Kind.SectionCreate, section: { id: -9, coll: line.id, root: 0 }, members: [[2]], parent: 0, children: [], subtreeCount: 1 }, (m) => replayed.push(m));
  t.strictSame(replayed.map((m) => m.args), [[], [2]], 'in the order held');
  t.strictSame(sections.get(-9)?.members, [[2]]);
});
