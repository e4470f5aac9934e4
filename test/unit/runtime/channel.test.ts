/** Tests channels (src/runtime/channel.ts): ChannelInbox restores send order from sequence numbers, Channel numbers what it sends and receives through its owner's inbox. */
import t from 'tap';
import { BadStateError } from '../../../src/errors.js';
import { Channel, ChannelInbox, chareKey, inboxOf, type ChannelTransport } from '../../../src/runtime/channel.js';
import type { Index } from '../../../src/runtime/index-space.js';
import { fakeCollection, fakeElement, withTimeout } from './fakes.js';

/** Receives `n` values from the inbox. */
async function receive(inbox: ChannelInbox, n: number): Promise<unknown[]> {
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) values.push(await withTimeout(inbox.recv(), `value ${i}`, 1000));
  return values;
}

t.test('values pushed in order are received in order', async (t) => {
  const inbox = new ChannelInbox();
  inbox.push(0, 'a');
  inbox.push(1, 'b');
  t.strictSame(await receive(inbox, 2), ['a', 'b']);
});

t.test('out-of-order arrivals are reordered by sequence number', async (t) => {
  const inbox = new ChannelInbox();
  for (const seq of [3, 1, 4, 0, 2]) inbox.push(seq, `v${seq}`);
  t.strictSame(await receive(inbox, 5), ['v0', 'v1', 'v2', 'v3', 'v4']);
});

t.test('a value held for a gap is not received before the gap is filled', async (t) => {
  const inbox = new ChannelInbox();
  inbox.push(1, 'second');
  let got: unknown = 'nothing';
  void inbox.recv().then((v) => (got = v));
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(got, 'nothing', 'waiting for sequence 0');
  inbox.push(0, 'first');
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(got, 'first');
  t.equal(await withTimeout(inbox.recv(), 'the second'), 'second');
});

t.test('receivers waiting before the values arrive are served first come first served', async (t) => {
  const inbox = new ChannelInbox();
  const first = inbox.recv();
  const second = inbox.recv();
  inbox.push(1, 'y');
  inbox.push(0, 'x');
  t.strictSame(await withTimeout(Promise.all([first, second]), 'both'), ['x', 'y']);
});

t.test('falsy values travel', async (t) => {
  const inbox = new ChannelInbox();
  [0, undefined, null, false, ''].forEach((v, i) => inbox.push(i, v));
  t.strictSame(await receive(inbox, 5), [0, undefined, null, false, '']);
});

t.test('chareKey and inboxOf: one inbox per peer and port, created on first use', async (t) => {
  t.equal(chareKey(3, [1, 2]), '3:1,2');
  t.equal(chareKey(0, []), '0:');
  const coll = fakeCollection({ numPes: 2 });
  const owner = fakeElement(coll, [0]);
  const a = inboxOf(owner, '5:1', 0);
  t.equal(inboxOf(owner, '5:1', 0), a, 'the same inbox again');
  t.not(inboxOf(owner, '5:1', 1), a, 'another port');
  t.not(inboxOf(owner, '5:2', 0), a, 'another peer');
  t.equal(owner.channels.size, 3);
});

t.test('Channel numbers what it sends and names its owner as the sender', async (t) => {
  const sent: [number, Index, string, number, number, unknown][] = [];
  const transport: ChannelTransport = { sendToPeer: (...args) => void sent.push(args) };
  const coll = fakeCollection({ numPes: 2, id: 4 });
  const owner = fakeElement(coll, [1]);
  owner.obj = {};
  const channel = new Channel<string>(owner, 4, 9, [2, 3], 7, transport);
  channel.send('a');
  channel.send('b');
  t.strictSame(sent, [
    [9, [2, 3], '4:1', 7, 0, 'a'],
    [9, [2, 3], '4:1', 7, 1, 'b'],
  ]);
  const again = new Channel<string>(owner, 4, 9, [2, 3], 7, transport);
  again.send('c');
  t.equal(sent[2]![4], 2, 'a second Channel object on the same peer and port continues the numbering');
});

t.test('Channel.recv reads the inbox for values from its peer', async (t) => {
  const transport: ChannelTransport = { sendToPeer: () => undefined };
  const coll = fakeCollection({ numPes: 2, id: 4 });
  const owner = fakeElement(coll, [1]);
  owner.obj = {};
  const channel = new Channel<number>(owner, 4, 9, [2], 0, transport);
  const inbox = inboxOf(owner, chareKey(9, [2]), 0);
  inbox.push(1, 20);
  inbox.push(0, 10);
  t.equal(await withTimeout(channel.recv(), 'first'), 10);
  t.equal(await withTimeout(channel.recv(), 'second'), 20);
});

t.test('Channel.recv before the owning chare exists is a BadStateError', async (t) => {
  const coll = fakeCollection({ numPes: 2 });
  const owner = fakeElement(coll, [0]);
  const channel = new Channel(owner, 7, 7, [1], 0, { sendToPeer: () => undefined });
  t.throws(() => channel.recv(), BadStateError);
});
