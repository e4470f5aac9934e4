/** Tests Broadcaster (src/runtime/broadcaster.ts) over simulated PEs: every member of a collection or section receives a broadcast exactly once, wherever it lives. */
import t from 'tap';
import type { ChareServices } from '../../../src/chares/chare-services.js';
import { Broadcaster } from '../../../src/runtime/broadcaster.js';
import type { Delivery, EntryDispatcher } from '../../../src/runtime/entry-dispatcher.js';
import { LocationManager } from '../../../src/runtime/location-manager.js';
import { Kind, type BroadcastMessage, type Message, type SectionAddress, type SectionCreateMessage } from '../../../src/runtime/message.js';
import { ReductionManager } from '../../../src/runtime/reduction-manager.js';
import { SectionManager } from '../../../src/runtime/section-manager.js';
import { FakePeContext, fakeCollection, fakeElement } from './fakes.js';

interface Received {
  readonly pe: number;
  readonly label: string;
  readonly delivery: Delivery;
}

/** `numPes` simulated PEs sharing one collection spec; elements created at their homes. */
function job(numPes: number, spec: { kind?: 'array' | 'group' | 'chare'; dims?: readonly number[]; pe?: number }) {
  const received: Received[] = [];
  const nodes = Array.from({ length: numPes }, (_, pe) => {
    const ctx = new FakePeContext(pe, numPes);
    const coll = fakeCollection({ numPes, ...spec, dims: spec.dims ?? (spec.kind === 'array' || spec.kind === undefined ? [10] : []) });
    const dispatcher = {
      deliver: (element, _coll, delivery) => void received.push({ pe, label: element.label, delivery }),
    } as Pick<EntryDispatcher, 'deliver'> as EntryDispatcher;
    const location = new LocationManager(ctx, (element, c, message) => dispatcher.deliver(element, c, { ep: message.ep, args: message.args, reply: message.reply, ack: message.ack }));
    location.connect({} as ChareServices, () => undefined);
    const reductions = new ReductionManager(ctx, () => undefined, { deliver: () => undefined });
    const sections = new SectionManager(ctx, reductions);
    const broadcaster = new Broadcaster(ctx, sections, location, dispatcher);
    for (const index of coll.indicesHomedOn(pe)) {
      if (coll.spec.kind === 'array') coll.homes.set(coll.key(index), { index, pe, epoch: 0 });
      const element = fakeElement(coll, index);
      element.obj = {};
      location.arrived(coll, element);
    }
    return { ctx, coll, location, sections, broadcaster };
  });
  /** Delivers every message in flight until none is left. */
  const run = (): void => {
    for (let rounds = 0; rounds < 1000; rounds++) {
      const inFlight = nodes.flatMap((node) => node.ctx.take());
      if (inFlight.length === 0) return;
      for (const { pe, message } of inFlight) handle(pe, message);
    }
    throw new Error('messages kept flowing');
  };
  const handle = (pe: number, message: Message): void => {
    const node = nodes[pe]!;
    switch (message.kind) {
      case Kind.Broadcast:
        node.broadcaster.receive(node.coll, message);
        return;
      case Kind.Invoke:
        node.location.receive(node.coll, message);
        return;
      case Kind.LocationUpdate:
        node.location.updateLocation(node.coll, message.index, message.pe, message.epoch);
        return;
      case Kind.Migrate:
        node.location.migrateIn(node.coll, message);
        return;
      case Kind.SectionCreate:
        node.sections.receiveCreate(message as SectionCreateMessage, (held) => node.broadcaster.receive(node.coll, held));
        return;
      default:
        throw new Error(`unexpected kind ${message.kind}`);
    }
  };
  return { nodes, received, run, handle };
}

function labels(received: readonly Received[]): string[] {
  return received.map((r) => r.label).sort();
}

t.test('a broadcast to an array reaches every element exactly once, from any root', async (t) => {
  for (const numPes of [1, 2, 3, 7]) {
    for (let root = 0; root < numPes; root++) {
      const { nodes, received, run } = job(numPes, { dims: [10] });
      nodes[root]!.broadcaster.start(nodes[root]!.coll, null, 0, ['hello'], null);
      run();
      t.strictSame(labels(received), Array.from({ length: 10 }, (_, i) => `Thing[${i}]`).sort(), `P=${numPes} root=${root}`);
      if (received.some((r) => r.delivery.args[0] !== 'hello')) t.fail('arguments lost');
    }
  }
});

