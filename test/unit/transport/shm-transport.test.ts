/**
 * ShmTransport on one thread (each PE's transport is still used by one thread only, which is
 * all a ring needs): backlogs, per-sender order, poll's count, arm and wake, disarm, close and
 * lost peers, re-entrancy, a corrupt ring, and misuse.
 */
import t from 'tap';
import { BadPeError, BadStateError } from '../../../src/errors.js';
import { attachShmRegion, createShmRegion, ShmTransport, type ShmTransportOptions } from '../../../src/transport/shm/index.js';
import type { Frame, TransportEvents } from '../../../src/transport/transport.js';

interface Recorded {
  frames: { from: number; frame: Frame }[];
  lost: { pe: number; reason: string }[];
  errors: string[];
}

function frameOf(id: number, size: number): Frame {
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, id, true);
  const segment = new Uint8Array(size);
  for (let i = 0; i < size; i++) segment[i] = (id + i) & 0xff;
  return { header, segments: size > 0 ? [segment] : [] };
}

function isFrameOf(frame: Frame, id: number, size: number): boolean {
  if (new DataView(frame.header.buffer, frame.header.byteOffset, 8).getUint32(0, true) !== id) return false;
  if (size === 0) return frame.segments.length === 0;
  const segment = frame.segments[0]!;
  if (segment.byteLength !== size) return false;
  for (let i = 0; i < size; i++) if (segment[i] !== ((id + i) & 0xff)) return false;
  return true;
}

/** `count` transports of one region, all on this thread. */
function setup(count: number, ringBytes = 1 << 16, onFrame?: (pe: number, from: number, frame: Frame) => void, options: ShmTransportOptions = {}) {
  const description = createShmRegion({ firstPe: 10, count, ringBytes });
  const recorded: Recorded[] = [];
  const transports: ShmTransport[] = [];
  for (let i = 0; i < count; i++) {
    const r: Recorded = { frames: [], lost: [], errors: [] };
    const events: TransportEvents = {
      onFrame: (from, frame) => (onFrame ? onFrame(10 + i, from, frame) : r.frames.push({ from, frame })),
      onPeerLost: (pe, reason) => r.lost.push({ pe, reason }),
      onProtocolError: (reason) => r.errors.push(reason),
    };
    recorded.push(r);
    transports.push(new ShmTransport({ pe: 10 + i, numPes: 20, secret: 's', listenHost: '', events }, attachShmRegion(description), options));
  }
  return { transports, recorded };
}

