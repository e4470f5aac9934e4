/**
 * The memory a transport reuses for the header of every small frame without segments, when it
 * lends such headers (`lentHeaderBytes` of the shm and UCX transports): the header is copied
 * into this scratch (out of the shm ring word by word, or by the UCX addon) and delivered as a
 * view on it, valid until the delivery returns. A receiver that decodes the header at once (the
 * runtime's codec copies what it keeps) then costs no receive memory and no new view per
 * message: views of the common lengths are made once and kept.
 */

/** Largest `lentHeaderBytes` a transport accepts (lending is for small headers; larger ones are worth memory of their own). */
export const MAX_LENT_HEADER_BYTES = 64 * 1024;

/**
 * A transport's `lentHeaderBytes` option, checked (default 0: nothing lent). Throws RangeError,
 * naming `transport`, unless it is an integer in [0, {@link MAX_LENT_HEADER_BYTES}].
 */
export function lentHeaderBytesOption(transport: string, value: number | undefined): number {
  const bytes = value ?? 0;
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_LENT_HEADER_BYTES) {
    throw new RangeError(`${transport}: lentHeaderBytes must be an integer in [0, ${MAX_LENT_HEADER_BYTES}]`);
  }
  return bytes;
}

/** Bytes of a transport's {@link OutgoingHeader}: room for a compact call with inline arguments of up to 1 KiB. */
export const OUTGOING_HEADER_BYTES = 2048;

/**
 * The memory a transport offers senders for the header of a frame without segments
 * (`Transport.outgoingHeader`): the sender encodes into it and calls `sendHeader` with the
 * length, and the transport copies the bytes out before `sendHeader` returns, so the same
 * memory serves every message and no header is allocated per message.
 */
export class OutgoingHeader {
  /** The memory as bytes (a Buffer, which the encoders write strings into). */
  readonly bytes: Buffer;
  /** The same memory as 32-bit words (what the shm ring copies from). */
  readonly words: Uint32Array;

  /** Room for headers of up to `maxBytes` bytes (rounded up to a multiple of 8). */
  constructor(maxBytes = OUTGOING_HEADER_BYTES) {
    const buffer = new ArrayBuffer(Math.max(8, maxBytes + (-maxBytes & 7)));
    this.bytes = Buffer.from(buffer);
    this.words = new Uint32Array(buffer);
  }

  /** A copy of the first `length` bytes, in memory of its own (for a frame that must wait). */
  copy(length: number): Uint8Array {
    const copy = new Uint8Array(length);
    copy.set(this.bytes.subarray(0, length));
    return copy;
  }

  /** Throws RangeError unless `length` is a whole number of bytes the memory holds. */
  check(length: number): void {
    if (!(Number.isInteger(length) && length >= 0 && length <= this.bytes.length)) {
      throw new RangeError(`an outgoing header of ${length} bytes does not fit the ${this.bytes.length} bytes offered`);
    }
  }
}

/** Header lengths up to this many bytes keep their view; longer ones get a fresh view each time. */
const CACHED_VIEW_BYTES = 256;

/** Reusable header memory of one reader. */
export class HeaderScratch {
  /** The scratch as 32-bit words (what the shm ring copies into). */
  readonly words: Uint32Array;
  /** The scratch as bytes (what the UCX addon copies into). */
  readonly bytes: Uint8Array;
  /** The scratch's memory. */
  readonly buffer: ArrayBuffer;
  /** Longest header lent. */
  readonly maxBytes: number;
  readonly #views = new Array<Uint8Array | undefined>(CACHED_VIEW_BYTES + 1).fill(undefined);

  /** Scratch for headers of up to `maxBytes` bytes. */
  constructor(maxBytes: number) {
    const buffer = new ArrayBuffer(Math.max(8, maxBytes + (-maxBytes & 7)));
    this.buffer = buffer;
    this.words = new Uint32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.maxBytes = maxBytes;
  }

  /** A view of the scratch's first `length` bytes (`length` at most {@link maxBytes}). */
  view(length: number): Uint8Array {
    if (length > CACHED_VIEW_BYTES) return this.bytes.subarray(0, length);
    let view = this.#views[length];
    if (view === undefined) this.#views[length] = view = this.bytes.subarray(0, length);
    return view;
  }
}
