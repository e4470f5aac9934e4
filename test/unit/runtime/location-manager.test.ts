/** Tests LocationManager (src/runtime/location-manager.ts) against a recording PeContext: routing, per-sender ordering, duplicates, forwarding through the home, location epochs, buffering, the hop limit and migration. */
import t from 'tap';
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { UnserializableError } from '../../../src/errors.js';
import type { Collection } from '../../../src/runtime/collection.js';
import { NextSequence, type ElementRecord } from '../../../src/runtime/element.js';
import type { Index } from '../../../src/runtime/index-space.js';
import { LocationManager, MAX_HOPS } from '../../../src/runtime/location-manager.js';
import { Kind, type InvokeMessage, type LocationUpdateMessage, type MigrateMessage } from '../../../src/runtime/message.js';
import { FakePeContext, fakeCollection, fakeElement } from './fakes.js';

/** A delivered call: which element, which message. */
interface Delivered {
  readonly label: string;
  readonly message: InvokeMessage;
}

/** One PE's location manager over a 4-PE job with an 8-element block-mapped array (element i homed on PE i >> 1). */
function setup(myPe: number, options: { kind?: 'array' | 'group' | 'chare'; dims?: readonly number[] | null; map?: (index: Index) => number } = {}) {
  const ctx = new FakePeContext(myPe, 4);
  const delivered: Delivered[] = [];
  const lm = new LocationManager(ctx, (element, _coll, message) => delivered.push({ label: element.label, message }));
  const coll = fakeCollection({ numPes: 4, kind: options.kind, dims: options.dims, map: options.map === undefined ? undefined : (index) => options.map!(index) });
  return { ctx, lm, coll, delivered };
}

/** Places element `index` on this PE as its creation would (home entry when homed here, then arrival). */
function place(lm: LocationManager, coll: Collection, ctx: FakePeContext, index: Index): ElementRecord {
  const element = fakeElement(coll, index);
  if (coll.spec.kind === 'array' && coll.homeOf(index) === ctx.myPe) coll.homes.set(coll.key(index), { index, pe: ctx.myPe, epoch: 0 });
  lm.arrived(coll, element);
  return element;
}

function invoke(coll: Collection, index: Index, src: number, seq: number, extra: Partial<InvokeMessage> = {}): InvokeMessage {
  return { kind: Kind.Invoke, coll: coll.id, index, ep: 0, args: [src, seq], src, seq, reply: null, ack: null, hops: 0, ...extra };
}

function seqsOf(delivered: readonly Delivered[], src?: number): number[] {
  return delivered.filter((d) => src === undefined || d.message.src === src).map((d) => d.message.seq);
}

t.test('a call to an element living here goes to this PE (the local queue), numbered per element', async (t) => {
  const { ctx, lm, coll } = setup(1);
  place(lm, coll, ctx, [2]);
  place(lm, coll, ctx, [3]);
  lm.send(coll, [2], 0, ['a'], null, null);
  lm.send(coll, [2], 0, ['b'], { pe: 1, id: 5 }, null);
  lm.send(coll, [3], 0, ['c'], null, null);
  const sent = ctx.take();
  t.strictSame(sent.map((s) => s.pe), [1, 1, 1], 'all to this PE');
  const [a, b, c] = sent.map((s) => s.message as InvokeMessage);
  t.match(a, { kind: Kind.Invoke, coll: coll.id, index: [2], ep: 0, args: ['a'], src: 1, seq: 0, reply: null, ack: null, hops: 0 });
  t.equal(b!.seq, 1, 'the second call to [2] is number 1');
  t.strictSame(b!.reply, { pe: 1, id: 5 }, 'the reply future travels');
  t.equal(c!.seq, 0, '[3] has its own numbering');
});

t.test('a call to an unknown element goes to its home, or to the cached location', async (t) => {
  const { ctx, lm, coll } = setup(0);
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 2, '[5] is homed on PE 2');
  lm.updateLocation(coll, [5], 3, 1);
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 3, 'after a location update: straight to PE 3');
  lm.updateLocation(coll, [5], 1, 2);
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1, 'newer news wins');
  lm.updateLocation(coll, [5], 3, 1);
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1, 'older news is ignored');
  lm.updateLocation(coll, [5], 2, 2);
  t.strictSame(coll.cache.get('5'), { pe: 2, epoch: 2 }, 'news of the same epoch is taken');
});

