/** Tests frameToMessages and FrameAssembler (src/transport/frame-bytes.ts): the byte layout of frames for message-oriented transports, and refusal of malformed input. */
import fc from 'fast-check';
import t from 'tap';
import { ProtocolError } from '../../../src/errors.js';
import { DEFAULT_DETACH_THRESHOLD, FRAME_MAGIC, FrameAssembler, frameToMessages, MAX_SEGMENTS } from '../../../src/transport/frame-bytes.js';
import type { Frame } from '../../../src/transport/transport.js';

/** Bytes 0, 1, 2, ... (mod 251) so that misplaced bytes show. */
function pattern(length: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i + seed) % 251;
  return bytes;
}

/** Pushes every message into a fresh assembler; returns the frames that completed. */
function assemble(messages: readonly Uint8Array[], max = 1 << 30): Frame[] {
  const assembler = new FrameAssembler(max);
  const frames: Frame[] = [];
  for (const message of messages) {
    const frame = assembler.push(message);
    if (frame !== null) frames.push(frame);
  }
  return frames;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A head message written by hand: magic, header length, count, then the (length, flags) table and trailing bytes. */
function rawHead(fields: { magic?: number; headerLength: number; count: number; table?: readonly [number, number][]; extra?: number }): Uint8Array {
  const table = fields.table ?? [];
  const bytes = new Uint8Array(16 + 8 * table.length + (fields.extra ?? 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, fields.magic ?? FRAME_MAGIC, true);
  view.setUint32(4, fields.headerLength, true);
  view.setUint32(8, fields.count, true);
  table.forEach(([length, flags], i) => {
    view.setUint32(16 + 8 * i, length, true);
    view.setUint32(20 + 8 * i, flags, true);
  });
  return bytes;
}

t.test('a frame without segments is one message and comes back intact', async (t) => {
  const header = pattern(13);
  const messages = frameToMessages({ header, segments: [] });
  t.equal(messages.length, 1);
  t.equal(messages[0]!.byteLength % 8, 0, 'the head is padded to 8 bytes');
  const [frame] = assemble(messages);
  t.ok(sameBytes(frame!.header, header), 'header bytes intact');
  t.equal(frame!.segments.length, 0);
});

t.test('the head starts with the magic, the header length and the segment count (little-endian)', async (t) => {
  const [head] = frameToMessages({ header: pattern(5), segments: [pattern(3), pattern(40000)] });
  const view = new DataView(head!.buffer, head!.byteOffset, head!.byteLength);
  t.equal(view.getUint32(0, true), FRAME_MAGIC);
  t.equal(view.getUint32(4, true), 5);
  t.equal(view.getUint32(8, true), 2);
  t.equal(view.getUint32(16, true), 3, 'segment 0 length');
  t.equal(view.getUint32(20, true) & 1, 0, 'segment 0 inline');
  t.equal(view.getUint32(24, true), 40000, 'segment 1 length');
  t.equal(view.getUint32(28, true) & 1, 1, 'segment 1 detached');
});

t.test('small segments travel inline, 8-aligned within the head', async (t) => {
  const segments = [pattern(1, 1), pattern(7, 2), pattern(8, 3), pattern(0), pattern(100, 4)];
  const header = pattern(11, 9);
  const messages = frameToMessages({ header, segments });
  t.equal(messages.length, 1, 'one message');
  const [frame] = assemble(messages);
  t.ok(sameBytes(frame!.header, header), 'header intact');
  t.equal(frame!.segments.length, segments.length);
  frame!.segments.forEach((segment, i) => {
    t.ok(sameBytes(segment, segments[i]!), `segment ${i} intact`);
    t.equal(segment.byteOffset % 8, 0, `segment ${i} starts 8-aligned in the head`);
  });
});

t.test('large segments are detached and never copied by the sender', async (t) => {
  const big = pattern(DEFAULT_DETACH_THRESHOLD);
  const bigger = pattern(3 << 20, 5);
  const small = pattern(10);
  const messages = frameToMessages({ header: pattern(4), segments: [big, small, bigger] });
  t.equal(messages.length, 3, 'head plus two detached segments');
  t.equal(messages[1], big, 'the first detached message is the segment itself');
  t.equal(messages[2], bigger, 'the second detached message is the segment itself');
  t.ok(messages[0]!.byteLength < 1024, 'the head holds only the small segment');
});

t.test('the assembler waits for detached segments and keeps their order', async (t) => {
  const segments = [pattern(50000, 1), pattern(5, 2), pattern(70000, 3), pattern(33000, 4)];
  const messages = frameToMessages({ header: pattern(20), segments });
  t.equal(messages.length, 4);
  const assembler = new FrameAssembler(1 << 20);
  t.equal(assembler.push(messages[0]!), null, 'head alone: incomplete');
  t.ok(assembler.pending, 'pending after the head');
  t.equal(assembler.push(messages[1]!), null);
  t.equal(assembler.push(messages[2]!), null);
  const frame = assembler.push(messages[3]!);
  t.ok(frame, 'complete after the last detached segment');
  t.notOk(assembler.pending, 'not pending afterwards');
  frame!.segments.forEach((segment, i) => t.ok(sameBytes(segment, segments[i]!), `segment ${i} intact and in place`));
  t.equal(frame!.segments[0], messages[1], 'a detached segment is the received message itself (not copied)');
});

t.test('the detach threshold is a parameter', async (t) => {
  t.equal(frameToMessages({ header: pattern(1), segments: [pattern(16)] }, 16).length, 2, 'at the threshold: detached');
  t.equal(frameToMessages({ header: pattern(1), segments: [pattern(15)] }, 16).length, 1, 'below: inline');
});

t.test('consecutive frames on one connection assemble one after another', async (t) => {
  const frames: Frame[] = [
    { header: pattern(3, 1), segments: [pattern(40000, 1)] },
    { header: pattern(5, 2), segments: [] },
    { header: pattern(7, 3), segments: [pattern(9, 3), pattern(50000, 3)] },
  ];
  const out = assemble(frames.flatMap((f) => frameToMessages(f)));
  t.equal(out.length, 3);
  out.forEach((frame, i) => {
    t.ok(sameBytes(frame.header, frames[i]!.header), `frame ${i} header`);
    frame.segments.forEach((s, j) => t.ok(sameBytes(s, frames[i]!.segments[j]!), `frame ${i} segment ${j}`));
  });
});

t.test('a head at an odd offset in its buffer still assembles (misaligned receive buffer)', async (t) => {
  const frame: Frame = { header: pattern(6), segments: [pattern(24, 7), pattern(3, 8)] };
  const [head] = frameToMessages(frame);
  const backing = new Uint8Array(head!.byteLength + 3);
  const moved = backing.subarray(3);
  moved.set(head!);
  const [out] = assemble([moved]);
  t.ok(sameBytes(out!.segments[0]!, frame.segments[0]!));
  t.ok(sameBytes(out!.segments[1]!, frame.segments[1]!));
});

t.test('a frame with more than MAX_SEGMENTS segments is refused by the sender', async (t) => {
  const segments = Array.from({ length: MAX_SEGMENTS + 1 }, () => new Uint8Array(1));
  t.throws(() => frameToMessages({ header: pattern(1), segments }), RangeError);
  t.equal(assemble(frameToMessages({ header: pattern(1), segments: segments.slice(1) }))[0]!.segments.length, MAX_SEGMENTS, 'exactly MAX_SEGMENTS is fine');
});

t.test('malformed heads throw ProtocolError', async (t) => {
  const good = frameToMessages({ header: pattern(9), segments: [pattern(10)] })[0]!;
  const cases: [string, Uint8Array][] = [
    ['an empty message', new Uint8Array(0)],
    ['a truncated fixed part', good.subarray(0, 15)],
    ['a wrong magic', rawHead({ magic: 0x12345678, headerLength: 0, count: 0 })],
    ['too many segments', rawHead({ headerLength: 0, count: MAX_SEGMENTS + 1, extra: 64 })],
    ['2^32-1 segments', rawHead({ headerLength: 0, count: 0xffffffff })],
    ['a header longer than the message', rawHead({ headerLength: 100, count: 0, extra: 50 })],
    ['a 4 GiB header', rawHead({ headerLength: 0xffffffff, count: 0 })],
    ['a segment table past the end', rawHead({ headerLength: 0, count: 10 })],
    ['an inline segment past the end', rawHead({ headerLength: 0, count: 1, table: [[64, 0]], extra: 8 })],
    ['an inline segment of 4 GiB', rawHead({ headerLength: 0, count: 1, table: [[0xffffffff, 0]] })],
    ['a truncated real head', good.subarray(0, good.byteLength - 8)],
  ];
  for (const [what, message] of cases) t.throws(() => new FrameAssembler(1 << 30).push(message), ProtocolError, what);
});

t.test('declared segment lengths above the limit are refused before anything is allocated', async (t) => {
  const before = process.memoryUsage().arrayBuffers;
  t.throws(() => new FrameAssembler(1 << 20).push(rawHead({ headerLength: 0, count: 1, table: [[(1 << 20) + 1, 1]] })), ProtocolError, 'detached segment over the limit');
  t.throws(() => new FrameAssembler(1 << 20).push(rawHead({ headerLength: 0, count: 2, table: [[8, 1], [0xfffffff0, 1]] })), ProtocolError, 'second segment of 4 GiB');
  t.throws(
    () => new FrameAssembler(0xffffffff).push(rawHead({ headerLength: 0, count: 1, table: [[0xfffffff0, 0]] })),
    ProtocolError,
    'inline 4 GiB segment under a huge limit: refused as running past the message',
  );
  t.ok(process.memoryUsage().arrayBuffers - before < 16 << 20, 'no declared size was allocated');
});

t.test('a declared but unsent detached segment allocates nothing while waiting', async (t) => {
  const before = process.memoryUsage().arrayBuffers;
  const assembler = new FrameAssembler(0xffffffff);
  t.equal(assembler.push(rawHead({ headerLength: 0, count: 2, table: [[0xfffffff0, 1], [0xfffffff0, 1]] })), null);
  t.ok(assembler.pending);
  t.ok(process.memoryUsage().arrayBuffers - before < 16 << 20, 'nothing allocated for 8 GiB of declared segments');
  t.throws(() => assembler.push(new Uint8Array(10)), ProtocolError, 'a detached message of the wrong length is refused');
});

t.test('a detached segment of the wrong length is refused', async (t) => {
  const messages = frameToMessages({ header: pattern(2), segments: [pattern(40000)] });
  const assembler = new FrameAssembler(1 << 20);
  assembler.push(messages[0]!);
  t.throws(() => assembler.push(pattern(39999)), ProtocolError, 'one byte short');
  t.throws(() => assembler.push(pattern(40001)), ProtocolError, 'one byte long');
  t.ok(assembler.push(messages[1]!), 'the right one still completes the frame');
});

t.test('unknown flag bits and the reserved word are ignored', async (t) => {
  const head = rawHead({ headerLength: 2, count: 1, table: [[3, 0x100]], extra: 16 });
  new DataView(head.buffer).setUint32(12, 0xdeadbeef, true);
  const [frame] = assemble([head]);
  t.equal(frame!.header.byteLength, 2);
  t.equal(frame!.segments[0]!.byteLength, 3);
});

t.test('fuzz: FrameAssembler on random and mutated messages throws nothing but ProtocolError', async (t) => {
  const valid = [
    frameToMessages({ header: pattern(7), segments: [pattern(3), pattern(40, 1), pattern(17, 2)] }, 32),
    frameToMessages({ header: pattern(0), segments: [] }),
    frameToMessages({ header: pattern(30), segments: [pattern(64, 5)] }, 8),
  ];
  const feed = (messages: readonly Uint8Array[]): boolean => {
    const assembler = new FrameAssembler(1 << 12);
    for (const message of messages) {
      try {
        const frame = assembler.push(message);
        if (frame !== null) {
          // A frame that comes out must lie within what came in.
          for (const segment of frame.segments) if (!(segment instanceof Uint8Array)) throw new Error('segment is not bytes');
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        return true;
      }
    }
    return true;
  };
  const random = fc.array(fc.uint8Array({ maxLength: 96 }), { minLength: 1, maxLength: 5 });
  const mutated = fc
    .record({
      base: fc.constantFrom(...valid),
      edits: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      cut: fc.option(fc.tuple(fc.nat(), fc.nat())),
    })
    .map(({ base, edits, cut }) => {
      const messages = base.map((m) => m.slice());
      for (const [which, at, byte] of edits) {
        const message = messages[which % messages.length]!;
        if (message.length > 0) message[at % message.length] = byte;
      }
      if (cut !== null) {
        const i = cut[0] % messages.length;
        messages[i] = messages[i]!.subarray(0, cut[1] % (messages[i]!.length + 1));
      }
      return messages;
    });
  const limits = { numRuns: 5000, interruptAfterTimeLimit: 1500, markInterruptAsFailure: false };
  fc.assert(fc.property(random, feed), limits);
  fc.assert(fc.property(mutated, feed), limits);
  t.pass('no other error escaped');
});

t.test('property: any frame survives frameToMessages and FrameAssembler bit for bit', async (t) => {
  const frameArb = fc.record({
    header: fc.uint8Array({ maxLength: 200 }),
    segments: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
    threshold: fc.integer({ min: 1, max: 400 }),
  });
  fc.assert(
    fc.property(frameArb, ({ header, segments, threshold }) => {
      const [frame, ...more] = assemble(frameToMessages({ header, segments }, threshold), 1 << 16);
      return more.length === 0 && frame !== undefined && sameBytes(frame.header, header) && frame.segments.length === segments.length && frame.segments.every((s, i) => sameBytes(s, segments[i]!));
    }),
    { numRuns: 500, interruptAfterTimeLimit: 1500, markInterruptAsFailure: false },
  );
  t.pass('round trip holds');
});
