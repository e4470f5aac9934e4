/** Tests Codec (src/runtime/codec.ts): envelope round trips, raw segments for binary data, reference rebuilding, and refusal of malformed frames. */
import fc from 'fast-check';
import { sampleMessages } from './sample-messages.js';
import t, { type Test } from 'tap';
import { ProtocolError, UnserializableError } from '../../../src/errors.js';
import { Codec } from '../../../src/runtime/codec.js';
import { FutureTable, type Future } from '../../../src/runtime/future.js';
import { Kind, MESSAGE_FIELDS, type KindValue, type Message } from '../../../src/runtime/message.js';
import { WireRef, type WireRefData, type WireRefResolver } from '../../../src/runtime/wire-ref.js';
import { FrameAssembler, frameToMessages } from '../../../src/transport/frame-bytes.js';
import type { Frame } from '../../../src/transport/transport.js';

/** A reference as a sender holds it: carries its wire form. */
class SentRef extends WireRef {
  constructor(readonly data: WireRefData) {
    super();
  }
  toWireRef(): WireRefData {
    return this.data;
  }
}

/** What a resolver rebuilt: the data it was given. */
class RebuiltRef extends WireRef {
  constructor(readonly data: WireRefData) {
    super();
  }
  toWireRef(): WireRefData {
    return this.data;
  }
}

/** A resolver that records what it is asked and rebuilds RebuiltRefs (or throws ProtocolError on junk). */
function recordingResolver(): WireRefResolver & { seen: WireRefData[] } {
  const seen: WireRefData[] = [];
  return {
    seen,
    resolve(data: WireRefData): WireRef {
      seen.push(data);
      if (data.t !== 'proxy' && data.t !== 'future') throw new ProtocolError('unknown reference kind');
      return new RebuiltRef(data);
    },
  };
}

const codec = new Codec(recordingResolver());

/** Encodes with the shared codec and decodes the frame again. */
function roundTrip(message: Message): Message {
  return codec.decode(codec.encode(message));
}

/** A FutureValue message carrying `value`, the simplest envelope around an arbitrary value. */
function carrying(value: unknown): Message {
  return { kind: Kind.FutureValue, id: 1, ok: true, value };
}

function valueOf(message: Message): unknown {
  return (message as { value: unknown }).value;
}

t.test('every message kind survives a round trip unchanged', async (t) => {
  const samples = sampleMessages();
  const kinds = new Set(samples.map((m) => m.kind));
  for (const kind of Object.values(Kind)) t.ok(kinds.has(kind), `a sample of kind ${kind} is tested`);
  for (const message of samples) {
    const frame = codec.encode(message);
    t.equal(frame.segments.length, 0, `kind ${message.kind}: no segments without binary data`);
    t.strictSame(codec.decode(frame), message, `kind ${message.kind} round-trips`);
  }
});

t.test('the header lists the fields of each kind positionally after the kind tag', async (t) => {
  for (const message of sampleMessages()) {
    const decoded = codec.decode(codec.encode(message)) as unknown as Record<string, unknown>;
    t.strictSame(Object.keys(decoded).sort(), ['kind', ...MESSAGE_FIELDS[message.kind as KindValue]].sort(), `kind ${message.kind}`);
  }
});

t.test('the codec is stateless between calls: interleaved encodes and decodes do not mix segments', async (t) => {
  const a = codec.encode(carrying([new Float64Array([1, 2]), new Int32Array([7])]));
  const b = codec.encode(carrying(new Uint16Array([9, 9, 9])));
  t.equal(a.segments.length, 2);
  t.equal(b.segments.length, 1);
  const [x, y] = valueOf(codec.decode(a)) as [Float64Array, Int32Array];
  t.strictSame(Array.from(x), [1, 2]);
  t.strictSame(Array.from(y), [7]);
  t.strictSame(Array.from(valueOf(codec.decode(b)) as Uint16Array), [9, 9, 9]);
});