t.test('location news at the home updates the home entry and releases held calls', async (t) => {
  const { ctx, lm, coll } = setup(1);
  coll.homes.set('3', { index: [3], pe: 1, epoch: 0 }); // expected here, not arrived
  lm.receive(coll, invoke(coll, [3], 0, 0));
  t.strictSame(ctx.take(), [], 'held');
  lm.updateLocation(coll, [3], 2, 1);
  t.strictSame(coll.homes.get('3'), { index: [3], pe: 2, epoch: 1 });
  t.strictSame(ctx.take().map((s) => [s.pe, s.message.kind]), [[2, Kind.Invoke], [0, Kind.LocationUpdate]], 'released to the element\'s PE');
  lm.updateLocation(coll, [3], 0, 0);
  t.equal(coll.homes.get('3')!.pe, 2, 'stale news does not move the home pointer back');
});

t.test('location news about an element living here is ignored', async (t) => {
  const { ctx, lm, coll } = setup(1);
  place(lm, coll, ctx, [2]);
  lm.updateLocation(coll, [2], 3, 9);
  t.ok(coll.local.has('2'));
  t.equal(coll.homes.get('2')!.pe, 1);
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1);
});

t.test('the home routes by its home table', async (t) => {
  const { ctx, lm, coll } = setup(2);
  coll.homes.set('4', { index: [4], pe: 3, epoch: 1 });
  lm.send(coll, [4], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 3, 'the home knows [4] is on PE 3');
});

t.test('group and singleton calls go to their PE and are not numbered', async (t) => {
  const group = setup(0, { kind: 'group', dims: [] });
  group.lm.send(group.coll, [3], 0, [], null, null);
  const [g] = group.ctx.take();
  t.equal(g!.pe, 3);
  t.equal((g!.message as InvokeMessage).seq, -1);
  const chare = setup(1, { kind: 'chare', dims: [] });
  chare.lm.send(chare.coll, [], 0, [], null, null);
  const [c] = chare.ctx.take();
  t.equal(c!.pe, 0, 'the singleton lives on its spec PE (0)');
  t.equal((c!.message as InvokeMessage).seq, -1);
});

t.test('unnumbered calls are delivered as they arrive', async (t) => {
  const { ctx, lm, coll, delivered } = setup(2, { kind: 'group', dims: [] });
  lm.arrived(coll, fakeElement(coll, [2]));
  lm.receive(coll, invoke(coll, [2], 0, -1, { args: ['x'] }));
  lm.receive(coll, invoke(coll, [2], 0, -1, { args: ['y'] }));
  t.strictSame(delivered.map((d) => d.message.args), [['x'], ['y']]);
  t.strictSame(ctx.fatals, []);
});

t.test('out-of-order arrivals are delivered in per-sender sequence order', async (t) => {
  const { ctx, lm, coll, delivered } = setup(1);
  const element = place(lm, coll, ctx, [2]);
  lm.receive(coll, invoke(coll, [2], 0, 2));
  lm.receive(coll, invoke(coll, [2], 3, 1));
  t.strictSame(delivered, [], 'nothing before sequence 0');
  lm.receive(coll, invoke(coll, [2], 0, 0));
  t.strictSame(seqsOf(delivered, 0), [0], 'only 0: 1 is still missing');
  lm.receive(coll, invoke(coll, [2], 0, 1));
  t.strictSame(seqsOf(delivered, 0), [0, 1, 2], 'the held 2 follows 1 at once');
  lm.receive(coll, invoke(coll, [2], 3, 0));
  t.strictSame(seqsOf(delivered, 3), [0, 1], 'PE 3 has its own numbering');
  t.equal(delivered.every((d) => d.label === 'Thing[2]'), true);
  t.equal(element.early.size, 0, 'nothing left held');
  t.strictSame(ctx.warnings, []);
});

t.test('a reversed burst is delivered in order', async (t) => {
  const { ctx, lm, coll, delivered } = setup(0);
  place(lm, coll, ctx, [1]);
  for (let seq = 99; seq >= 0; seq--) lm.receive(coll, invoke(coll, [1], 2, seq));
  t.strictSame(seqsOf(delivered), Array.from({ length: 100 }, (_, i) => i));
});

