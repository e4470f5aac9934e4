/** Tests the compact binary form of calls (src/runtime/invoke-wire.ts) and the codec's choice between it and msgpack. */
import t from 'tap';
import { ProtocolError } from '../../../src/errors.js';
import { Codec } from '../../../src/runtime/codec.js';
import { decodeCompactInvoke, encodeCompactInvoke, INLINE_MAX_BYTES, INVOKE_TAG } from '../../../src/runtime/invoke-wire.js';
import { Kind, type InvokeMessage } from '../../../src/runtime/message.js';
import { WireRef, type WireRefData } from '../../../src/runtime/wire-ref.js';
import { HeaderScratch, OutgoingHeader } from '../../../src/transport/header-scratch.js';
import type { Frame } from '../../../src/transport/transport.js';

const NUM_PES = 4;
const codec = new Codec({ resolve: (data: WireRefData) => new SentRef(data) }, NUM_PES);

class SentRef extends WireRef {
  constructor(readonly data: WireRefData) {
    super();
  }
  toWireRef(): WireRefData {
    return this.data;
  }
}

function call(fields: Partial<InvokeMessage> = {}): InvokeMessage {
  return { kind: Kind.Invoke, coll: 2, index: [3], ep: 1, args: [], src: 1, seq: 7, reply: null, ack: null, hops: 0, ...fields };
}

/** A compact frame with its header bytes copied, so that tests may edit them. */
function compact(message: InvokeMessage): Frame {
  const frame = encodeCompactInvoke(message);
  if (frame === null) throw new Error('expected the compact form');
  return { header: Uint8Array.from(frame.header), segments: frame.segments };
}

t.test('calls with simple arguments take the compact form and round-trip exactly', async (t) => {
  const args = [0, -0, 1.5, -7, 2 ** 53, Number.MAX_VALUE, Infinity, NaN, true, false, null, undefined, '', 'héllo ✓ 𝄞', 'x'.repeat(3000)];
  const messages = [
    call({ args }),
    call({ index: [], seq: -1, coll: 0, ep: -3 }),
    call({ index: [1, 2, 3, 4, 5, 6], hops: 17, seq: 2 ** 40 }),
    call({ index: [0xffffffff], reply: { pe: 3, id: 2 ** 45 } }),
  ];
  for (const message of messages) {
    const frame = codec.encode(message);
    t.equal(frame.header[0], INVOKE_TAG, 'compact');
    t.strictSame(codec.decode(frame), message);
  }
});

/** One value of every binary class, each `scale` times larger than the smallest. */
function binaries(scale: number): (ArrayBufferView | ArrayBuffer)[] {
  const buffer = new ArrayBuffer(16 * scale);
  new Uint8Array(buffer).set([1, 2, 3, 4]);
  const filled = <T extends { fill(v: never): T }>(array: T, value: unknown): T => array.fill(value as never);
  return [
    filled(new Int8Array(2 * scale), -1),
    filled(new Uint8Array(3 * scale), 200),
    filled(new Uint8ClampedArray(1 * scale), 255),
    filled(new Int16Array(1 * scale), -300),
    filled(new Uint16Array(1 * scale), 60000),
    filled(new Int32Array(1 * scale), -1 << 30),
    filled(new Uint32Array(1 * scale), 0xffffffff),
    filled(new Float32Array(1 * scale), 0.5),
    filled(new Float64Array(2 * scale), Math.PI),
    filled(new BigInt64Array(1 * scale), -5n),
    filled(new BigUint64Array(1 * scale), 5n),
    Buffer.alloc(6 * scale, 'buffer'),
    new DataView(buffer, 2, 4 * scale),
    buffer,
    new Float64Array(new ArrayBuffer(64 * scale), 8, 3 * scale),
    new Uint8Array(0),
  ];
}

t.test('binary arguments come back as the same classes with the same bytes, small ones copied out of the header and large ones decoded in place from segments', async (t) => {
  const bytes = (v: ArrayBufferView | ArrayBuffer): number[] => Array.from(v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  for (const [what, scale] of [['small', 1], ['large', 1025]] as const) {
    const args = binaries(scale);
    const large = args.filter((a) => a.byteLength > INLINE_MAX_BYTES).length;
    t.equal(large, scale === 1 ? 0 : args.length - 1, `${what}: sizes on the intended side of INLINE_MAX_BYTES`);
    const frame = codec.encode(call({ args }));
    t.equal(frame.header[0], INVOKE_TAG, `${what}: compact`);
    t.equal(frame.segments.length, large, `${what}: one segment per large binary argument, none for small ones`);
    // Received in memory of the receiver's own, at an 8-aligned offset as every transport delivers.
    const received: Frame = { header: Uint8Array.from(frame.header), segments: frame.segments.map((s) => Uint8Array.from(s)) };
    const decoded = codec.decode(received) as InvokeMessage;
    for (let i = 0; i < args.length; i++) {
      const sent = args[i]!;
      const got = decoded.args[i] as ArrayBufferView | ArrayBuffer;
      t.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(sent), `${what} argument ${i}: ${sent.constructor.name}`);
      t.strictSame(bytes(got), bytes(sent), `${what} argument ${i}: same bytes`);
      if (ArrayBuffer.isView(got) && got.byteLength > 0) {
        const inSegment = received.segments.some((part) => part.buffer === got.buffer);
        if (sent.byteLength > INLINE_MAX_BYTES) t.ok(inSegment, `${what} argument ${i}: decoded in place`);
        else t.ok(!inSegment && got.buffer !== received.header.buffer, `${what} argument ${i}: copied out of the header`);
      }
    }
  }
});