type ViewClass =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** Every typed-array class with a few values that exercise its range. */
const TYPED: readonly { cls: ViewClass; values: readonly (number | bigint)[] }[] = [
  { cls: Int8Array, values: [-128, -1, 0, 1, 127] },
  { cls: Uint8Array, values: [0, 1, 128, 255] },
  { cls: Uint8ClampedArray, values: [0, 7, 200, 255] },
  { cls: Int16Array, values: [-32768, -2, 0, 32767] },
  { cls: Uint16Array, values: [0, 1, 65535] },
  { cls: Int32Array, values: [-(2 ** 31), -3, 0, 2 ** 31 - 1] },
  { cls: Uint32Array, values: [0, 5, 2 ** 32 - 1] },
  { cls: Float32Array, values: [-1.5, 0, 3.25, Infinity] },
  { cls: Float64Array, values: [Math.PI, -0, Number.MAX_VALUE, Number.MIN_VALUE, NaN, -Infinity] },
  { cls: BigInt64Array, values: [-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n] },
  { cls: BigUint64Array, values: [0n, 1n, 2n ** 64n - 1n] },
];

/** A view of `cls` holding `values`, starting `offsetElements` elements into a larger buffer filled with junk. */
function viewWithOffset(cls: ViewClass, values: readonly (number | bigint)[], offsetElements: number): ArrayBufferView & ArrayLike<number | bigint> {
  const size = cls.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer(size * (values.length + offsetElements + 2));
  new Uint8Array(buffer).fill(0xa5);
  const view = new (cls as unknown as new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView & { [i: number]: number | bigint; length: number })(
    buffer,
    offsetElements * size,
    values.length,
  );
  values.forEach((v, i) => (view[i] = v));
  return view;
}

function sameElements(t: Test, actual: ArrayLike<number | bigint>, expected: ArrayLike<number | bigint>, what: string): void {
  t.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      t.fail(`${what}: element ${i} is ${String(actual[i])}, expected ${String(expected[i])}`);
      return;
    }
  }
  t.pass(`${what}: elements equal`);
}

t.test('every typed-array kind round-trips with its class and values, from views with a non-zero byteOffset', async (t) => {
  for (const { cls, values } of TYPED) {
    for (const offset of [0, 1, 3]) {
      const view = viewWithOffset(cls, values, offset);
      const frame = codec.encode(carrying({ data: view }));
      t.equal(frame.segments.length, 1, `${cls.name}@${offset}: one segment`);
      t.equal(frame.segments[0]!.byteLength, view.byteLength, `${cls.name}@${offset}: segment holds exactly the view's bytes`);
      const decoded = (valueOf(codec.decode(frame)) as { data: unknown }).data;
      t.equal(Object.getPrototypeOf(decoded), cls.prototype, `${cls.name}@${offset}: decoded as ${cls.name}`);
      sameElements(t, decoded as ArrayLike<number | bigint>, view, `${cls.name}@${offset}`);
    }
  }
});

t.test('empty typed arrays round-trip', async (t) => {
  for (const { cls } of TYPED) {
    const decoded = valueOf(roundTrip(carrying(new cls(0)))) as ArrayBufferView;
    t.equal(Object.getPrototypeOf(decoded), cls.prototype, cls.name);
    t.equal(decoded.byteLength, 0, `${cls.name} is empty`);
  }
});

t.test('Buffer decodes as a Buffer, a plain Uint8Array as a plain Uint8Array', async (t) => {
  const source = Buffer.from('hello, charm4ts');
  const [buffer, bytes] = valueOf(roundTrip(carrying([source.subarray(7), new Uint8Array([1, 2, 3])]))) as [Buffer, Uint8Array];
  t.ok(Buffer.isBuffer(buffer), 'Buffer stays a Buffer');
  t.equal(buffer.toString(), 'charm4ts');
  t.notOk(Buffer.isBuffer(bytes), 'Uint8Array does not become a Buffer');
  t.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  t.strictSame(Array.from(bytes), [1, 2, 3]);
});

