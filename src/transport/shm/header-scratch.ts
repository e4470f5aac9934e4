/**
 * The memory a frame reader reuses for the header of every small frame without segments, when
 * its transport lends such headers (ShmTransportOptions.lentHeaderBytes): the header is copied
 * out of the ring word by word into this scratch and delivered as a view on it, valid until the
 * delivery returns. A receiver that decodes the header at once (the runtime's codec copies what
 * it keeps) then costs no receive memory and no new view per message: views of the common
 * lengths are made once and kept.
 */
import { pad8 } from './frame-writer.js';

/** Header lengths up to this many bytes keep their view; longer ones get a fresh view each time. */
const CACHED_VIEW_BYTES = 256;

/** Reusable header memory of one reader. */
export class HeaderScratch {
  /** The scratch as 32-bit words (what the ring copies into). */
  readonly words: Uint32Array;
  /** Longest header lent. */
  readonly maxBytes: number;
  readonly #bytes: Uint8Array;
  readonly #views = new Array<Uint8Array | undefined>(CACHED_VIEW_BYTES + 1).fill(undefined);

  /** Scratch for headers of up to `maxBytes` bytes. */
  constructor(maxBytes: number) {
    const buffer = new ArrayBuffer(pad8(Math.max(8, maxBytes)));
    this.words = new Uint32Array(buffer);
    this.#bytes = new Uint8Array(buffer);
    this.maxBytes = maxBytes;
  }

  /** A view of the scratch's first `length` bytes (`length` at most {@link maxBytes}). */
  view(length: number): Uint8Array {
    if (length > CACHED_VIEW_BYTES) return this.#bytes.subarray(0, length);
    let view = this.#views[length];
    if (view === undefined) this.#views[length] = view = this.#bytes.subarray(0, length);
    return view;
  }
}