t.test('every PE receives the broadcast message once (tree, not flooding)', async (t) => {
  const { nodes, received, run, handle } = job(9, { dims: [18] });
  let copies = 0;
  nodes[4]!.broadcaster.start(nodes[4]!.coll, null, 0, [], null);
  for (let rounds = 0; rounds < 20; rounds++) {
    const inFlight = nodes.flatMap((node) => node.ctx.take());
    if (inFlight.length === 0) break;
    for (const { pe, message } of inFlight) {
      if (message.kind === Kind.Broadcast) copies++;
      handle(pe, message);
    }
  }
  run();
  t.equal(copies, 8, 'one copy to each PE but the root');
  t.equal(received.length, 18);
});

t.test('a broadcast to a group reaches each PE\'s member once', async (t) => {
  const { nodes, received, run } = job(5, { kind: 'group' });
  nodes[2]!.broadcaster.start(nodes[2]!.coll, null, 1, [], null);
  run();
  t.strictSame(received.map((r) => [r.pe, r.label]).sort(), [0, 1, 2, 3, 4].map((pe) => [pe, `Thing[${pe}]`]));
});

t.test('a broadcast to a singleton chare reaches it once', async (t) => {
  const { nodes, received, run } = job(4, { kind: 'chare', pe: 3 });
  nodes[1]!.broadcaster.start(nodes[1]!.coll, null, 0, [], null);
  run();
  t.strictSame(received.map((r) => [r.pe, r.label]), [[3, 'Thing']]);
});

t.test('elements that migrated away from their home still get the broadcast once, through the home', async (t) => {
  const { nodes, received, run } = job(4, { dims: [8] });
  // Move [0] (home 0) to PE 3 and [5] (home 2) to PE 0.
  nodes[0]!.location.migrateOut(nodes[0]!.coll, nodes[0]!.coll.local.get('0')!, 3, -1);
  nodes[2]!.location.migrateOut(nodes[2]!.coll, nodes[2]!.coll.local.get('5')!, 0, -1);
  run();
  t.ok(nodes[3]!.coll.local.has('0') && nodes[0]!.coll.local.has('5'), 'moved');
  nodes[1]!.broadcaster.start(nodes[1]!.coll, null, 0, [], null);
  run();
  t.strictSame(labels(received), Array.from({ length: 8 }, (_, i) => `Thing[${i}]`).sort(), 'each exactly once');
  t.equal(received.find((r) => r.label === 'Thing[0]')!.pe, 3, '[0] got it where it lives');
  t.equal(received.find((r) => r.label === 'Thing[5]')!.pe, 0);
});

t.test('a section broadcast reaches its members only, once each', async (t) => {
  const { nodes, received, run } = job(4, { dims: [8] });
  const address: SectionAddress = nodes[2]!.sections.create(nodes[2]!.coll, [1, 4, 6, 7]);
  run();
  nodes[0]!.broadcaster.start(nodes[0]!.coll, address, 0, ['s'], null);
  run();
  t.strictSame(labels(received), ['Thing[1]', 'Thing[4]', 'Thing[6]', 'Thing[7]']);
});

t.test('a section broadcast that overtakes the section\'s creation waits for it', async (t) => {
  const { nodes, received, run, handle } = job(4, { dims: [8] });
  const address = nodes[0]!.sections.create(nodes[0]!.coll, [2, 3, 6]);
  const creations = nodes[0]!.ctx.take();
  nodes[0]!.broadcaster.start(nodes[0]!.coll, address, 0, [], null);
  // Deliver the broadcast copies first, then the creations.
  for (let rounds = 0; rounds < 5; rounds++) {
    const inFlight = nodes.flatMap((node) => node.ctx.take());
    for (const { pe, message } of inFlight) handle(pe, message);
  }
  t.strictSame(received, [], 'held: the section is unknown there');
  for (const { pe, message } of creations) handle(pe, message);
  run();
  t.strictSame(labels(received), ['Thing[2]', 'Thing[3]', 'Thing[6]']);
});

t.test('the acknowledgement request travels with every delivery', async (t) => {
  const { nodes, received, run } = job(3, { dims: [3] });
  const ack = { scope: 7, tag: 'a0.0', pe: 0, id: 2 };
  nodes[0]!.broadcaster.start(nodes[0]!.coll, null, 0, [], ack);
  run();
  t.equal(received.length, 3);
  t.ok(received.every((r) => r.delivery.ack !== null && r.delivery.ack.id === 2 && r.delivery.reply === null));
});

t.test('a broadcast started on a non-root PE of a section goes to the section root first', async (t) => {
  const { nodes } = job(4, { dims: [8] });
  const address = nodes[3]!.sections.create(nodes[3]!.coll, [0]);
  nodes[3]!.ctx.take();
  nodes[1]!.broadcaster.start(nodes[1]!.coll, address, 2, ['x'], null);
  const [sent] = nodes[1]!.ctx.take();
  t.equal(sent!.pe, 3);
  t.match(sent!.message as BroadcastMessage, { kind: Kind.Broadcast, section: address.id, root: 3, ep: 2, args: ['x'] });
});