t.test('DataView with a byteOffset round-trips its window only', async (t) => {
  const backing = new ArrayBuffer(32);
  const view = new DataView(backing, 8, 12);
  view.setFloat64(0, 6.25, true);
  view.setInt32(8, -77, true);
  const decoded = valueOf(roundTrip(carrying(view))) as DataView;
  t.ok(decoded instanceof DataView, 'decoded as DataView');
  t.equal(decoded.byteLength, 12);
  t.equal(decoded.getFloat64(0, true), 6.25);
  t.equal(decoded.getInt32(8, true), -77);
});

t.test('ArrayBuffer round-trips as an ArrayBuffer of its own', async (t) => {
  const source = new Uint8Array([9, 8, 7, 6, 5]).buffer;
  const decoded = valueOf(roundTrip(carrying(source))) as ArrayBuffer;
  t.ok(decoded instanceof ArrayBuffer, 'decoded as ArrayBuffer');
  t.strictSame(Array.from(new Uint8Array(decoded)), [9, 8, 7, 6, 5]);
  t.equal(decoded.byteLength, 5, 'no larger than the original (not the receive buffer)');
});

t.test('segments are views of the sender memory, not copies', async (t) => {
  const big = new Float64Array(1 << 17); // 1 MiB
  for (let i = 0; i < big.length; i++) big[i] = i;
  const window = big.subarray(1000, 2000);
  const frame = codec.encode(carrying([big, window]));
  t.equal(frame.segments.length, 2);
  t.equal(frame.segments[0]!.buffer, big.buffer, 'segment 0 shares the array buffer');
  t.equal(frame.segments[0]!.byteOffset, 0);
  t.equal(frame.segments[0]!.byteLength, big.byteLength);
  t.equal(frame.segments[1]!.buffer, big.buffer, 'segment 1 shares the array buffer');
  t.equal(frame.segments[1]!.byteOffset, window.byteOffset, 'at the window offset');
  big[1500] = -1;
  t.equal(new Float64Array(frame.segments[1]!.buffer, frame.segments[1]!.byteOffset, 1000)[500], -1, 'a write after encode shows through: no copy was made');
});

t.test('aligned segments decode as views on the received bytes', async (t) => {
  const frame = codec.encode(carrying({ a: new Float64Array([1, 2, 3]), b: new Int16Array([4, 5]), c: Buffer.from([1]), d: new DataView(new ArrayBuffer(4)) }));
  // Receive buffers: fresh copies, 8-aligned.
  const received: Frame = { header: frame.header.slice(), segments: frame.segments.map((s) => s.slice()) };
  const value = valueOf(codec.decode(received)) as { a: Float64Array; b: Int16Array; c: Buffer; d: DataView };
  t.equal(value.a.buffer, received.segments[0]!.buffer, 'Float64Array is a view on segment 0');
  t.equal(value.b.buffer, received.segments[1]!.buffer, 'Int16Array is a view on segment 1');
  t.equal(value.c.buffer, received.segments[2]!.buffer, 'Buffer is a view on segment 2');
  t.equal(value.d.buffer, received.segments[3]!.buffer, 'DataView is a view on segment 3');
  received.segments[0]!.fill(0, 0, 8);
  t.equal(value.a[0], 0, 'writing the receive buffer shows in the decoded array');
});

t.test('misaligned receive buffers give correct values of the right class', async (t) => {
  for (const { cls, values } of TYPED) {
    const frame = codec.encode(carrying(viewWithOffset(cls, values, 0)));
    const segment = frame.segments[0]!;
    for (const misalign of [1, 3, 5]) {
      const backing = new Uint8Array(segment.byteLength + 16);
      const moved = backing.subarray(misalign, misalign + segment.byteLength);
      moved.set(segment);
      const decoded = valueOf(codec.decode({ header: frame.header, segments: [moved] })) as ArrayBufferView & ArrayLike<number | bigint>;
      t.equal(Object.getPrototypeOf(decoded), cls.prototype, `${cls.name} at +${misalign}: class`);
      t.equal(decoded.byteOffset % cls.BYTES_PER_ELEMENT, 0, `${cls.name} at +${misalign}: aligned view`);
      sameElements(t, decoded, values, `${cls.name} at +${misalign}`);
    }
  }
});