t.test('duplicates are dropped with a warning', async (t) => {
  const { ctx, lm, coll, delivered } = setup(1);
  place(lm, coll, ctx, [3]);
  lm.receive(coll, invoke(coll, [3], 0, 0));
  lm.receive(coll, invoke(coll, [3], 0, 0));
  lm.receive(coll, invoke(coll, [3], 0, 1));
  lm.receive(coll, invoke(coll, [3], 0, 0));
  t.strictSame(seqsOf(delivered), [0, 1], 'each delivered once');
  t.equal(ctx.warnings.length, 2, 'one warning per duplicate');
  t.match(ctx.warnings[0], /duplicate.*seq 0 from PE 0.*Thing\[3\]/);
  t.strictSame(ctx.fatals, []);
});

t.test('the home forwards to where the element went and tells the original sender', async (t) => {
  const { ctx, lm, coll, delivered } = setup(1);
  coll.homes.set('3', { index: [3], pe: 2, epoch: 5 }); // [3] is homed here but lives on PE 2
  const message = invoke(coll, [3], 0, 4, { hops: 1 });
  lm.receive(coll, message);
  const sent = ctx.take();
  t.equal(sent.length, 2);
  t.equal(sent[0]!.pe, 2, 'forwarded to PE 2');
  t.strictSame(sent[0]!.message, { ...message, hops: 2 }, 'unchanged but for one more hop');
  t.equal(sent[1]!.pe, 0, 'the location update goes to the original sender');
  t.strictSame(sent[1]!.message, { kind: Kind.LocationUpdate, coll: coll.id, index: [3], pe: 2, epoch: 5 } satisfies LocationUpdateMessage, 'with the epoch the home knows');
  t.strictSame(delivered, []);
});

t.test('no location update when the original sender is the home itself', async (t) => {
  const { ctx, lm, coll } = setup(1);
  coll.homes.set('3', { index: [3], pe: 2, epoch: 0 });
  lm.receive(coll, invoke(coll, [3], 1, 0));
  t.strictSame(ctx.take().map((s) => [s.pe, s.message.kind]), [[2, Kind.Invoke]]);
});

t.test('a PE that is not the home forwards to its cache, else to the home, without updates', async (t) => {
  const { ctx, lm, coll } = setup(0);
  lm.receive(coll, invoke(coll, [3], 2, 0));
  let sent = ctx.take();
  t.strictSame(sent.map((s) => [s.pe, s.message.kind, (s.message as InvokeMessage).hops]), [[1, Kind.Invoke, 1]], 'to the home, PE 1');
  lm.updateLocation(coll, [3], 3, 1);
  lm.receive(coll, invoke(coll, [3], 2, 1));
  sent = ctx.take();
  t.strictSame(sent.map((s) => s.pe), [3], 'to the cached PE 3');
});

t.test('the home holds calls for an element not inserted yet and delivers them, in order, when it arrives', async (t) => {
  const { ctx, lm, coll, delivered } = setup(1, { dims: null, map: (index) => index[0]! % 4 });
  t.ok(coll.sparse);
  lm.receive(coll, invoke(coll, [5], 0, 1));
  lm.receive(coll, invoke(coll, [5], 0, 0));
  lm.receive(coll, invoke(coll, [5], 2, 0));
  t.strictSame(ctx.take(), [], 'nothing forwarded');
  t.strictSame(delivered, [], 'nothing delivered');
  t.equal(coll.waiting.get('5')?.length, 3, 'held at the home');
  place(lm, coll, ctx, [5]);
  t.strictSame(delivered.map((d) => [d.message.src, d.message.seq]), [[0, 0], [0, 1], [2, 0]], 'delivered on arrival, per-sender order restored');
  t.notOk(coll.waiting.has('5'), 'nothing left waiting');
});

t.test('the home holds calls while an element is on its way here', async (t) => {
  const { ctx, lm, coll, delivered } = setup(2);
  coll.homes.set('4', { index: [4], pe: 2, epoch: 0 }); // homed and expected here, not arrived
  lm.receive(coll, invoke(coll, [4], 0, 0));
  t.strictSame(ctx.take(), []);
  t.strictSame(delivered, []);
  lm.arrived(coll, fakeElement(coll, [4]));
  t.equal(delivered.length, 1);
});

