/** Tests MessageRouter (src/runtime/router.ts): local messages through the queue, remote ones encoded to the right transport, quiescence counting, failures. */
import t from 'tap';
import { Codec } from '../../../src/runtime/codec.js';
import { Kind, type Message } from '../../../src/runtime/message.js';
import type { MessageCounts } from '../../../src/runtime/quiescence.js';
import { MessageRouter } from '../../../src/runtime/router.js';
import { Scheduler } from '../../../src/runtime/scheduler.js';
import type { Frame, Transport } from '../../../src/transport/transport.js';
import { waitFor } from './fakes.js';

/** A transport that records frames per destination. */
function recordingTransport(name: string): Transport & { sent: { pe: number; frame: Frame }[] } {
  const sent: { pe: number; frame: Frame }[] = [];
  return {
    name,
    sent,
    listen: async () => 'addr',
    connect: async () => undefined,
    send: (pe, frame) => void sent.push({ pe, frame }),
    close: async () => undefined,
  };
}

function setup(myPe = 1, numPes = 3) {
  const handled: Message[] = [];
  const scheduler = new Scheduler<Message>((m) => handled.push(m));
  const codec = new Codec({ resolve: () => { throw new Error('no refs in these tests'); } });
  const counts: MessageCounts = { created: 0, processed: 0 };
  const failures: string[] = [];
  const warnings: string[] = [];
  const router = new MessageRouter(myPe, numPes, scheduler, codec, counts, { fatal: (m) => void failures.push(m), warn: (m) => void warnings.push(m) });
  return { router, scheduler, codec, counts, handled, failures, warnings };
}

const VALUE: Message = { kind: Kind.FutureValue, id: 3, ok: true, value: { x: new Float64Array([1, 2]) } };
const PROBE: Message = { kind: Kind.Quiescence, purpose: 'qd', phase: 'probe', wave: 1, created: 0, processed: 0, awaited: 0, timers: 0, notes: [], future: null };

t.test('it is the PeContext of its PE', async (t) => {
  const { router } = setup(2, 5);
  t.equal(router.myPe, 2);
  t.equal(router.numPes, 5);
});

t.test('a message to this PE goes through the local queue, as the same object, never encoded', async (t) => {
  const { router, handled } = setup();
  const a = recordingTransport('a');
  router.setTransports([a, undefined, a]);
  router.send(1, VALUE);
  t.strictSame(handled, [], 'asynchronously');
  await waitFor(() => handled.length === 1, 'the local message');
  t.equal(handled[0], VALUE, 'the same object');
  t.strictSame(a.sent, [], 'no transport involved');
});

t.test('a message to another PE is encoded and sent on that PE\'s transport', async (t) => {
  const { router, codec } = setup();
  const a = recordingTransport('a');
  const b = recordingTransport('b');
  router.setTransports([a, undefined, b]);
  router.send(2, VALUE);
  router.send(0, PROBE);
  t.equal(b.sent.length, 1);
  t.equal(b.sent[0]!.pe, 2);
  const decoded = codec.decode(b.sent[0]!.frame);
  t.equal(decoded.kind, Kind.FutureValue);
  t.strictSame(Array.from(((decoded as { value: { x: Float64Array } }).value.x)), [1, 2], 'typed arrays travel as segments');
  t.equal(b.sent[0]!.frame.segments.length, 1);
  t.equal(a.sent.length, 1);
  t.equal(a.sent[0]!.pe, 0);
});

t.test('while a frame is lent, messages carry copies of its arrays, to this PE and to others', async (t) => {
  const { router, handled } = setup();
  const released: Frame[] = [];
  const a = { ...recordingTransport('a'), release: (frame: Frame) => void released.push(frame) };
  const b = recordingTransport('b');
  router.setTransports([a, undefined, b]);
  const segment = new Float64Array([4, 5]);
  const received = { from: 0, frame: { header: new Uint8Array(8), segments: [new Uint8Array(segment.buffer)] } };
  router.lent.lend(received);
  const message: Message = { kind: Kind.FutureValue, id: 1, ok: true, value: [segment] };
  router.send(1, message);
  router.send(2, message);
  router.lent.settle(received);
  t.strictSame(released, [received.frame], 'settling hands the frame back to the transport that delivered it');
  t.not(b.sent[0]!.frame.segments[0]!.buffer, segment.buffer, 'the remote frame does not alias the lent memory');
  await waitFor(() => handled.length === 1, 'the local message');
  const local = (handled[0] as { value: Float64Array[] }).value[0]!;
  t.not(local.buffer, segment.buffer, 'the local message holds a copy');
  t.strictSame([...local], [4, 5]);
  t.equal(message.value, (message as { value: unknown[] }).value, 'the sent message itself is left alone');
  t.equal((message as { value: Float64Array[] }).value[0], segment);
});

t.test('created messages are counted for quiescence, quiescence messages are not', async (t) => {
  const { router, counts } = setup();
  const a = recordingTransport('a');
  router.setTransports([a, undefined, a]);
  router.send(0, VALUE);
  router.send(1, VALUE);
  router.send(2, PROBE);
  router.send(1, PROBE);
  t.equal(counts.created, 2);
  t.equal(counts.processed, 0, 'processing is counted by the handler, not the router');
});

t.test('a PE without a transport is a fatal error naming it', async (t) => {
  const { router, failures } = setup(0, 2);
  router.setTransports([undefined]);
  router.send(1, VALUE);
  router.send(5, VALUE);
  t.equal(failures.length, 2);
  t.match(failures[0], /PE 0 has no transport to PE 1/);
  t.match(failures[1], /PE 0 has no transport to PE 5 \(this job has PEs 0\.\.1\)/);
});

t.test('fatal and warn go to the failure handler', async (t) => {
  const { router, failures, warnings } = setup();
  router.fatal('boom');
  router.warn('hmm');
  t.strictSame(failures, ['boom']);
  t.strictSame(warnings, ['hmm']);
});

t.test('while a frame is lent, a call carries copies of lent arguments and keeps its other fields', async (t) => {
  const { router, handled } = setup();
  const b = recordingTransport('b');
  router.setTransports([recordingTransport('a'), undefined, b]);
  const segment = new Uint8Array([1, 2, 3]);
  const received = { from: 0, frame: { header: new Uint8Array(8), segments: [segment] } };
  router.lent.lend(received);
  const own = new Uint8Array([9]);
  const call: Message = { kind: Kind.Invoke, coll: 3, index: [1], ep: 2, args: [segment, own, 7], src: 1, seq: 4, reply: null, ack: null, hops: 0 };
  router.send(1, call);
  const untouched: Message = { ...call, args: [own, 7] };
  router.send(1, untouched);
  router.lent.settle(received);
  await waitFor(() => handled.length === 2, 'the local messages');
  const copied = handled[0] as typeof call;
  t.not(copied, call, 'a call holding a lent argument is sent as a new message');
  t.not((copied.args[0] as Uint8Array).buffer, segment.buffer, 'the lent argument is a copy');
  t.strictSame([...(copied.args[0] as Uint8Array)], [1, 2, 3]);
  t.equal(copied.args[1], own, 'arguments that are not lent are shared');
  t.strictSame({ ...copied, args: null }, { ...call, args: null }, 'every other field as sent');
  t.equal(handled[1], untouched, 'a call without lent arguments is sent as it is');
  t.equal(call.args[0], segment, 'the sent call itself is left alone');
});