t.test('frames through frameToMessages and FrameAssembler decode correctly from odd offsets', async (t) => {
  const payload = {
    small: new Float64Array([1.25, 2.5]),
    odd: new Uint8Array([1, 2, 3]),
    big: new Float64Array(8192).map((_, i) => i * 0.5), // 64 KiB: detached
    ints: new BigInt64Array([-(2n ** 40n), 7n]),
  };
  const frame = codec.encode(carrying(payload));
  const messages = frameToMessages(frame);
  t.ok(messages.length >= 2, 'the big segment travels detached');
  for (const misalign of [0, 1, 4]) {
    const assembler = new FrameAssembler(1 << 30);
    let out: Frame | null = null;
    for (const message of messages) {
      const backing = new Uint8Array(message.byteLength + 8);
      const moved = backing.subarray(misalign, misalign + message.byteLength);
      moved.set(message);
      out = assembler.push(moved);
    }
    t.ok(out, `frame completed (+${misalign})`);
    const value = valueOf(codec.decode(out!)) as typeof payload;
    t.equal(Object.getPrototypeOf(value.small), Float64Array.prototype);
    t.strictSame(Array.from(value.small), [1.25, 2.5], `small Float64Array (+${misalign})`);
    t.strictSame(Array.from(value.odd), [1, 2, 3], `Uint8Array (+${misalign})`);
    t.equal(value.big.length, 8192);
    t.equal(value.big[8191], 8191 * 0.5, `big Float64Array (+${misalign})`);
    t.strictSame(Array.from(value.ints), [-(2n ** 40n), 7n], `BigInt64Array (+${misalign})`);
  }
});

t.test('Map, Set, Date, undefined and bigint round-trip', async (t) => {
  const date = new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 123));
  const value = valueOf(
    roundTrip(
      carrying({
        set: new Set([1, 'two', 3]),
        date,
        missing: undefined,
        list: [undefined, null, 0],
        big: 2n ** 70n,
        negative: -(2n ** 65n),
        small: 12n,
      }),
    ),
  ) as Record<string, unknown>;
  t.ok(value.set instanceof Set, 'Set stays a Set');
  t.strictSame([...(value.set as Set<unknown>)], [1, 'two', 3]);
  t.ok(value.date instanceof Date, 'Date stays a Date');
  t.equal((value.date as Date).getTime(), date.getTime(), 'to the millisecond');
  t.ok('missing' in value, 'an undefined field is kept');
  t.equal(value.missing, undefined);
  t.strictSame(value.list, [undefined, null, 0]);
  t.equal(value.big, 2n ** 70n, 'a bigint beyond 64 bits');
  t.equal(value.negative, -(2n ** 65n));
  t.equal(value.small, 12n, 'a small bigint stays a bigint');
});


t.test('a Map round-trips as a Map with its keys', async (t) => {
  const map = new Map<unknown, unknown>([
    [1, 'one'],
    ['k', new Float64Array([2])],
    [3.5, null],
  ]);
  const decoded = valueOf(roundTrip(carrying(map)));
  const asMap = decoded instanceof Map ? decoded : new Map();
  t.ok(decoded instanceof Map, 'decoded as a Map');
  t.equal(asMap.get(1), 'one', 'number key kept as a number');
  t.ok(asMap.has(3.5), 'fractional key kept');
  t.strictSame(Array.from((asMap.get('k') as Float64Array | undefined) ?? []), [2], 'string key with a typed-array value');
});

