/** Tests LocationManager (src/runtime/location-manager.ts) against a recording PeContext: routing, per-sender ordering, duplicates, forwarding through the home, buffering and the hop limit. */
import t from 'tap';
import type { Collection } from '../../../src/runtime/collection.js';
import type { ElementRecord } from '../../../src/runtime/element.js';
import type { Index } from '../../../src/runtime/index-space.js';
import { LocationManager, MAX_HOPS } from '../../../src/runtime/location-manager.js';
import { Kind, type InvokeMessage, type LocationUpdateMessage } from '../../../src/runtime/message.js';
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
  if (coll.spec.kind === 'array' && coll.homeOf(index) === ctx.myPe) coll.homes.set(coll.key(index), { index, pe: ctx.myPe });
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
  lm.updateLocation(coll, [5], 3);
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 3, 'after a location update: straight to PE 3');
  lm.updateLocation(coll, [5], 0);
  t.notOk(coll.cache.has('5'), 'an update naming this PE clears the cache entry');
  lm.send(coll, [5], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 2, 'back to the home');
});

t.test('the home routes by its home table', async (t) => {
  const { ctx, lm, coll } = setup(2);
  coll.homes.set('4', { index: [4], pe: 3 });
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
  coll.homes.set('3', { index: [3], pe: 2 }); // [3] is homed here but lives on PE 2
  const message = invoke(coll, [3], 0, 4, { hops: 1 });
  lm.receive(coll, message);
  const sent = ctx.take();
  t.equal(sent.length, 2);
  t.equal(sent[0]!.pe, 2, 'forwarded to PE 2');
  t.strictSame(sent[0]!.message, { ...message, hops: 2 }, 'unchanged but for one more hop');
  t.equal(sent[1]!.pe, 0, 'the location update goes to the original sender');
  t.strictSame(sent[1]!.message, { kind: Kind.LocationUpdate, coll: coll.id, index: [3], pe: 2 } satisfies LocationUpdateMessage);
  t.strictSame(delivered, []);
});

t.test('no location update when the original sender is the home itself', async (t) => {
  const { ctx, lm, coll } = setup(1);
  coll.homes.set('3', { index: [3], pe: 2 });
  lm.receive(coll, invoke(coll, [3], 1, 0));
  t.strictSame(ctx.take().map((s) => [s.pe, s.message.kind]), [[2, Kind.Invoke]]);
});

t.test('a PE that is not the home forwards to its cache, else to the home, without updates', async (t) => {
  const { ctx, lm, coll } = setup(0);
  lm.receive(coll, invoke(coll, [3], 2, 0));
  let sent = ctx.take();
  t.strictSame(sent.map((s) => [s.pe, s.message.kind, (s.message as InvokeMessage).hops]), [[1, Kind.Invoke, 1]], 'to the home, PE 1');
  lm.updateLocation(coll, [3], 3);
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
  coll.homes.set('4', { index: [4], pe: 2 }); // homed and expected here, not arrived
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
  coll.homes.set('9', { index: [9], pe: 2 });
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
  coll.homes.set('2', { index: [2], pe: 3 });
  coll.cache.set('2', 3);
  lm.arrived(coll, fakeElement(coll, [2]));
  t.equal(coll.homes.get('2')!.pe, 1, 'the home now says here');
  t.notOk(coll.cache.has('2'));
  t.ok(coll.local.has('2'));
  lm.send(coll, [2], 0, [], null, null);
  t.equal(ctx.take()[0]!.pe, 1);
});

t.test('a message forwarded MAX_HOPS times is a fatal routing loop', async (t) => {
  const { ctx, lm, coll } = setup(0);
  lm.receive(coll, invoke(coll, [3], 2, 0, { hops: MAX_HOPS - 1 }));
  t.equal((ctx.take()[0]!.message as InvokeMessage).hops, MAX_HOPS, 'the last allowed hop');
  lm.receive(coll, invoke(coll, [3], 2, 1, { hops: MAX_HOPS }));
  t.strictSame(ctx.take(), [], 'not forwarded again');
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /forwarded 64 times \(routing loop\)/);
});

