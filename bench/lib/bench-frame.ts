/** Frames the transport benchmarks send: an 8-byte header (opcode, 32-bit argument) and a payload. */
import type { Frame } from '../../src/transport/transport.js';

/** A frame of `size` payload bytes with opcode `op` and a 32-bit argument in its header (up to 8 bytes: the header alone). */
export function makeFrame(op: number, size: number, arg = 0): Frame {
  const header = new Uint8Array(8);
  header[0] = op;
  new DataView(header.buffer).setUint32(4, arg, true);
  if (size <= 8) return { header, segments: [] };
  return { header, segments: [new Uint8Array(size).fill(0x5a)] };
}