t.test('held calls are forwarded once the home learns the element was placed elsewhere', async (t) => {
  const { ctx, lm, coll } = setup(1, { dims: null, map: (index) => index[0]! % 4 });
  lm.receive(coll, invoke(coll, [9], 0, 0));
  lm.receive(coll, invoke(coll, [9], 3, 0));
  coll.homes.set('9', { index: [9], pe: 2, epoch: 0 });
  lm.flushWaiting(coll, '9');
  const sent = ctx.take();
  t.strictSame(
    sent.map((s) => [s.pe, s.message.kind]),
    [
      [2, Kind.Invoke],
      [0, Kind.LocationUpdate],
      [2, Kind.Invoke],
      [3, Kind.LocationUpdate],
    ],
  );
});

t.test('arrival updates the home entry and drops a stale cache entry', async (t) => {
  const { ctx, lm, coll } = setup(1);
  coll.homes.set('2', { index: [2], pe: 3, epoch: 1 });
  coll.cache.set('2', { pe: 3, epoch: 1 });
  const element = fakeElement(coll, [2]);
  element.epoch = 2;
  lm.arrived(coll, element);
  t.strictSame(coll.homes.get('2'), { index: [2], pe: 1, epoch: 2 }, 'the home now says here, at the element\'s epoch');
  t.notOk(coll.cache.has('2'));
  t.ok(coll.local.has('2'));
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1);
});

t.test('a message forwarded MAX_HOPS times is fatal', async (t) => {
  const { ctx, lm, coll } = setup(0);
  lm.receive(coll, invoke(coll, [3], 2, 0, { hops: MAX_HOPS - 1 }));
  t.equal((ctx.take()[0]!.message as InvokeMessage).hops, MAX_HOPS, 'the last allowed hop');
  lm.receive(coll, invoke(coll, [3], 2, 1, { hops: MAX_HOPS }));
  t.strictSame(ctx.take(), [], 'not forwarded again');
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], new RegExp(`forwarded ${MAX_HOPS} times without reaching it`));
});

t.test('a call to a group member or singleton on the wrong PE is fatal', async (t) => {
  const { ctx, lm, coll } = setup(1, { kind: 'group', dims: [] });
  lm.receive(coll, invoke(coll, [3], 0, -1));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /does not live/);
  t.strictSame(ctx.take(), []);
});

const SERVICES = {} as ChareServices;

/** A PE that can take migrating elements: location manager connected, arrivals recorded. */
function migratingPe(myPe: number, numPes = 4) {
  const ctx = new FakePeContext(myPe, numPes);
  const delivered: { label: string; message: InvokeMessage; obj: object }[] = [];
  const arrivals: { label: string; notify: number }[] = [];
  const lm = new LocationManager(ctx, (element, _coll, message) => delivered.push({ label: element.label, message, obj: element.obj }));
  lm.connect(SERVICES, (_coll, element, notify) => arrivals.push({ label: element.label, notify }));
  const coll = fakeCollection({ numPes });
  return { ctx, lm, coll, delivered, arrivals };
}

t.test('migrateOut packs the element, leaves a forwarding pointer and sends it', async (t) => {
  const { ctx, lm, coll } = migratingPe(1);
  const element = place(lm, coll, ctx, [2]);
  element.obj = { iteration: 7, data: new Float64Array([1, 2]) };
  element.nextSeq.set(0, new NextSequence(5));
  element.redNo.set(coll.id, 3);
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1, 'while the element is here, calls go to this PE');
  lm.migrateOut(coll, element, 3, 0);
  t.notOk(coll.local.has('2'), 'no longer here');
  t.strictSame(coll.homes.get('2'), { index: [2], pe: 3, epoch: 1 }, 'the home (this PE) points to the destination, one epoch later');
  const [sent] = ctx.take();
  t.equal(sent!.pe, 3);
  const message = sent!.message as MigrateMessage;
  t.match(message, { kind: Kind.Migrate, coll: coll.id, index: [2], packed: false, notify: 0, epoch: 1 });
  t.strictSame(message.state, { iteration: 7, data: new Float64Array([1, 2]) }, 'its fields');
  t.match(message.runtime, { nextSeq: [[0, 5]], redNo: [[coll.id, 3]] }, 'and the runtime state that orders its messages');
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 3, 'later calls from here go to the new PE');
  lm.arrived(coll, element);
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1, 'and to this PE again once it is back');
});

