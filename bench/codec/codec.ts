/**
 * The cost of turning a call into a frame and back (`Codec.encode` / `Codec.decode`), in one
 * process, for the two envelope forms: an 8-byte call with simple arguments (the compact binary
 * header) and the same call whose arguments hold a plain object (msgpack). Prints one JSON line
 * per form and round: microseconds per encode and per decode, header bytes, and for the form
 * that has it, per encode into a transport's reused outgoing header (`encodeHeaderInto`, what
 * a call without segments costs the sender: `encode_into_us`, null where the form has none).
 *
 *     npx tsx bench/codec/codec.ts [--calls 1000000] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { Codec } from '../../src/runtime/codec.js';
import { Kind, type InvokeMessage } from '../../src/runtime/message.js';
import type { WireRefData } from '../../src/runtime/wire-ref.js';
import { OutgoingHeader } from '../../src/transport/header-scratch.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);

const codec = new Codec({ resolve: (data: WireRefData) => { throw new Error(`no references here (${data.t})`); } }, 2);
const call = (args: unknown[]): InvokeMessage => ({ kind: Kind.Invoke, coll: 3, index: [1], ep: 2, args, src: 0, seq: 17, reply: null, ack: null, hops: 0 });
const forms: [string, InvokeMessage][] = [
  ['compact', call([new Uint8Array(8).fill(7), 42])],
  ['msgpack', call([new Uint8Array(8).fill(7), { step: 42 }])],
];
const outgoing = new OutgoingHeader();

/** Microseconds per `encodeHeaderInto` of `message`, or null when it takes no compact header. */
function encodeIntoUs(message: InvokeMessage): number | null {
  if (codec.encodeHeaderInto(message, outgoing) < 0) return null;
  const start = performance.now();
  for (let i = 0; i < calls; i++) codec.encodeHeaderInto(message, outgoing);
  return ((performance.now() - start) * 1000) / calls;
}

for (let round = 0; round < rounds; round++) {
  for (const [form, message] of forms) {
    let frame = codec.encode(message);
    let start = performance.now();
    for (let i = 0; i < calls; i++) frame = codec.encode(message);
    const encodeUs = ((performance.now() - start) * 1000) / calls;
    start = performance.now();
    for (let i = 0; i < calls; i++) codec.decode(frame);
    const decodeUs = ((performance.now() - start) * 1000) / calls;
    const encodeInto = encodeIntoUs(message);
    console.log(JSON.stringify({ bench: 'codec', form, round, calls, encode_us: encodeUs, decode_us: decodeUs, encode_into_us: encodeInto, header_bytes: frame.header.byteLength }));
  }
}