t.test('small binary arguments above 64 bytes decode as aligned, disjoint views that keep their values', async (t) => {
  const doubles = Float64Array.from({ length: 20 }, (_, i) => i * 1.5);
  const bytes = Uint8Array.from({ length: 333 }, (_, i) => i & 0xff);
  const decoded = [1, 2, 3].map(() => codec.decode(codec.encode(call({ args: [doubles, bytes, Buffer.from('x'.repeat(100)), new DataView(new ArrayBuffer(72)), new ArrayBuffer(200)] }))) as InvokeMessage);
  for (const { args } of decoded) {
    const [d, b, buffer, view, raw] = args as [Float64Array, Uint8Array, Buffer, DataView, ArrayBuffer];
    t.ok(d instanceof Float64Array && d.byteOffset % 8 === 0, 'a Float64Array, aligned');
    t.strictSame([...d], [...doubles]);
    t.strictSame([...b], [...bytes]);
    t.ok(Buffer.isBuffer(buffer) && buffer.toString() === 'x'.repeat(100), 'a Buffer with its bytes');
    t.ok(view instanceof DataView && view.byteLength === 72, 'a DataView of its length');
    t.ok(raw instanceof ArrayBuffer && raw.byteLength === 200, 'an ArrayBuffer of its own, of its exact length');
  }
  (decoded[0]!.args[1] as Uint8Array).fill(0);
  t.strictSame([...(decoded[1]!.args[1] as Uint8Array)], [...bytes], 'a write to one received array does not reach another');
});

t.test('a small binary argument is copied at encode: later writes by the sender do not travel', async (t) => {
  const data = new Float64Array([1, 2, 3]);
  const frame = codec.encode(call({ args: [data] }));
  data[1] = -1;
  t.strictSame(Array.from((codec.decode(frame) as InvokeMessage).args[0] as Float64Array), [1, 2, 3]);
});

t.test('calls that do not fit the compact form keep msgpack, and still round-trip', async (t) => {
  class MyFloats extends Float64Array {}
  const ack = { scope: 1, tag: 'a0.1', pe: 0, id: 4 };
  const cases: [string, InvokeMessage][] = [
    ['an object argument', call({ args: [{ a: 1 }] })],
    ['an array argument', call({ args: [[1, 2]] })],
    ['a bigint argument', call({ args: [5n] })],
    ['a Map argument', call({ args: [new Map([[1, 2]])] })],
    ['a Date argument', call({ args: [new Date(5)] })],
    ['a proxy or future argument', call({ args: [new SentRef({ t: 'future', pe: 0, id: 1 })] })],
    ['a typed-array subclass', call({ args: [new MyFloats(2)] })],
    ['an acknowledgement request', call({ ack })],
    ['an index beyond 32 bits', call({ index: [2 ** 32] })],
    ['256 arguments', call({ args: new Array(256).fill(1) })],
  ];
  for (const [what, message] of cases) {
    t.equal(encodeCompactInvoke(message), null, `${what}: not compact`);
    const frame = codec.encode(message);
    t.not(frame.header[0], INVOKE_TAG, `${what}: msgpack`);
    const decoded = codec.decode(frame) as InvokeMessage;
    t.equal(decoded.kind, Kind.Invoke, `${what}: decodes`);
    t.strictSame(decoded.index, message.index);
    t.equal(decoded.args.length, message.args.length);
  }
});