t.test('migrateOut from a PE that is not the home leaves a cache pointer', async (t) => {
  const { ctx, lm, coll } = migratingPe(2);
  const element = fakeElement(coll, [0]); // homed on PE 0
  element.obj = {};
  element.epoch = 4;
  lm.arrived(coll, element);
  lm.migrateOut(coll, element, 3, -1);
  t.strictSame(coll.cache.get('0'), { pe: 3, epoch: 5 });
  lm.receive(coll, invoke(coll, [0], 1, 0));
  t.strictSame(ctx.take().map((s) => [s.pe, s.message.kind]), [[3, Kind.Migrate], [3, Kind.Invoke]], 'a late call follows the element');
});

t.test('a call arriving for an element that just left follows it, and is delivered here again once it is back', async (t) => {
  const { ctx, lm, coll, delivered } = migratingPe(2);
  const element = fakeElement(coll, [0]); // homed on PE 0
  element.obj = {};
  lm.arrived(coll, element);
  lm.receive(coll, invoke(coll, [0], 1, 0));
  t.equal(delivered.length, 1, 'delivered while the element is here');
  lm.migrateOut(coll, element, 3, -1);
  ctx.take();
  lm.receive(coll, invoke(coll, [0], 1, 1));
  t.equal(delivered.length, 1, 'not delivered to the element that left');
  t.strictSame(ctx.take().map((s) => [s.pe, s.message.kind]), [[3, Kind.Invoke]], 'forwarded to where it went');
  lm.arrived(coll, element);
  lm.receive(coll, invoke(coll, [0], 1, 1));
  t.strictSame(seqsOf(delivered), [0, 1], 'delivered here again once it is back');
});

t.test('an element that cannot be packed stays where it is', async (t) => {
  const { ctx, lm, coll } = migratingPe(1);
  const element = place(lm, coll, ctx, [2]);
  element.obj = { callback: () => 1 };
  t.throws(() => lm.migrateOut(coll, element, 3, -1), UnserializableError);
  t.ok(coll.local.has('2'), 'still here');
  t.strictSame(coll.homes.get('2'), { index: [2], pe: 1, epoch: 0 });
  t.strictSame(ctx.take(), []);
});

t.test('a chare with pack() travels as what pack() returns', async (t) => {
  const { ctx, lm, coll } = migratingPe(1);
  const element = place(lm, coll, ctx, [3]);
  element.obj = { secret: () => 0, pack: () => ({ compact: [1, 2, 3] }) };
  lm.migrateOut(coll, element, 0, -1);
  t.match(ctx.take()[0]!.message, { kind: Kind.Migrate, packed: true, state: { compact: [1, 2, 3] } });
});

t.test('migrateIn rebuilds the element, registers it, tells its home and the listener', async (t) => {
  const source = migratingPe(1);
  const element = place(source.lm, source.coll, source.ctx, [2]);
  element.obj = { iteration: 7 };
  element.nextSeq.set(0, new NextSequence(2));
  source.lm.migrateOut(source.coll, element, 3, 0);
  const migrate = source.ctx.take()[0]!.message as MigrateMessage;

  const dest = migratingPe(3);
  dest.lm.migrateIn(dest.coll, migrate);
  const arrived = dest.coll.local.get('2');
  t.ok(arrived, 'lives on PE 3 now');
  t.equal(arrived!.epoch, 1);
  t.match(arrived!.obj, { iteration: 7 }, 'fields restored');
  t.ok(arrived!.obj instanceof (dest.coll.info.cls as unknown as new () => object), 'an instance of the chare class');
  t.strictSame(dest.ctx.take().map((s) => [s.pe, s.message]), [[1, { kind: Kind.LocationUpdate, coll: dest.coll.id, index: [2], pe: 3, epoch: 1 }]], 'the home (PE 1) is told');
  t.strictSame(dest.arrivals, [{ label: 'Thing[2]', notify: 0 }]);
  dest.lm.receive(dest.coll, invoke(dest.coll, [2], 0, 1));
  t.strictSame(dest.delivered, [], 'per-sender numbering continues: seq 1 from PE 0 was already delivered before the move');
  dest.lm.receive(dest.coll, invoke(dest.coll, [2], 0, 2));
  t.equal(dest.delivered.length, 1);
  t.match(dest.ctx.warnings[0], /duplicate/);
});

