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
