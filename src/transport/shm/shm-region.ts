/**
 * The shared memory of one process's PEs: one control block and one single-producer
 * single-consumer ring per ordered pair of PEs, all in SharedArrayBuffers.
 *
 * The process's first PE creates the region ({@link createShmRegion}) and hands the
 * description to the other PE threads in workerData; each thread (the first included) turns
 * it into typed views with {@link attachShmRegion}. Nothing here is ever freed or resized: the
 * region lives as long as the process's PEs do.
 *
 * Layout. Control block: an Int32Array of 128-byte lines (one writer per line, so no two
 * threads write the same cache line, nor an adjacent-line prefetch pair, in the hot path):
 *
 *     line 0                      magic | version | firstPe | count | ringBytes | closeEpoch
 *     line 1 + p                  PE p's park word | doorbell | closed flag
 *     then per ring r, two lines  producer: write counter | wants-space flag
 *                                 consumer: read counter
 *
 * Data block: ring r occupies bytes [r * ringBytes, (r + 1) * ringBytes). Ring r carries
 * frames from local PE `from` to local PE `to`, r = from * (count - 1) + (to < from ? to : to - 1).
 * Counters are free-running byte counts modulo 2^32; a ring is a power of two in size.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, ProtocolError } from '../../errors.js';

/** Int32 words per control line (128 bytes). */
export const LINE_WORDS = 32;
/** Largest ring the defaults pick (bytes). */
export const MAX_DEFAULT_RING_BYTES = 1 << 20;
/** Smallest ring allowed (bytes): a frame's descriptor (up to 16 KiB) must always fit. */
export const MIN_RING_BYTES = 1 << 16;
/** Largest ring allowed (bytes), so that free-running 32-bit counters stay unambiguous. */
export const MAX_RING_BYTES = 1 << 30;
/** Default budget for all rings of one process together (bytes). */
export const DEFAULT_TOTAL_RING_BYTES = 64 << 20;

const MAGIC = 0x43345348; // "C4SH"
const VERSION = 1;

/** Word offsets inside the header line and a PE's line. */
export const Word = {
  Magic: 0,
  Version: 1,
  FirstPe: 2,
  Count: 3,
  RingBytes: 4,
  /** Bumped (Atomics.add) whenever a PE of the region closes. */
  CloseEpoch: 5,
  /** In a PE's line: 1 while the PE is parked (waiting on its doorbell), else 0. */
  Parked: 0,
  /** In a PE's line: bumped by whoever wakes the PE; the PE waits on this word. */
  Doorbell: 1,
  /** In a PE's line: 1 once the PE's transport has closed. */
  Closed: 2,
  /** In a ring's producer line: the write counter. */
  Write: 0,
  /** In a ring's producer line: 1 while the producer waits for the consumer to free space. */
  WantsSpace: 1,
  /** In a ring's consumer line: the read counter. */
  Read: 0,
} as const;

/**
 * A region as it travels to PE threads (structured-cloneable: plain fields and
 * SharedArrayBuffers, which are shared, not copied, by postMessage and workerData).
 */
export interface ShmRegionDescription {
  readonly kind: 'charm4ts-shm';
  readonly version: number;
  /** Random id, so that PEs can tell that they attached the same region. */
  readonly id: string;
  /** Rank of the region's first PE; its PEs are firstPe .. firstPe + count - 1. */
  readonly firstPe: number;
  readonly count: number;
  /** Bytes of each ring (a power of two). */
  readonly ringBytes: number;
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/** Options of {@link createShmRegion}. */
export interface ShmRegionOptions {
  /** Rank of the process's first PE. */
  readonly firstPe: number;
  /** PEs in the process (>= 1). */
  readonly count: number;
  /** Bytes per ring, a power of two in [64 KiB, 1 GiB]; default {@link defaultRingBytes}. */
  readonly ringBytes?: number;
}

/**
 * Ring size for `count` PEs: the 64 MiB budget split over the count * (count - 1) rings,
 * rounded down to a power of two and kept within [64 KiB, 1 MiB]: 1 MiB rings up to 8 PEs
 * (56 MiB at 8), 256 KiB at 16 PEs (60 MiB), 64 KiB beyond 32. Pages of a ring are only
 * touched (and so only resident) once traffic reaches them.
 */
export function defaultRingBytes(count: number): number {
  const rings = Math.max(1, count * (count - 1));
  let bytes = MAX_DEFAULT_RING_BYTES;
  while (bytes > MIN_RING_BYTES && bytes * rings > DEFAULT_TOTAL_RING_BYTES) bytes /= 2;
  return bytes;
}

/** Number of rings of a region of `count` PEs. */
export function ringCount(count: number): number {
  return count * (count - 1);
}

/** Creates the shared memory for the PEs firstPe .. firstPe + count - 1 of this process. */
export function createShmRegion(options: ShmRegionOptions): ShmRegionDescription {
  const { firstPe, count } = options;
  if (!Number.isInteger(firstPe) || firstPe < 0) throw new InvalidArgumentError(`shm: firstPe must be a non-negative integer, not ${firstPe}`);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`shm: count must be a positive integer, not ${count}`);
  const ringBytes = options.ringBytes ?? defaultRingBytes(count);
  const powerOfTwo = Number.isInteger(ringBytes) && ringBytes > 0 && (ringBytes & (ringBytes - 1)) === 0;
  if (!powerOfTwo || ringBytes < MIN_RING_BYTES || ringBytes > MAX_RING_BYTES) {
    throw new InvalidArgumentError(`shm: ringBytes must be a power of two in [${MIN_RING_BYTES}, ${MAX_RING_BYTES}], not ${ringBytes}`);
  }
  const rings = ringCount(count);
  const control = new SharedArrayBuffer(controlWords(count) * 4);
  const data = new SharedArrayBuffer(Math.max(8, rings * ringBytes));
  const header = new Int32Array(control, 0, LINE_WORDS);
  header[Word.Magic] = MAGIC;
  header[Word.Version] = VERSION;
  header[Word.FirstPe] = firstPe;
  header[Word.Count] = count;
  header[Word.RingBytes] = ringBytes;
  return { kind: 'charm4ts-shm', version: VERSION, id: randomBytes(8).toString('hex'), firstPe, count, ringBytes, control, data };
}