t.test('migrateIn runs the migrated() hook and delivers calls that were held in the record', async (t) => {
  const source = migratingPe(0);
  const element = place(source.lm, source.coll, source.ctx, [1]);
  const hookCalls: string[] = [];
  element.obj = Object.assign(Object.create({ migrated(this: { n: number }) { hookCalls.push(`migrated with n=${this.n}`); } }) as object, { n: 4 });
  source.lm.receive(source.coll, invoke(source.coll, [1], 2, 1)); // early: waits for seq 0
  source.lm.migrateOut(source.coll, element, 2, -1);
  const migrate = source.ctx.take()[0]!.message as MigrateMessage;
  const dest = migratingPe(2);
  dest.coll.info.cls.prototype.migrated = function (this: { n: number }) {
    hookCalls.push(`migrated with n=${this.n}`);
  };
  dest.lm.migrateIn(dest.coll, migrate);
  t.strictSame(hookCalls, ['migrated with n=4'], 'the hook ran on the rebuilt object');
  t.strictSame(dest.delivered, [], 'the held call still waits for seq 0');
  dest.lm.receive(dest.coll, invoke(dest.coll, [1], 2, 0));
  t.strictSame(dest.delivered.map((d) => d.message.seq), [0, 1], 'then both run, in order');
  delete dest.coll.info.cls.prototype.migrated;
});

t.test('a call racing an element back to its home bounces once and is delivered after it lands', async (t) => {
  const home = migratingPe(1);
  const element = place(home.lm, home.coll, home.ctx, [2]);
  element.obj = {};
  home.lm.migrateOut(home.coll, element, 3, -1);
  const out = home.ctx.take()[0]!.message as MigrateMessage;
  const away = migratingPe(3);
  away.lm.migrateIn(away.coll, out);
  away.ctx.take();
  away.lm.migrateOut(away.coll, away.coll.local.get('2')!, 1, -1);
  const back = away.ctx.take()[0]!.message as MigrateMessage;
  // A call reaches the home before the element does: the home still says PE 3.
  home.lm.receive(home.coll, invoke(home.coll, [2], 0, 0));
  const bounced = home.ctx.take();
  t.strictSame(bounced.map((s) => [s.pe, s.message.kind]), [[3, Kind.Invoke], [0, Kind.LocationUpdate]]);
  // PE 3 has the element no more: it follows its forwarding pointer back to PE 1.
  away.lm.receive(away.coll, bounced[0]!.message as InvokeMessage);
  const forwarded = away.ctx.take();
  t.strictSame(forwarded.map((s) => [s.pe, (s.message as InvokeMessage).hops]), [[1, 2]]);
  // Per-pair FIFO: the element (sent 3 -> 1 first) lands before the forwarded call.
  home.lm.migrateIn(home.coll, back);
  t.strictSame(home.coll.homes.get('2'), { index: [2], pe: 1, epoch: 2 });
  t.strictSame(home.ctx.take().filter((s) => s.message.kind === Kind.LocationUpdate), [], 'no update sent to itself');
  home.lm.receive(home.coll, forwarded[0]!.message as InvokeMessage);
  t.equal(home.delivered.length, 1, 'delivered once it is there');
});