t.test('typed arrays nested in Sets and arrays travel as segments', async (t) => {
  const frame = codec.encode(carrying({ inSet: new Set([new Int32Array([5])]), deep: [[[new Float32Array([0.5])]]] }));
  t.equal(frame.segments.length, 2);
  const value = valueOf(codec.decode(frame)) as { inSet: Set<Int32Array>; deep: Float32Array[][][] };
  t.strictSame(Array.from([...value.inSet][0]!), [5]);
  t.strictSame(Array.from(value.deep[0]![0]![0]!), [0.5]);
});

t.test('a future reference is rebuilt by the resolver', async (t) => {
  const sentFutures = new FutureTable(1, { sendFutureValue: () => undefined });
  const receiving = new FutureTable(2, { sendFutureValue: () => undefined });
  const seen: WireRefData[] = [];
  const receiverCodec = new Codec({
    resolve(data) {
      seen.push(data);
      if (data.t !== 'future') throw new ProtocolError('expected a future');
      return receiving.remote({ pe: data.pe, id: data.id });
    },
  });
  const future = sentFutures.create<number>();
  const message: Message = { kind: Kind.Invoke, coll: 1, index: [0], ep: 0, args: [future, { nested: future }], src: 1, seq: 0, reply: null, ack: null, hops: 0 };
  const decoded = receiverCodec.decode(codec.encode(message));
  if (decoded.kind !== Kind.Invoke) throw new Error('wrong kind');
  const [a, b] = decoded.args as [Future<number>, { nested: Future<number> }];
  t.strictSame(seen, [
    { t: 'future', pe: 1, id: future.id },
    { t: 'future', pe: 1, id: future.id },
  ]);
  t.not(a, future, 'a new object bound to the receiving side');
  t.equal(a.pe, 1, 'owner PE kept');
  t.equal(a.id, future.id, 'future id kept');
  t.equal(b.nested.id, future.id);
});

t.test('a proxy reference is rebuilt by the resolver with index and section', async (t) => {
  const resolver = recordingResolver();
  const receiver = new Codec(resolver);
  const data: WireRefData = { t: 'proxy', coll: 4, cls: 'Block', index: [1, 2], section: null };
  const sectionData: WireRefData = { t: 'proxy', coll: 4, cls: 'Block', index: null, section: { id: -3, coll: 4, root: 1 } };
  const value = valueOf(receiver.decode(codec.encode(carrying([new SentRef(data), new SentRef(sectionData)])))) as RebuiltRef[];
  t.ok(value[0] instanceof RebuiltRef, 'the resolver built the object');
  t.strictSame(value[0]!.data, data);
  t.strictSame(value[1]!.data, sectionData);
  t.strictSame(resolver.seen, [data, sectionData]);
});

t.test('a resolver failure surfaces as ProtocolError', async (t) => {
  const frame = codec.encode(carrying(new SentRef({ t: 'future', pe: 0, id: 1 })));
  const strict = new Codec({
    resolve() {
      throw new ProtocolError('no such future');
    },
  });
  t.throws(() => strict.decode(frame), ProtocolError, 'ProtocolError passes through');
  const sloppy = new Codec({
    resolve() {
      throw new TypeError('resolver bug');
    },
  });
  t.throws(() => sloppy.decode(frame), ProtocolError, 'any other error is wrapped as ProtocolError');
});

t.test('checkArgs refuses values that cannot travel, naming the path', async (t) => {
  t.doesNotThrow(() => codec.checkArgs([1, { a: new Float64Array(1) }], 'args'));
  const error = t.throws(() => codec.checkArgs([1, { f: () => 1 }], 'Block.work(...) arguments')) as UnserializableError;
  t.ok(error instanceof UnserializableError);
  t.equal(error.path, 'Block.work(...) arguments[1].f');
});

// ---------------------------------------------------------------------------------------------
// Malformed input.

/** msgpack bytes of [5, 1, true, <ext 0x20 carrying `data`>]: a FutureValue whose value is a segment reference. */
function headerWithSegmentRef(dataBytes: readonly number[]): Uint8Array {
  return new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x20, 0x00, ...dataBytes]);
}

