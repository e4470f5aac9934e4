import t from 'tap';
import { FrameAssembler } from '../../../src/transport/ucx/frame-assembler.js';
import { FIXED_WORDS, Kind, Word, alignUp } from '../../../src/transport/ucx/wire.js';

/** A part as the addon delivers it: control words and a buffer with the chunks packed at 8-byte offsets. */
function part(source: number, sequence: number, index: number, parts: number, first: number, chunks: Uint8Array[]): {
  control: Uint32Array;
  buffer: ArrayBuffer;
} {
  const control = new Uint32Array(FIXED_WORDS + chunks.length);
  control[Word.Tag] = 7;
  control[Word.Source] = source;
  control[Word.Sequence] = sequence;
  control[Word.Kind] = Kind.Frame;
  control[Word.Parts] = index | (parts << 16);
  control[Word.Chunks] = first | (chunks.length << 16);
  let size = 0;
  chunks.forEach((chunk, j) => {
    control[FIXED_WORDS + j] = chunk.byteLength;
    size = (j + 1 < chunks.length ? alignUp(size + chunk.byteLength) : size + chunk.byteLength);
  });
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset = alignUp(offset + chunk.byteLength);
  }
  return { control, buffer: bytes.buffer };
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

t.test('a one-part frame with only a header', (t) => {
  const { control, buffer } = part(1, 0, 0, 1, 0, [bytes(1, 2, 3)]);
  const frame = new FrameAssembler().add(control, buffer);
  t.same(Array.from(frame!.header), [1, 2, 3]);
  t.equal(frame!.segments.length, 0);
  t.end();
});

t.test('packed chunks become views at 8-byte-aligned offsets, no copies', (t) => {
  const chunks = [bytes(9), bytes(1, 2, 3), bytes(), bytes(4, 5, 6, 7, 8, 9, 10, 11, 12)];
  const { control, buffer } = part(1, 0, 0, 1, 0, chunks);
  const frame = new FrameAssembler().add(control, buffer)!;
  t.same(Array.from(frame.header), [9]);
  t.same(frame.segments.map((s) => Array.from(s)), [[1, 2, 3], [], [4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  for (const segment of frame.segments) {
    t.equal(segment.buffer, buffer, 'a view on the received buffer');
    t.equal(segment.byteOffset % 8, 0, 'aligned');
  }
  t.end();
});

t.test('a multi-part frame completes whatever the order of its parts', (t) => {
  const assembler = new FrameAssembler();
  const p0 = part(2, 5, 0, 3, 0, [bytes(100)]);
  const p1 = part(2, 5, 1, 3, 1, [bytes(1, 1)]);
  const p2 = part(2, 5, 2, 3, 2, [bytes(2), bytes(3)]);
  t.equal(assembler.add(p2.control, p2.buffer), undefined);
  t.equal(assembler.add(p0.control, p0.buffer), undefined);
  t.equal(assembler.incomplete, 1);
  const frame = assembler.add(p1.control, p1.buffer)!;
  t.same(Array.from(frame.header), [100]);
  t.same(frame.segments.map((s) => Array.from(s)), [[1, 1], [2], [3]]);
  t.equal(assembler.incomplete, 0);
  t.end();
});

t.test('parts of different frames and senders do not mix', (t) => {
  const assembler = new FrameAssembler();
  const a0 = part(1, 0, 0, 2, 0, [bytes(10)]);
  const b0 = part(2, 0, 0, 2, 0, [bytes(20)]);
  const a1 = part(1, 0, 1, 2, 1, [bytes(11)]);
  const b1 = part(2, 0, 1, 2, 1, [bytes(21)]);
  assembler.add(a0.control, a0.buffer);
  assembler.add(b0.control, b0.buffer);
  t.same(Array.from(assembler.add(b1.control, b1.buffer)!.header), [20]);
  t.same(Array.from(assembler.add(a1.control, a1.buffer)!.segments[0]!), [11]);
  t.end();
});

t.test('dropSource forgets a lost sender', (t) => {
  const assembler = new FrameAssembler();
  const a0 = part(3, 0, 0, 2, 0, [bytes(1)]);
  assembler.add(a0.control, a0.buffer);
  assembler.dropSource(3);
  t.equal(assembler.incomplete, 0);
  t.end();
});
