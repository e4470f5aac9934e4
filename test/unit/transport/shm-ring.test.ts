/**
 * The shared-memory ring and the frame layout in it, on one thread: wrap-around (of the ring and
 * of the 32-bit counters), frames far larger than the ring, many small frames, odd segment
 * lengths and the alignment of what is decoded, a full ring, and a corrupt stream.
 */
import t from 'tap';
import { ProtocolError } from '../../../src/errors.js';
import { FrameReader } from '../../../src/transport/shm/frame-reader.js';
import { OutgoingFrame, writeFrame } from '../../../src/transport/shm/frame-writer.js';
import { ReceivePool } from '../../../src/transport/shm/receive-buffers.js';
import { attachShmRegion, createShmRegion, Word, type ShmRegion } from '../../../src/transport/shm/shm-region.js';
import { RingConsumer, RingProducer } from '../../../src/transport/shm/spsc-ring.js';
import type { Frame } from '../../../src/transport/transport.js';

const RING = 64 * 1024;
const CHUNK = 8 * 1024;

/** A frame whose bytes are a function of (id, part, index). */
function patternFrame(id: number, headerBytes: number, sizes: readonly number[]): Frame {
  const fill = (length: number, part: number): Uint8Array => {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (id * 31 + part * 17 + i) & 0xff;
    return bytes;
  };
  return { header: fill(headerBytes, 0), segments: sizes.map((size, k) => fill(size, k + 1)) };
}

function matches(frame: Frame, id: number, headerBytes: number, sizes: readonly number[]): boolean {
  const check = (bytes: Uint8Array, length: number, part: number): boolean => {
    if (bytes.byteLength !== length) return false;
    for (let i = 0; i < length; i++) if (bytes[i] !== ((id * 31 + part * 17 + i) & 0xff)) return false;
    return true;
  };
  return check(frame.header, headerBytes, 0) && frame.segments.length === sizes.length && frame.segments.every((s, k) => check(s, sizes[k]!, k + 1));
}

interface Pair {
  region: ShmRegion;
  producer: RingProducer;
  reader: FrameReader;
  received: Frame[];
  /** Reads whatever is complete (at most `max` frames, beginning none after `maxBytes` bytes). */
  drain(max?: number, maxBytes?: number): number;
}

function pair(ringBytes = RING, options: { startCounter?: number; largeSegmentBytes?: number } = {}): Pair {
  const region = attachShmRegion(createShmRegion({ firstPe: 0, count: 2, ringBytes }));
  const ring = region.ringIndex(0, 1);
  if (options.startCounter !== undefined) {
    region.control[region.producerWord(ring, Word.Write)] = options.startCounter | 0;
    region.control[region.consumerWord(ring, Word.Read)] = options.startCounter | 0;
  }
  const producer = new RingProducer(region, ring);
  const reader = new FrameReader(new RingConsumer(region, ring), {
    buffers: new ReceivePool(),
    largeSegmentBytes: options.largeSegmentBytes ?? 4096,
    chunkBytes: CHUNK,
    onSpaceFreed: () => {},
  });
  const received: Frame[] = [];
  return {
    region,
    producer,
    reader,
    received,
    drain: (max = 1 << 20, maxBytes = Infinity) =>
      reader.read(max, maxBytes, (frame) => {
        received.push(frame);
        return true;
      }),
  };
}

/** Writes `frame` completely, draining the reader whenever the ring is full. */
function pushThrough(p: Pair, frame: Frame): void {
  finish(p, new OutgoingFrame(frame));
}

/** Writes the rest of `out`, draining the reader whenever the ring is full. */
function finish(p: Pair, out: OutgoingFrame): void {
  for (let guard = 0; !out.done; guard++) {
    if (guard > 1e6) throw new Error('no progress');
    writeFrame(p.producer, out, CHUNK);
    if (!out.done) p.drain();
  }
}

t.test('frames wrap around the end of the ring, many times over', async (t) => {
  const p = pair();
  const sizes = (i: number): number[] => [(i * 37) % 3000, 1 + ((i * 13) % 700)];
  const count = 400; // ~600 KiB in a 64 KiB ring
  for (let i = 0; i < count; i++) pushThrough(p, patternFrame(i, 1 + (i % 50), sizes(i)));
  p.drain();
  t.equal(p.received.length, count);
  t.ok(p.received.every((f, i) => matches(f, i, 1 + (i % 50), sizes(i))), 'every frame intact, in order');
  const written = Atomics.load(p.region.control, p.region.producerWord(0, Word.Write)) >>> 0;
  t.ok(written > 8 * RING, `the write counter went round the ring ${Math.floor(written / RING)} times`);
});

t.test('the 32-bit counters wrap without losing a byte', async (t) => {
  const p = pair(RING, { startCounter: 0xffffffff - 20 * 1024 + 1 });
  for (let i = 0; i < 50; i++) pushThrough(p, patternFrame(i, 16, [1000 + i, 7]));
  p.drain();
  t.equal(p.received.length, 50);
  t.ok(p.received.every((f, i) => matches(f, i, 16, [1000 + i, 7])));
  const written = Atomics.load(p.region.control, p.region.producerWord(0, Word.Write)) >>> 0;
  t.ok(written < 0x10000000, 'the counter wrapped past 2^32');
});