/** msgpack of a small non-negative integer (< 128) or a uint16. */
function uint(n: number): number[] {
  return n < 128 ? [n] : [0xcd, n >> 8, n & 0xff];
}

t.test('the hand-built segment reference matches what the codec writes', async (t) => {
  const frame = codec.encode(carrying(new Float64Array([1])));
  t.strictSame(Array.from(frame.header), Array.from(headerWithSegmentRef([0x93, ...uint(0), ...uint(8), ...uint(8)])), 'layout of [5,1,true,segment(0, Float64, 8)]');
});

t.test('malformed envelopes throw ProtocolError', async (t) => {
  const cases: [string, Frame][] = [
    ['empty header', { header: new Uint8Array(0), segments: [] }],
    ['garbage msgpack (0xc1 is never used)', { header: new Uint8Array([0xc1]), segments: [] }],
    ['truncated msgpack', { header: codec.encode(sampleMessages()[0]!).header.subarray(0, 10), segments: [] }],
    ['trailing bytes after the envelope', { header: new Uint8Array([...codec.encode(sampleMessages()[6]!).header, 0x00]), segments: [] }],
    ['a number, not an envelope', { header: new Uint8Array([0x05]), segments: [] }],
    ['an empty array', { header: new Uint8Array([0x90]), segments: [] }],
    ['a map, not an array', { header: new Uint8Array([0x81, 0xa1, 0x6b, 0x01]), segments: [] }],
    ['unknown kind 0', { header: new Uint8Array([0x91, 0x00]), segments: [] }],
    ['unknown kind 13', { header: new Uint8Array([0x92, 0x0d, 0x00]), segments: [] }],
    ['unknown kind -1', { header: new Uint8Array([0x91, 0xff]), segments: [] }],
    ['unknown kind 1.5', { header: new Uint8Array([0x91, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]), segments: [] }],
    ['too few fields', { header: new Uint8Array([0x93, 0x05, 0x01, 0xc3]), segments: [] }],
    ['too many fields', { header: new Uint8Array([0x95, 0x05, 0x01, 0xc3, 0x01, 0x02]), segments: [] }],
    ['segment reference to a missing segment', { header: headerWithSegmentRef([0x93, 0x03, 0x08, 0x08]), segments: [new Uint8Array(8)] }],
    ['segment reference with a negative index', { header: headerWithSegmentRef([0x93, 0xff, 0x08, 0x08]), segments: [new Uint8Array(8)] }],
    ['segment length mismatch', { header: headerWithSegmentRef([0x93, 0x00, 0x08, 0x10]), segments: [new Uint8Array(8)] }],
    ['segment of an unknown element kind', { header: headerWithSegmentRef([0x93, 0x00, 0x63, 0x08]), segments: [new Uint8Array(8)] }],
    ['segment not a multiple of the element size', { header: headerWithSegmentRef([0x93, 0x00, 0x08, 0x0c]), segments: [new Uint8Array(12)] }],
    ['segment reference that is not an array', { header: headerWithSegmentRef([0xa1, 0x78]), segments: [] }],
    ['segment reference with two entries', { header: headerWithSegmentRef([0x92, 0x00, 0x08]), segments: [new Uint8Array(8)] }],
    ['segment reference with a string index', { header: headerWithSegmentRef([0x93, 0xa1, 0x30, 0x08, 0x08]), segments: [new Uint8Array(8)] }],
    ['reference that is not an object', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x21, 0x00, 0x05]), segments: [] }],
    ['reference that is null', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x21, 0x00, 0xc0]), segments: [] }],
    ['reference of an unknown kind', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x21, 0x00, 0x81, 0xa1, 0x74, 0xa1, 0x78]), segments: [] }],
    ['Map extension without pairs', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x22, 0x00, 0x05]), segments: [] }],
    ['Map extension with pairs that are not pairs', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd4, 0x22, 0x00, 0x91, 0x05]), segments: [] }],
    ['unknown extension type', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xc7, 0x01, 0x30, 0x00]), segments: [] }],
    ['segment extension in the fixext-4 form', { header: new Uint8Array([0x94, 0x05, 0x01, 0xc3, 0xd6, 0x20, 0, 0, 0, 0]), segments: [] }],
  ];
  for (const [what, frame] of cases) {
    t.throws(() => codec.decode(frame), ProtocolError, what);
  }
});