t.test('a call to a group member or singleton on the wrong PE is fatal', async (t) => {
  const { ctx, lm, coll } = setup(1, { kind: 'group', dims: [] });
  lm.receive(coll, invoke(coll, [3], 0, -1));
  t.equal(ctx.fatals.length, 1);
  t.match(ctx.fatals[0], /does not live/);
  t.strictSame(ctx.take(), []);
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

t.test('simulated job: a migrating element receives every sender\'s calls exactly once, in order', async (t) => {
  const PES = 4;
  const PER_SENDER = 40;
  for (let seed = 1; seed <= 40; seed++) {
    const random = rng(seed);
    const delivered: { pe: number; src: number; seq: number }[] = [];
    const nodes = Array.from({ length: PES }, (_, pe) => {
      const ctx = new FakePeContext(pe, PES);
      const coll = fakeCollection({ numPes: PES });
      const lm = new LocationManager(ctx, (_element, _coll, message) => delivered.push({ pe, src: message.src, seq: message.seq }));
      return { ctx, coll, lm };
    });
    // Per-pair FIFO links, interleaved at random across pairs.
    const links = new Map<string, { to: number; message: InvokeMessage | LocationUpdateMessage }[]>();
    const collect = (): void => {
      nodes.forEach((node, from) => {
        for (const { pe, message } of node.ctx.take()) {
          const key = `${from}>${pe}`;
          if (!links.has(key)) links.set(key, []);
          links.get(key)!.push({ to: pe, message: message as InvokeMessage | LocationUpdateMessage });
        }
      });
    };
    const deliverOne = (): boolean => {
      const busy = [...links.values()].filter((queue) => queue.length > 0);
      if (busy.length === 0) return false;
      const { to, message } = busy[Math.floor(random() * busy.length)]!.shift()!;
      const node = nodes[to]!;
      if (message.kind === Kind.Invoke) node.lm.receive(node.coll, message);
      else node.lm.updateLocation(node.coll, message.index, message.pe);
      collect();
      return true;
    };
    // Element [3] is homed on PE 1 and starts there.
    const home = nodes[1]!;
    const element = place(home.lm, home.coll, home.ctx, [3]);
    const senders = [0, 2, 3];
    const sent = new Map(senders.map((pe) => [pe, 0]));
    let phase: 'before' | 'flying' | 'landed' = 'before';
    let steps = 0;
    while (steps++ < 10000) {
      const roll = random();
      const pending = senders.filter((pe) => sent.get(pe)! < PER_SENDER);
      if (roll < 0.4 && pending.length > 0) {
        const pe = pending[Math.floor(random() * pending.length)]!;
        nodes[pe]!.lm.send(nodes[pe]!.coll, [3], 0, [], null, null);
        sent.set(pe, sent.get(pe)! + 1);
        collect();
      } else if (phase === 'before' && roll < 0.45) {
        // Leave PE 1: the home keeps saying "here" until the element lands.
        home.coll.local.delete('3');
        phase = 'flying';
      } else if (phase === 'flying' && roll < 0.5) {
        // Land on PE 2 (the record carries its ordering state) and update the home.
        nodes[2]!.lm.arrived(nodes[2]!.coll, element);
        home.coll.homes.get('3')!.pe = 2;
        home.lm.flushWaiting(home.coll, '3');
        collect();
        phase = 'landed';
      } else if (!deliverOne() && pending.length === 0 && phase !== 'flying') {
        break;
      }
    }
    if (phase === 'before') {
      home.coll.local.delete('3');
      phase = 'flying';
    }
    if (phase === 'flying') {
      nodes[2]!.lm.arrived(nodes[2]!.coll, element);
      home.coll.homes.get('3')!.pe = 2;
      home.lm.flushWaiting(home.coll, '3');
      collect();
    }
    while (deliverOne());
    for (const src of senders) {
      const seqs = delivered.filter((d) => d.src === src).map((d) => d.seq);
      if (seqs.length !== PER_SENDER || seqs.some((s, i) => s !== i)) {
        t.fail(`seed ${seed}: PE ${src}'s calls arrived as [${seqs.join(',')}]`);
        return;
      }
    }
    const fatals = nodes.flatMap((n) => n.ctx.fatals);
    const warnings = nodes.flatMap((n) => n.ctx.warnings);
    if (fatals.length > 0 || warnings.length > 0) {
      t.fail(`seed ${seed}: ${[...fatals, ...warnings].join('; ')}`);
      return;
    }
  }
  t.pass('40 random schedules: exactly once, in order, per sender');
});
