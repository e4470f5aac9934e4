/**
 * Turns received parts into frames. A part's control header (in the scratch array) lists the
 * chunks its buffer holds; a frame is complete when all its parts are in, whatever their order.
 * The views it builds share the received buffers: nothing is copied.
 */
import type { HeaderScratch } from '../header-scratch.js';
import type { Frame } from '../transport.js';
import { FIXED_WORDS, Word, alignUp } from './wire.js';

const NO_SEGMENTS: readonly Uint8Array[] = Object.freeze([]);

interface Assembly {
  readonly chunks: Uint8Array[];
  partsLeft: number;
}

/** Collects the parts of multi-part frames, per sender and sequence number. */
export class FrameAssembler {
  readonly #open = new Map<number, Map<number, Assembly>>();

  /** Frames with some parts still missing. */
  get incomplete(): number {
    let count = 0;
    for (const bySequence of this.#open.values()) count += bySequence.size;
    return count;
  }

  /**
   * Adds the part whose control header is `control` and whose data is `buffer`; returns its frame
   * once every part has arrived, else undefined.
   */
  add(control: Uint32Array, buffer: ArrayBuffer): Frame | undefined {
    const parts = control[Word.Parts] >>> 16;
    const chunkWord = control[Word.Chunks];
    const first = chunkWord & 0xffff;
    const count = chunkWord >>> 16;
    if (parts === 1) {
      if (count === 1) return { header: new Uint8Array(buffer, 0, control[FIXED_WORDS]), segments: NO_SEGMENTS };
      const chunks = new Array<Uint8Array>(count);
      cutChunks(control, buffer, chunks, 0, count);
      return { header: chunks[0] ?? new Uint8Array(0), segments: chunks.slice(1) };
    }

    const source = control[Word.Source];
    const sequence = control[Word.Sequence];
    let bySequence = this.#open.get(source);
    if (bySequence === undefined) {
      bySequence = new Map();
      this.#open.set(source, bySequence);
    }
    let assembly = bySequence.get(sequence);
    if (assembly === undefined) {
      assembly = { chunks: [], partsLeft: parts };
      bySequence.set(sequence, assembly);
    }
    cutChunks(control, buffer, assembly.chunks, first, count);
    if (--assembly.partsLeft > 0) return undefined;
    bySequence.delete(sequence);
    if (bySequence.size === 0) this.#open.delete(source);
    const [header, ...segments] = assembly.chunks;
    return { header: header ?? new Uint8Array(0), segments };
  }

  /**
   * The frame of a part that the addon copied into `scratch` (a whole frame of one chunk, its
   * header, whose length the control header gives): a view on the scratch, valid until the next
   * part arrives.
   */
  lent(control: Uint32Array, scratch: HeaderScratch): Frame {
    return { header: scratch.view(control[FIXED_WORDS]!), segments: NO_SEGMENTS, words: scratch.words };
  }

  /** Forgets the incomplete frames of `source` (it is gone). */
  dropSource(source: number): void {
    this.#open.delete(source);
  }
}

/** Writes views on the `count` chunks packed in `buffer` into `out[first..]`. */
function cutChunks(control: Uint32Array, buffer: ArrayBuffer, out: Uint8Array[], first: number, count: number): void {
  let offset = 0;
  for (let j = 0; j < count; j++) {
    const length = control[FIXED_WORDS + j];
    out[first + j] = new Uint8Array(buffer, offset, length);
    offset = alignUp(offset + length);
  }
}
