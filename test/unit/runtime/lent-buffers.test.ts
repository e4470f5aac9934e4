/** Tests LentBuffers (src/runtime/lent-buffers.ts): lending received frames, handing them back, and copying lent arrays out of outgoing values. */
import { Buffer } from 'node:buffer';
import t from 'tap';
import { LentBuffers, type ReceivedFrame } from '../../../src/runtime/lent-buffers.js';

function lentSetup() {
  const released: ReceivedFrame[] = [];
  const lent = new LentBuffers((received) => void released.push(received));
  const segment = new Uint8Array(64);
  const header = new Uint8Array(16);
  const received: ReceivedFrame = { from: 1, frame: { header, segments: [segment] } };
  return { lent, released, received, segment, header };
}

t.test('nothing is lent until a frame is, and nothing after it is settled', async (t) => {
  const { lent, released, received } = lentSetup();
  t.notOk(lent.active);
  lent.lend(received);
  t.ok(lent.active);
  lent.settle(received);
  t.notOk(lent.active);
  t.strictSame(released, [received], 'the frame goes back once');
});

t.test('a buffer lent twice stays lent until both frames are settled', async (t) => {
  const { lent, received, header } = lentSetup();
  const other: ReceivedFrame = { from: 1, frame: { header, segments: [] } };
  lent.lend(received);
  lent.lend(other);
  lent.settle(received);
  t.ok(lent.active, 'the shared header block is still lent');
  t.not(lent.protect(new Uint8Array(header.buffer, 0, 4)).buffer, header.buffer, 'and copied when sent');
  lent.settle(other);
  t.notOk(lent.active);
});

t.test('protect returns values without lent parts unchanged', async (t) => {
  const { lent, received } = lentSetup();
  const value = { a: [1, new Float64Array(2)], m: new Map([['k', new Int32Array(1)]]) };
  t.equal(lent.protect(value), value, 'nothing lent: the same object');
  lent.lend(received);
  t.equal(lent.protect(value), value, 'lent, but not inside: the same object');
  t.equal(lent.protect(5), 5);
  t.equal(lent.protect(null), null);
});

t.test('protect copies lent views of every kind, deep inside, and leaves the rest shared', async (t) => {
  const { lent, received, segment } = lentSetup();
  segment.fill(9);
  lent.lend(received);
  const floats = new Float64Array(segment.buffer, 8, 2);
  const bytes = Buffer.from(segment.buffer, 0, 4);
  const view = new DataView(segment.buffer, 16, 8);
  const own = new Int32Array([1, 2]);
  const original = { floats, list: [own, bytes], map: new Map([['v', view]]), set: new Set([segment]), raw: segment.buffer };
  const safe = lent.protect(original);
  t.not(safe, original, 'the container holding lent arrays is a copy');
  t.ok(safe.floats instanceof Float64Array);
  t.not(safe.floats.buffer, segment.buffer, 'the Float64Array is copied');
  t.strictSame([...safe.floats], [...floats]);
  t.equal(safe.list[0], own, 'arrays that are not lent are shared');
  t.ok(Buffer.isBuffer(safe.list[1]), 'a Buffer stays a Buffer');
  t.not(safe.list[1]!.buffer, segment.buffer);
  t.strictSame([...safe.list[1]!], [9, 9, 9, 9]);
  const copiedView = safe.map.get('v')!;
  t.ok(copiedView instanceof DataView);
  t.equal(copiedView.byteLength, 8);
  t.not(copiedView.buffer, segment.buffer);
  t.not([...safe.set][0]!.buffer, segment.buffer);
  t.not(safe.raw, segment.buffer, 'a lent ArrayBuffer is copied');
  t.equal(safe.raw.byteLength, segment.buffer.byteLength);
  t.equal(original.floats, floats, 'the original object is left as it was');
  lent.settle(received);
  t.equal(lent.protect(original), original, 'once settled, nothing is copied');
});