function controlWords(count: number): number {
  return LINE_WORDS * (1 + count + 2 * ringCount(count));
}

/** Typed views on a region; cheap to create, one per PE thread. */
export class ShmRegion {
  readonly id: string;
  readonly firstPe: number;
  readonly count: number;
  readonly ringBytes: number;
  /** The control block (Atomics only, except where a comment says otherwise). */
  readonly control: Int32Array;
  /** All rings' bytes. */
  readonly data: SharedArrayBuffer;

  /** Use {@link attachShmRegion}, which validates the description first. */
  constructor(description: ShmRegionDescription) {
    this.id = description.id;
    this.firstPe = description.firstPe;
    this.count = description.count;
    this.ringBytes = description.ringBytes;
    this.control = new Int32Array(description.control);
    this.data = description.data;
  }

  /** True when `pe` (a global rank) is one of this region's PEs. */
  has(pe: number): boolean {
    return Number.isInteger(pe) && pe >= this.firstPe && pe < this.firstPe + this.count;
  }

  /** Index of the control word `word` of local PE `local` (see {@link Word}). */
  peWord(local: number, word: number): number {
    return LINE_WORDS * (1 + local) + word;
  }

  /** Index of the ring from local PE `from` to local PE `to` (from !== to). */
  ringIndex(from: number, to: number): number {
    return from * (this.count - 1) + (to < from ? to : to - 1);
  }

  /** Index of the producer-line word `word` of ring `ring`. */
  producerWord(ring: number, word: number): number {
    return LINE_WORDS * (1 + this.count + 2 * ring) + word;
  }

  /** Index of the consumer-line word `word` of ring `ring`. */
  consumerWord(ring: number, word: number): number {
    return LINE_WORDS * (2 + this.count + 2 * ring) + word;
  }
}

/**
 * Attaches to a region created by {@link createShmRegion} (typically received in workerData).
 * Throws ProtocolError when `description` is not a region of this version.
 */
export function attachShmRegion(description: unknown): ShmRegion {
  const d = description as Partial<ShmRegionDescription> | null;
  if (d === null || typeof d !== 'object' || d.kind !== 'charm4ts-shm') throw new ProtocolError('shm: not a shared-memory region description');
  if (d.version !== VERSION) throw new ProtocolError(`shm: region version ${String(d.version)}, this build speaks ${VERSION}`);
  if (!(d.control instanceof SharedArrayBuffer) || !(d.data instanceof SharedArrayBuffer)) throw new ProtocolError('shm: region buffers are not SharedArrayBuffers');
  const count = d.count ?? 0;
  const ringBytes = d.ringBytes ?? 0;
  if (d.control.byteLength !== controlWords(count) * 4 || d.data.byteLength < ringCount(count) * ringBytes) {
    throw new ProtocolError('shm: region buffers do not match the declared layout');
  }
  const header = new Int32Array(d.control, 0, LINE_WORDS);
  if (header[Word.Magic] !== MAGIC || header[Word.Count] !== count || header[Word.RingBytes] !== ringBytes || header[Word.FirstPe] !== d.firstPe) {
    throw new ProtocolError('shm: region header does not match its description');
  }
  return new ShmRegion(d as ShmRegionDescription);
}