/** A tiny deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('simulated job: an element migrating at random gets every sender\'s calls exactly once, in order', async (t) => {
  const PES = 4;
  const PER_SENDER = 40;
  let migrations = 0;
  let maxHops = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const random = rng(seed);
    const delivered: { src: number; seq: number }[] = [];
    const nodes = Array.from({ length: PES }, (_, pe) => {
      const ctx = new FakePeContext(pe, PES);
      const coll = fakeCollection({ numPes: PES });
      const lm = new LocationManager(ctx, (element, _coll, message) => {
        delivered.push({ src: message.src, seq: message.seq });
        (element.obj as { count: number }).count++;
        maxHops = Math.max(maxHops, message.hops);
      });
      lm.connect(SERVICES, () => undefined);
      return { ctx, coll, lm };
    });
    // Per-pair FIFO links, interleaved at random across pairs.
    const links = new Map<string, { to: number; message: InvokeMessage | LocationUpdateMessage | MigrateMessage }[]>();
    const collect = (): void => {
      nodes.forEach((node, from) => {
        for (const { pe, message } of node.ctx.take()) {
          const key = `${from}>${pe}`;
          if (!links.has(key)) links.set(key, []);
          links.get(key)!.push({ to: pe, message: message as InvokeMessage | LocationUpdateMessage | MigrateMessage });
        }
      });
    };
    const deliverOne = (): boolean => {
      const busy = [...links.values()].filter((queue) => queue.length > 0);
      if (busy.length === 0) return false;
      const { to, message } = busy[Math.floor(random() * busy.length)]!.shift()!;
      const node = nodes[to]!;
      if (message.kind === Kind.Invoke) node.lm.receive(node.coll, message);
      else if (message.kind === Kind.LocationUpdate) node.lm.updateLocation(node.coll, message.index, message.pe, message.epoch);
      else node.lm.migrateIn(node.coll, message);
      collect();
      return true;
    };
    // Element [3] is homed on PE 1 and starts there.
    const first = place(nodes[1]!.lm, nodes[1]!.coll, nodes[1]!.ctx, [3]);
    first.obj = { count: 0 };
    const senders = [0, 1, 2, 3];
    const sent = new Map(senders.map((pe) => [pe, 0]));
    let movesThisRun = 0;
    for (let step = 0; step < 20000; step++) {
      const roll = random();
      const pending = senders.filter((pe) => sent.get(pe)! < PER_SENDER);
      if (roll < 0.35 && pending.length > 0) {
        const pe = pending[Math.floor(random() * pending.length)]!;
        nodes[pe]!.lm.send(nodes[pe]!.coll, [3], 0, [], null, null);
        sent.set(pe, sent.get(pe)! + 1);
        collect();
      } else if (roll < 0.37 && movesThisRun < 12) {
        // A dozen moves per run, at random moments: messages chase the element, never in a loop.
        const holder = nodes.findIndex((n) => n.coll.local.has('3'));
        if (holder >= 0) {
          movesThisRun++;
          const dest = (holder + 1 + Math.floor(random() * (PES - 1))) % PES;
          nodes[holder]!.lm.migrateOut(nodes[holder]!.coll, nodes[holder]!.coll.local.get('3')!, dest, -1);
          migrations++;
          collect();
        }
      } else if (!deliverOne() && pending.length === 0) {
        break;
      }
    }
    while (deliverOne());
    for (const src of senders) {
      const seqs = delivered.filter((d) => d.src === src).map((d) => d.seq);
      if (seqs.length !== PER_SENDER || seqs.some((s, i) => s !== i)) {
        const where = nodes.map((n, pe) => `PE ${pe}: local=${n.coll.local.has('3')} home=${JSON.stringify(n.coll.homes.get('3') ?? null)} cache=${JSON.stringify(n.coll.cache.get('3') ?? null)} waiting=${n.coll.waiting.get('3')?.length ?? 0} early=${JSON.stringify([...(n.coll.local.get('3')?.early ?? new Map())].map(([k, v]) => [k, [...v.keys()]]))} next=${JSON.stringify([...(n.coll.local.get('3')?.nextSeq ?? new Map())].map(([src, counter]) => [src, counter.next]))} fatals=${n.ctx.fatals.join('|')}`);
        t.fail(`seed ${seed}: PE ${src}'s calls arrived as [${seqs.join(',')}]\n${where.join('\n')}`);
        return;
      }
    }
    const holder = nodes.find((n) => n.coll.local.has('3'));
    if (holder === undefined || (holder.coll.local.get('3')!.obj as { count: number }).count !== PER_SENDER * senders.length) {
      t.fail(`seed ${seed}: the element's own state did not travel with it`);
      return;
    }
    const problems = nodes.flatMap((n) => [...n.ctx.fatals, ...n.ctx.warnings]);
    if (problems.length > 0) {
      t.fail(`seed ${seed}: ${problems.join('; ')}`);
      return;
    }
  }
  t.ok(migrations > 200, `${migrations} migrations happened`);
  t.ok(maxHops <= 2 * 12 + 2, `forwarding stayed bounded by the number of moves (at most ${maxHops} hops)`);
  t.pass('40 random schedules: exactly once, in order, per sender, state intact');
});