t.test('kind tags that name Object.prototype members are refused', async (t) => {
  // ["toString"] and ["constructor", 1]: msgpack fixarray of a fixstr (and an int).
  const toStringKind = new Uint8Array([0x91, 0xa8, ...Buffer.from('toString')]);
  const constructorKind = new Uint8Array([0x92, 0xab, ...Buffer.from('constructor'), 0x01]);
  t.throws(() => codec.decode({ header: toStringKind, segments: [] }), ProtocolError, '["toString"]');
  t.throws(() => codec.decode({ header: constructorKind, segments: [] }), ProtocolError, '["constructor", 1]');
});

t.test('a kind tag must be a number, not a numeric string', async (t) => {
  const stringKind = new Uint8Array([0x94, 0xa1, 0x35, 0x01, 0xc3, 0x03]);
  t.throws(() => codec.decode({ header: stringKind, segments: [] }), ProtocolError, '["5", 1, true, 3]');
});

t.test('a kind tag that is a map with a non-callable toString throws ProtocolError, not TypeError', async (t) => {
  // [{ toString: 1 }]: using the decoded object as a property key calls its toString.
  const header = new Uint8Array([0x91, 0x81, 0xa8, ...Buffer.from('toString'), 0x01]);
  let thrown: unknown;
  try {
    codec.decode({ header, segments: [] });
  } catch (error) {
    thrown = error;
  }
  t.ok(thrown instanceof ProtocolError, `threw ${String((thrown as Error)?.name)}`);
});

t.test('huge declared msgpack lengths throw without allocating them', async (t) => {
  const cases: [string, number[]][] = [
    ['bin32 of 4 GiB', [0x91, 0xc6, 0xff, 0xff, 0xff, 0xf0, 0x01]],
    ['str32 of 4 GiB', [0x91, 0xdb, 0xff, 0xff, 0xff, 0xf0, 0x41]],
    ['array32 of 4 G entries', [0x91, 0xdd, 0xff, 0xff, 0xff, 0xf0, 0x01]],
    ['map32 of 4 G entries', [0x91, 0xdf, 0xff, 0xff, 0xff, 0xf0, 0x01]],
    ['ext32 of 4 GiB', [0x91, 0xc9, 0xff, 0xff, 0xff, 0xf0, 0x20, 0x01]],
  ];
  for (const [what, bytes] of cases) {
    const before = process.memoryUsage().arrayBuffers;
    t.throws(() => codec.decode({ header: new Uint8Array(bytes), segments: [] }), ProtocolError, what);
    t.ok(process.memoryUsage().arrayBuffers - before < 16 << 20, `${what}: nothing near the declared size was allocated`);
  }
});