/** Polls every transport until `done` or `limit` rounds. */
function pump(transports: ShmTransport[], done: () => boolean, limit = 1e6): void {
  for (let i = 0; i < limit && !done(); i++) for (const transport of transports) transport.poll();
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

t.test('listen, connect, and misuse', async (t) => {
  const { transports } = setup(3);
  const [a] = transports;
  t.match(await a!.listen(), /^shm:[0-9a-f]+:10$/);
  await a!.connect(new Map([[11, 'x'], [12, 'y']]));
  await t.rejects(a!.connect(new Map([[13, 'z']])), BadPeError, 'a PE outside the region');
  await t.rejects(a!.connect(new Map([[10, 'z']])), BadPeError, 'itself');
  t.same(a!.peers, [11, 12]);
  t.ok(a!.serves(11) && a!.serves(12) && !a!.serves(10) && !a!.serves(13) && !a!.serves(9));
  t.throws(() => a!.send(10, frameOf(0, 0)), BadPeError);
  t.throws(() => a!.send(9, frameOf(0, 0)), BadPeError);
  t.throws(() => a!.send(11, { header: new Uint8Array(1), segments: new Array(5000).fill(new Uint8Array(1)) }), RangeError);
  t.throws(() => new ShmTransport({ pe: 3, numPes: 20, secret: '', listenHost: '', events: null! }, attachShmRegion(createShmRegion({ firstPe: 0, count: 2 }))), BadPeError);
  for (const transport of transports) await transport.close();
  t.throws(() => a!.send(11, frameOf(0, 0)), BadStateError);
  await t.rejects(a!.listen(), BadStateError);
  t.equal(a!.poll(), 0);
});

t.test('a full ring backlogs; poll flushes; per-sender order holds with large and small interleaved', async (t) => {
  const { transports, recorded } = setup(3);
  const [a, b, c] = transports;
  const size = (i: number): number => (i % 10 === 3 ? 300_000 : i % 2 === 0 ? 0 : 1 + (i % 200));
  const count = 120;
  for (let i = 0; i < count; i++) {
    a!.send(11, frameOf(i, size(i)));
    c!.send(11, frameOf(1000 + i, size(i)));
  }
  t.ok(a!.backlogFrames > 0, `${a!.backlogFrames} frames wait in a's backlog`);
  pump(transports, () => recorded[1]!.frames.length === 2 * count);
  t.equal(a!.backlogFrames + c!.backlogFrames, 0, 'backlogs flushed');
  const fromA = recorded[1]!.frames.filter((f) => f.from === 10).map((f) => f.frame);
  const fromC = recorded[1]!.frames.filter((f) => f.from === 12).map((f) => f.frame);
  t.equal(fromA.length, count);
  t.ok(fromA.every((f, i) => isFrameOf(f, i, size(i))), 'frames from PE 10 intact and in order');
  t.ok(fromC.every((f, i) => isFrameOf(f, 1000 + i, size(i))), 'frames from PE 12 intact and in order');
  void b;
  for (const transport of transports) await transport.close();
});

t.test('lent headers: small frames without segments arrive intact and in order in reused memory; the others get memory of their own', async (t) => {
  const lent = 64;
  /** Frame `id`: a header of `length` bytes (id-derived pattern), with a 100-byte segment when `withSegment`. */
  const frame = (id: number, length: number, withSegment: boolean): Frame => {
    const header = new Uint8Array(length);
    for (let i = 0; i < length; i++) header[i] = (id * 7 + i) & 0xff;
    return { header, segments: withSegment ? [new Uint8Array(100).fill(id & 0xff)] : [] };
  };
  const plan = (id: number): [number, boolean] => [1 + ((id * 13) % 150), id % 11 === 5];
  const count = 3000;
  const seen: { id: number; intact: boolean; lent: boolean }[] = [];
  let lentBuffer: ArrayBufferLike | undefined;
  let lentView: Uint8Array | undefined;
  let earlier: { view: Uint8Array; id: number } | undefined;
  const { transports } = setup(2, 1 << 16, (_pe, _from, received) => {
    const id = seen.length;
    const [length, withSegment] = plan(id);
    let intact = received.header.length === length && received.segments.length === (withSegment ? 1 : 0);
    for (let i = 0; intact && i < length; i++) intact = received.header[i] === ((id * 7 + i) & 0xff);
    const isLent = !withSegment && length <= lent;
    if (isLent) {
      lentBuffer ??= received.header.buffer;
      intact &&= received.header.buffer === lentBuffer;
      if (length === 40) lentView ??= received.header;
      if (length === 40) intact &&= received.header === lentView;
      earlier ??= { view: received.header, id };
    } else {
      intact &&= received.header.buffer !== lentBuffer;
    }
    seen.push({ id, intact, lent: isLent });
  }, { lentHeaderBytes: lent });
  const [a, b] = transports;
  // Sent in bursts larger than the ring, so that frames wrap around it and some are written in parts.
  for (let id = 0; id < count; id++) {
    const [length, withSegment] = plan(id);
    a!.send(11, frame(id, length, withSegment));
    if (id % 700 === 699) pump(transports, () => seen.length === id + 1);
  }
  pump(transports, () => seen.length === count);
  t.equal(seen.length, count, 'every frame delivered');
  t.ok(seen.every((s, i) => s.id === i && s.intact), 'each intact, in order, lent exactly when small and without segments');
  t.ok(seen.filter((s) => s.lent).length > 300 && seen.filter((s) => !s.lent).length > 300, 'both kinds were sent');
  t.not(earlier!.view[0], (earlier!.id * 7) & 0xff, 'a lent header kept past its delivery shows a later frame: the memory was reused');
  void b;
  for (const transport of transports) await transport.close();
  for (const bad of [-1, 1.5, 65537]) {
    t.throws(() => setup(2, 1 << 16, undefined, { lentHeaderBytes: bad }), RangeError, `lentHeaderBytes ${bad}`);
  }
});

t.test('poll counts frames, and one for progress on an incomplete frame', async (t) => {
  const { transports } = setup(2);
  const [a, b] = transports;
  a!.send(11, frameOf(1, 0));
  a!.send(11, frameOf(2, 10));
  t.equal(b!.poll(), 2);
  t.equal(b!.poll(), 0);
  a!.send(11, frameOf(3, 200_000));
  t.equal(b!.poll(), 1, 'part of a large frame moved: one event');
  let polls = 0;
  let frames = 0;
  while (frames === 0 && polls++ < 1000) {
    a!.poll();
    frames = b!.poll();
  }
  t.equal(frames, 1, 'the large frame completes');
  for (const transport of transports) await transport.close();
});

t.test('arm parks; a send wakes the parked PE from its event loop', async (t) => {
  const { transports } = setup(2);
  const [a, b] = transports;
  let woken = 0;
  t.equal(b!.arm(() => woken++), true, 'nothing pending: parked');
  await tick(5);
  t.equal(woken, 0, 'no spurious wake');
  a!.send(11, frameOf(1, 4));
  t.equal(woken, 0, 'the wake comes later, from the event loop');
  await tick(5);
  t.equal(woken, 1);
  t.equal(b!.poll(), 1);
  t.equal(b!.arm(() => woken++), true, 'parks again');
  a!.send(11, frameOf(2, 4));
  a!.send(11, frameOf(3, 4));
  await tick(5);
  t.equal(woken, 2, 'two sends, one wake');
  t.equal(b!.poll(), 2);
  a!.send(11, frameOf(4, 0));
  t.equal(b!.arm(() => woken++), false, 'something pending: not parked');
  for (const transport of transports) await transport.close();
});

t.test('disarm withdraws a park', async (t) => {
  const { transports } = setup(2);
  const [a, b] = transports;
  let woken = 0;
  t.ok(b!.arm(() => woken++));
  b!.disarm();
  a!.send(11, frameOf(1, 0));
  await tick(5);
  t.equal(woken, 0);
  t.equal(b!.poll(), 1);
  for (const transport of transports) await transport.close();
});

t.test('a sender parked on a full ring wakes when the receiver frees space', async (t) => {
  const { transports, recorded } = setup(2);
  const [a, b] = transports;
  a!.send(11, frameOf(1, 500_000));
  t.equal(a!.backlogFrames, 1);
  let woken = 0;
  t.equal(a!.arm(() => woken++), true, 'the ring is full and nothing arrived: parked');
  b!.poll();
  await tick(5);
  t.equal(woken, 1, 'freeing space woke the sender');
  pump(transports, () => recorded[1]!.frames.length === 1);
  t.ok(isFrameOf(recorded[1]!.frames[0]!.frame, 1, 500_000));
  for (const transport of transports) await transport.close();
});

t.test('a frame sent while parked, larger than the ring, is flushed after a wake-up', async (t) => {
  const { transports, recorded } = setup(2);
  const [a, b] = transports;
  let woken = 0;
  t.equal(a!.arm(() => woken++), true, 'idle: parked');
  // a send from outside a scheduler turn: the PE stays parked, its backlog must not be forgotten
  a!.send(11, frameOf(1, 300_000));
  t.equal(a!.backlogFrames, 1);
  b!.poll();
  await tick(5);
  t.equal(woken, 1, 'freeing space woke the parked sender');
  pump(transports, () => recorded[1]!.frames.length === 1);
  t.ok(isFrameOf(recorded[1]!.frames[0]!.frame, 1, 300_000));
  for (const transport of transports) await transport.close();
});

t.test('close: earlier frames first, then one peer-lost report; later sends are dropped', async (t) => {
  const { transports, recorded } = setup(2);
  const [a, b] = transports;
  let woken = 0;
  t.ok(a!.arm(() => woken++));
  for (let i = 0; i < 5; i++) b!.send(10, frameOf(i, 100));
  await b!.close();
  await b!.close();
  await tick(5);
  t.equal(woken, 1, 'the parked peer was woken');
  t.equal(a!.poll(), 5);
  t.equal(recorded[0]!.frames.length, 5, 'what was sent before closing arrives');
  t.equal(recorded[0]!.lost.length, 1);
  t.match(recorded[0]!.lost[0], { pe: 11 });
  a!.send(11, frameOf(9, 0));
  a!.poll();
  t.equal(recorded[0]!.lost.length, 1, 'reported once');
  t.same(recorded[1]!.frames, [], 'nothing reached the closed PE');
  await a!.close();
});

t.test('onFrame may poll (gets 0) or close (delivery stops)', async (t) => {
  let inner = -1;
  let delivered = 0;
  let target: ShmTransport | undefined;
  const { transports } = setup(2, 1 << 16, (pe, _from, frame) => {
    if (pe !== 11) return;
    delivered++;
    inner = target!.poll();
    if (frame.header[0] === 3) void target!.close();
  });
  const [a, b] = transports;
  target = b;
  for (let i = 0; i < 6; i++) a!.send(11, frameOf(i, 0));
  b!.poll();
  t.equal(inner, 0);
  t.equal(delivered, 4, 'nothing delivered after close');
  await a!.close();
});

t.test('a corrupt ring is a protocol error and a lost peer, reported once', async (t) => {
  const description = createShmRegion({ firstPe: 0, count: 2, ringBytes: 1 << 16 });
  const region = attachShmRegion(description);
  const { transports, recorded } = setup(1);
  void transports;
  const errors: string[] = [];
  const lost: number[] = [];
  const b = new ShmTransport(
    { pe: 1, numPes: 2, secret: '', listenHost: '', events: { onFrame: () => {}, onPeerLost: (pe) => lost.push(pe), onProtocolError: (r) => errors.push(r) } },
    region,
  );
  new Uint8Array(description.data, region.ringIndex(0, 1) * region.ringBytes, 16).fill(0xab);
  Atomics.store(region.control, region.producerWord(region.ringIndex(0, 1), 0), 16);
  t.equal(b.poll(), 0);
  t.equal(b.poll(), 0);
  t.equal(errors.length, 1);
  t.match(errors[0], /out of step/);
  t.same(lost, [0]);
  t.same(recorded[0]!.errors, []);
  await b.close();
});

t.test('release: large segments return to the pool detached, and are reused for the same size', async (t) => {
  const { transports, recorded } = setup(2);
  const [a, b] = transports;
  a!.send(11, frameOf(1, 100_000));
  pump(transports, () => recorded[1]!.frames.length === 1);
  const first = recorded[1]!.frames[0]!.frame;
  const segment = first.segments[0]!;
  const kept = new Float64Array(segment.buffer, 0, 8);
  t.equal(segment.buffer.byteLength, 100_000, 'an ArrayBuffer of exactly the segment size');
  b!.release(first);
  t.equal(segment.byteLength, 0, 'the released segment reads as empty');
  t.equal(kept.length, 0, 'so does any other view on it');
  b!.release(first);
  b!.release({ header: new Uint8Array(8), segments: [new Uint8Array(100_000)] });
  t.match(b!.receiveStats, { allocated: 1, released: 1, retainedBytes: 100_000 }, 'foreign and twice-released segments are ignored');
  a!.send(11, frameOf(2, 100_000));
  a!.send(11, frameOf(3, 100_001));
  pump(transports, () => recorded[1]!.frames.length === 3);
  t.ok(isFrameOf(recorded[1]!.frames[1]!.frame, 2, 100_000) && isFrameOf(recorded[1]!.frames[2]!.frame, 3, 100_001), 'reused memory holds the new bytes');
  t.match(b!.receiveStats, { allocated: 2, reused: 1, retainedBytes: 0 });
  for (const transport of transports) await transport.close();
});

t.test('the pool keeps at most maxRetainedBytes', async (t) => {
  const description = createShmRegion({ firstPe: 0, count: 2, ringBytes: 1 << 16 });
  const frames: Frame[] = [];
  const events = (sink: Frame[]): TransportEvents => ({ onFrame: (_f, frame) => sink.push(frame), onPeerLost: () => {}, onProtocolError: () => {} });
  const a = new ShmTransport({ pe: 0, numPes: 2, secret: '', listenHost: '', events: events([]) }, attachShmRegion(description));
  const b = new ShmTransport({ pe: 1, numPes: 2, secret: '', listenHost: '', events: events(frames) }, attachShmRegion(description), { maxRetainedBytes: 150_000 });
  for (let i = 0; i < 3; i++) a.send(1, frameOf(i, 50_000));
  pump([a, b], () => frames.length === 3);
  for (const frame of frames) b.release(frame);
  t.match(b.receiveStats, { released: 3, retainedBytes: 150_000 });
  a.send(1, frameOf(9, 60_000));
  pump([a, b], () => frames.length === 4);
  b.release(frames[3]!);
  t.match(b.receiveStats, { released: 4, retainedBytes: 150_000 }, 'a release beyond the bound is detached but not kept');
  await a.close();
  await b.close();
});

t.test('sendHeader: frames encoded into the outgoing header arrive intact, in order with send, also through a full ring', async (t) => {
  // Headers up to 2 KiB, lent on arrival: both word copies, by loop and by view, with and without wrapping around the ring.
  const { transports, recorded } = setup(2, 1 << 16, (_pe, from, frame) => recorded[1]!.frames.push({ from, frame: { header: frame.header.slice(), segments: frame.segments } }), { lentHeaderBytes: 4096 });
  const [a] = transports;
  const header = a!.outgoingHeader;
  const sent: number[][] = [];
  let backlogged = 0;
  // The first thousand fill the 64 KiB ring many times over before the receiver polls (most wait
  // in the backlog); the rest are written straight in, the receiver draining every 20 frames.
  for (let i = 0; i < 3000; i++) {
    if (i === 1000) backlogged = a!.backlogFrames;
    if (i > 1000 && i % 20 === 0) for (const transport of transports) transport.poll();
    if (i % 3 === 0) {
      a!.send(11, { header: Uint8Array.of(1, i & 0xff, i >> 8), segments: [] });
      sent.push([1, i & 0xff, i >> 8]);
      continue;
    }
    const length = 3 + ((i * 37) % 2040);
    header.bytes.fill(0xee, 0, 2048);
    header.bytes[0] = 2;
    header.bytes[1] = i & 0xff;
    header.bytes[2] = i >> 8;
    a!.sendHeader(11, length);
    header.bytes.fill(0xdd, 0, 2048); // overwritten at once: what was sent must not change
    sent.push([2, i & 0xff, i >> 8, ...new Array<number>(length - 3).fill(0xee)]);
  }
  t.ok(backlogged > 0, 'some frames waited in the backlog');
  pump(transports, () => recorded[1]!.frames.length === sent.length);
  t.equal(recorded[1]!.frames.length, sent.length);
  t.same(recorded[1]!.frames.map(({ frame }) => [...frame.header]), sent, 'every header arrived intact and in order');
  t.ok(recorded[1]!.frames.every(({ from, frame }) => from === 10 && frame.segments.length === 0));
  t.throws(() => a!.sendHeader(11, header.bytes.length + 1), RangeError, 'a length beyond the outgoing memory');
  t.throws(() => a!.sendHeader(12, 4), BadPeError);
  for (const transport of transports) await transport.close();
  t.throws(() => a!.sendHeader(11, 4), BadStateError);
});
