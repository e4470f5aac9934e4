/**
 * The control header of a UCX message, as the native addon writes it into the scratch array before
 * each delivered part. Mirrors native/ucx/wire-format.h: keep the two in step.
 *
 * A frame is a list of chunks (chunk 0 the frame header, then its segments) sent as one or more
 * parts. A part's data holds its chunks back to back, each starting at a multiple of 8 bytes, so
 * typed-array views on a received segment are aligned.
 */

/** Word indices of the control header. */
export const Word = {
  /** Job tag (from the secret). */
  Tag: 0,
  /** Sender PE. */
  Source: 1,
  /** Frame sequence number, per sender and receiver, wrapping at 2^32. */
  Sequence: 2,
  /** Kind in bits 0-7. */
  Kind: 3,
  /** Part index (bits 0-15) and part count (bits 16-31). */
  Parts: 4,
  /** First chunk of the part (bits 0-15) and its chunk count (bits 16-31). */
  Chunks: 5,
} as const;

/** Words before the chunk lengths. */
export const FIXED_WORDS = 6;

/** Message kinds. */
export const Kind = {
  /** A frame (or part of one). */
  Frame: 0,
  /** The sender closed its transport in order; nothing follows from it. */
  Goodbye: 1,
} as const;

/** Most chunks (header plus segments) in one frame. */
export const MAX_CHUNKS = 4096;

/** Chunks start at multiples of this within a part. */
export const CHUNK_ALIGN = 8;

/** Rounds `n` up to a multiple of {@link CHUNK_ALIGN}. */
export function alignUp(n: number): number {
  return (n + CHUNK_ALIGN - 1) & ~(CHUNK_ALIGN - 1);
}

/** Scratch words the transport gives the addon: the fixed words and one length per chunk. */
export const SCRATCH_WORDS = FIXED_WORDS + MAX_CHUNKS;