t.test('fuzz: Codec.decode on random and mutated bytes throws nothing but ProtocolError', async (t) => {
  const valid = sampleMessages().map((m) => codec.encode(m));
  valid.push(codec.encode(carrying({ a: new Float64Array([1, 2]), b: Buffer.from('xy'), r: new SentRef({ t: 'future', pe: 0, id: 3 }), s: new Set([1]) })));
  // A call in the compact binary form, with every kind of compact argument.
  const args = [1, true, null, undefined, 'text', new Float64Array(3), Buffer.from('z')];
  valid.push(codec.encode({ kind: Kind.Invoke, coll: 1, index: [2, 3], ep: 0, args, src: 0, seq: 4, reply: { pe: 0, id: 5 }, ack: null, hops: 0 }));
  const onlyProtocolErrors = (frame: Frame): boolean => {
    try {
      codec.decode(frame);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
    }
    return true;
  };
  const segments = fc.array(fc.uint8Array({ maxLength: 24 }), { maxLength: 3 });
  const random = fc.record({ header: fc.uint8Array({ maxLength: 64 }), segments });
  const mutated = fc
    .record({
      base: fc.constantFrom(...valid),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat()),
      dropSegment: fc.boolean(),
    })
    .map(({ base, edits, cut, dropSegment }) => {
      const header = base.header.slice();
      for (const [at, byte] of edits) if (header.length > 0) header[at % header.length] = byte;
      return {
        header: cut === null ? header : header.subarray(0, cut % (header.length + 1)),
        segments: dropSegment ? base.segments.slice(1) : base.segments.map((s) => s.slice()),
      };
    });
  const deadline = { interruptAfterTimeLimit: 1500, markInterruptAsFailure: false };
  fc.assert(fc.property(random, onlyProtocolErrors), { numRuns: 3000, ...deadline });
  fc.assert(fc.property(mutated, onlyProtocolErrors), { numRuns: 3000, ...deadline });
  t.pass('no other error escaped');
});

t.test('fuzz: random and mutated messages through FrameAssembler then Codec throw nothing but ProtocolError', async (t) => {
  const valid = sampleMessages().map((m) => frameToMessages(codec.encode(m), 16));
  valid.push(frameToMessages(codec.encode(carrying({ big: new Float64Array(10), small: new Uint8Array(3) })), 16));
  const feed = (messages: readonly Uint8Array[]): boolean => {
    const assembler = new FrameAssembler(1 << 16);
    for (const message of messages) {
      try {
        const frame = assembler.push(message);
        if (frame !== null) codec.decode(frame);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        return true;
      }
    }
    return true;
  };
  const random = fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 4 });
  const mutated = fc
    .record({
      base: fc.constantFrom(...valid),
      edits: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    })
    .map(({ base, edits }) => {
      const messages = base.map((m) => m.slice());
      for (const [which, at, byte] of edits) {
        const message = messages[which % messages.length]!;
        if (message.length > 0) message[at % message.length] = byte;
      }
      return messages;
    });
  const deadline = { interruptAfterTimeLimit: 1500, markInterruptAsFailure: false };
  fc.assert(fc.property(random, feed), { numRuns: 3000, ...deadline });
  fc.assert(fc.property(mutated, feed), { numRuns: 3000, ...deadline });
  t.pass('no other error escaped');
});

t.test('a decoded message never refers to its header (a transport may lend the header and reuse it)', async (t) => {
  // msgpack envelope [FutureValue, id 7, ok true, bin [1, 2, 3]] (the encoder sends binary as segments; a bin comes only from a foreign sender).
  const header = Uint8Array.from([0x94, Kind.FutureValue, 7, 0xc3, 0xc4, 3, 1, 2, 3]);
  const message = codec.decode({ header, segments: [] }) as Message & { value: Uint8Array };
  header.fill(0xee);
  t.strictSame([...message.value], [1, 2, 3], 'bin copied out');
  // A compact call with a small array, a string and a number in its header.
  const call = codec.encode({ kind: Kind.Invoke, coll: 1, index: [2], ep: 3, args: [Float64Array.of(1.5, -2), 'héllo', 4], src: 0, seq: 9, reply: null, ack: null, hops: 0 });
  t.equal(call.segments.length, 0, 'all in the header');
  const lent = Uint8Array.from(call.header);
  const decoded = codec.decode({ header: lent, segments: [] }) as Message & { args: unknown[] };
  lent.fill(0xee);
  t.strictSame([...(decoded.args[0] as Float64Array)], [1.5, -2]);
  t.equal(decoded.args[1], 'héllo');
  t.equal(decoded.args[2], 4);
  t.not((decoded.args[0] as Float64Array).buffer, lent.buffer, 'the array has memory of its own');
});