t.test('encodeHeaderInto writes the compact header into given memory, and only for calls that need no segment and fit', async (t) => {
  const target = new OutgoingHeader(256);
  target.bytes.fill(0xaa);
  const fitting = [call({ args: [1.5, 'héllo', true, new Float32Array([1, 2])] }), call({ index: [], reply: { pe: 1, id: 9 } }), call({ args: [new Uint8Array(INLINE_MAX_BYTES - 100)] })];
  for (const message of fitting.slice(0, 2)) {
    const length = codec.encodeHeaderInto(message, target);
    const header = codec.encode(message).header;
    t.equal(length, header.length, 'the length of the compact header');
    t.same([...target.bytes.subarray(0, length)], [...header], 'the same bytes as encode');
    t.strictSame(codec.decode({ header: Uint8Array.from(target.bytes.subarray(0, length)), segments: [] }), codec.decode(codec.encode(message)), 'decodes to the same call');
  }
  t.equal(codec.encodeHeaderInto(fitting[2]!, target), -1, 'a header larger than the memory');
  t.ok(codec.encodeHeaderInto(fitting[2]!, new OutgoingHeader(2048)) > INLINE_MAX_BYTES - 100, 'fits larger memory');
  const refused: [string, Parameters<Codec['encodeHeaderInto']>[0]][] = [
    ['a call with a segment', call({ args: [new Uint8Array(INLINE_MAX_BYTES + 1)] })],
    ['a call that takes msgpack', call({ args: [{ a: 1 }] })],
    ['another kind', { kind: Kind.FutureValue, id: 1, ok: true, value: 2 }],
  ];
  for (const [what, message] of refused) t.equal(codec.encodeHeaderInto(message, target), -1, `${what}: refused`);
  // A refusal may leave bytes behind; the memory still serves the next call.
  const length = codec.encodeHeaderInto(fitting[0]!, target);
  t.same([...target.bytes.subarray(0, length)], [...codec.encode(fitting[0]!).header], 'the memory serves the next call after a refusal');
});

t.test('a header lent with its memory as words decodes to the same call as its bytes alone', async (t) => {
  const scratch = new HeaderScratch(512);
  const messages = [
    call({ args: [1.5, 'héllo', true, null, new Uint8Array([1, 2, 3])] }),
    call({ index: [], seq: -1, coll: 0, ep: -3 }),
    call({ index: [1, 2, 3, 4, 5, 6], hops: 17, seq: 2 ** 40 + 3 }),
    call({ index: [0xffffffff], reply: { pe: 3, id: 2 ** 45 + 1 }, coll: 0x7fffffff }),
  ];
  for (const message of messages) {
    const header = compact(message).header;
    scratch.bytes.set(header);
    const lent: Frame = { header: scratch.view(header.length), segments: [], words: scratch.words };
    t.strictSame(codec.decode(lent), codec.decode({ header, segments: [] }), `index [${message.index.join(',')}]`);
    t.strictSame(codec.decode(lent), message);
  }
});

t.test('malformed compact headers throw ProtocolError naming the fault', async (t) => {
  const good = compact(call({ args: [1, 'ab', new Uint8Array(INLINE_MAX_BYTES + 1)], reply: { pe: 0, id: 9 } }));
  const edited = (at: number, byte: number): Frame => {
    const header = good.header.slice();
    header[at] = byte;
    return { header, segments: good.segments };
  };
  for (let length = 0; length < good.header.length; length++) {
    t.throws(() => codec.decode({ header: good.header.subarray(0, length), segments: good.segments }), ProtocolError, `cut to ${length} bytes`);
  }
  t.throws(() => codec.decode(edited(1, 0x80)), /unknown flags/);
  t.throws(() => codec.decode(edited(28 + 4 + 12, 99)), /unknown type 99/);
  t.throws(() => codec.decode({ header: good.header, segments: [] }), /names segment 0, the frame has 0/);
  t.throws(() => codec.decode({ header: good.header, segments: [...good.segments, new Uint8Array(1)] }), /1 segments left/);
  t.throws(() => codec.decode({ header: Uint8Array.from([...good.header, 0]), segments: good.segments }), /1 bytes left/);
  t.throws(() => codec.decode(compact(call({ src: NUM_PES }))), /source PE 4 \(this job has 4\)/);
  t.throws(() => codec.decode(compact(call({ reply: { pe: NUM_PES, id: 1 } }))), /reply is not a future reference/);
  t.throws(() => codec.decode(compact(call({ seq: 1.5 }))), /sequence number 1.5/);
  t.throws(() => codec.decode(compact(call({ seq: -2 }))), /sequence number -2/);
  t.throws(() => codec.decode(compact(call({ coll: -1 }))), /collection -1/);
  t.doesNotThrow(() => decodeCompactInvoke(compact(call({ src: NUM_PES }))), 'without a job size only the form is checked');
  // An inline binary argument (type byte at 28 + 4 = 32: code 33, length 34..37, bytes from 38).
  const inline = compact(call({ args: [new Uint8Array(16)] }));
  t.equal(inline.header.byteLength, 54);
  for (let length = 33; length < inline.header.byteLength; length++) {
    t.throws(() => codec.decode({ header: inline.header.subarray(0, length), segments: [] }), /argument 0 runs past the end/, `inline cut to ${length} bytes`);
  }
  const lying = inline.header.slice();
  new DataView(lying.buffer).setUint32(34, INLINE_MAX_BYTES + 1, true);
  t.throws(() => codec.decode({ header: lying, segments: [] }), /argument 0 runs past the end/, 'an inline length above the limit');
  lying[33] = 99;
  new DataView(lying.buffer).setUint32(34, 16, true);
  t.throws(() => codec.decode({ header: lying, segments: [] }), /unknown segment kind 99/, 'an unknown class code');
});