t.test('a 4 MiB segment streams through a 64 KiB ring, bitwise intact', async (t) => {
  const p = pair();
  const size = 4 << 20;
  const big = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) new DataView(big.buffer).setUint32(i, Math.imul(i, 2654435761) >>> 0, true);
  const frame: Frame = { header: new Uint8Array([1, 2, 3]), segments: [new Uint8Array([9]), big, new Uint8Array(5).fill(4)] };
  const out = new OutgoingFrame(frame);
  let steps = 0;
  let partialPolls = 0;
  while (!out.done) {
    t.ok(writeFrame(p.producer, out, CHUNK) > 0, 'every write step moves bytes after a drain');
    if (p.drain() === 0 && p.reader.moved > 0) partialPolls++;
    steps++;
  }
  p.drain();
  t.ok(steps >= size / RING, `took ${steps} steps`);
  t.ok(partialPolls > 0, 'reads made progress before the frame was complete');
  t.equal(p.received.length, 1);
  const [got] = p.received;
  t.same([...got!.header], [1, 2, 3]);
  t.same([...got!.segments[0]!], [9]);
  t.same([...got!.segments[2]!], [4, 4, 4, 4, 4]);
  t.equal(Buffer.compare(got!.segments[1]!, big), 0, '4 MiB segment bitwise equal');
  t.not(got!.segments[1]!.buffer, p.region.data, 'received into memory of its own, not the ring');
});

t.test('many small frames, delivered in order, with a per-read limit', async (t) => {
  const p = pair();
  const count = 20000;
  const sizes = (i: number): number[] => (i % 3 === 0 ? [] : [i % 17]);
  let refused = 0;
  let overLimit = 0;
  let out = new OutgoingFrame(patternFrame(0, 0, sizes(0)));
  for (let sent = 0; sent < count; ) {
    writeFrame(p.producer, out, CHUNK);
    if (out.done) {
      if (++sent < count) out = new OutgoingFrame(patternFrame(sent, sent % 9, sizes(sent)));
      continue;
    }
    refused++;
    if (p.drain(100) > 100) overLimit++;
  }
  p.drain();
  t.ok(refused > 0, `the ring filled up ${refused} times`);
  t.equal(overLimit, 0, 'a read never delivers more than its limit');
  t.equal(p.received.length, count);
  t.ok(p.received.every((f, i) => matches(f, i, i % 9, sizes(i))));
});

t.test('a byte budget stops a read before the next frame, never inside one', async (t) => {
  const p = pair();
  const size = 5000;
  for (let i = 0; i < 6; i++) pushThrough(p, patternFrame(i, 8, [size]));
  // a frame takes `size` bytes of ring plus under 50 of descriptor and header
  const budget = 2 * size + 100;
  t.equal(p.drain(64, budget), 3, 'frames are begun while fewer than maxBytes were consumed');
  t.ok(p.reader.moved > budget, 'the last frame begun was completed past the budget');
  t.equal(p.drain(64, 1), 1, 'a budget of one byte still delivers one frame');
  t.equal(p.drain(), 2, 'the rest waited in the ring');
  t.ok(p.received.every((f, i) => matches(f, i, 8, [size])), 'in order and intact');
});

t.test('odd segment lengths decode as 8-byte aligned views, small and large', async (t) => {
  const p = pair();
  const lengths = [0, 1, 3, 7, 8, 9, 15, 17, 4095, 4097, 8191];
  pushThrough(p, patternFrame(5, 13, lengths));
  p.drain();
  const [frame] = p.received;
  t.ok(matches(frame!, 5, 13, lengths));
  for (const segment of frame!.segments) {
    t.equal(segment.byteOffset % 8, 0, `segment of ${segment.byteLength} bytes at an aligned offset`);
  }
  const doubles = new Float64Array([Math.PI, -0, Infinity, 1e-310]);
  pushThrough(p, { header: new Uint8Array(3), segments: [new Uint8Array(5), new Uint8Array(doubles.buffer)] });
  p.drain();
  const segment = p.received[1]!.segments[1]!;
  const decoded = new Float64Array(segment.buffer, segment.byteOffset, segment.byteLength / 8);
  t.same([...decoded], [...doubles], 'a Float64Array survives');
});

t.test('a full ring takes nothing more until the reader frees space', async (t) => {
  const p = pair();
  const out = new OutgoingFrame(patternFrame(1, 8, [200 * 1024]));
  const first = writeFrame(p.producer, out, CHUNK);
  t.equal(first, RING, 'the ring filled up exactly');
  t.equal(writeFrame(p.producer, out, CHUNK), 0, 'nothing more fits');
  t.equal(p.producer.free(), 0);
  const next = new OutgoingFrame(patternFrame(2, 8, []));
  t.equal(writeFrame(p.producer, next, CHUNK), 0, 'not even a descriptor');
  t.equal(next.part, -1);
  p.drain();
  t.ok(p.producer.free() > 0, 'reading freed space');
  finish(p, out);
  finish(p, next);
  p.drain();
  t.equal(p.received.length, 2);
  t.ok(matches(p.received[0]!, 1, 8, [200 * 1024]) && matches(p.received[1]!, 2, 8, []));
});

t.test('the consumer reports a producer waiting for space once', async (t) => {
  const region = attachShmRegion(createShmRegion({ firstPe: 0, count: 2, ringBytes: RING }));
  const producer = new RingProducer(region, 0);
  const consumer = new RingConsumer(region, 0);
  producer.put(new Uint8Array(64), 0, 64, 64);
  producer.publish();
  producer.requestSpace();
  consumer.skip(64);
  t.equal(consumer.release(), true, 'the request is seen');
  t.equal(consumer.release(), false, 'and cleared');
});

t.test('a stream that is not made of frames is a protocol error', async (t) => {
  const p = pair();
  p.producer.put(new Uint8Array(16).fill(0xee), 0, 16, 16);
  p.producer.publish();
  t.throws(() => p.drain(), ProtocolError);
});
