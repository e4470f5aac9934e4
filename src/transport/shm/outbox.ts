/**
 * The sending side of one ring: frames go straight into the ring while they fit; the rest of a
 * frame that does not, and every frame after it, wait in a backlog (in order) until `flush`
 * finds space. Nothing here ever waits: the reader may be a thread that drains only when this
 * one returns to its event loop. After every write the receiver is woken if it is parked.
 *
 * Ownership: a backlogged frame keeps references to the caller's header and segments (never
 * copies) until its last byte is in the ring.
 */
import type { Frame } from '../transport.js';
import { ringDoorbell } from './doorbell.js';
import type { OutgoingHeader } from '../header-scratch.js';
import { descriptorBytes, OutgoingFrame, writeFrame, writeWholeFrame, writeWholeHeader } from './frame-writer.js';
import type { RingProducer } from './spsc-ring.js';

/** Placeholder held by the reusable cursor between sends, so that it keeps no caller memory alive. */
const NO_FRAME: Frame = Object.freeze({ header: new Uint8Array(0), segments: [] });

/** Frames from this PE to one peer. */
export class Outbox {
  readonly #ring: RingProducer;
  readonly #control: Int32Array;
  readonly #parkedSlot: number;
  readonly #bellSlot: number;
  readonly #chunk: number;
  #backlog: OutgoingFrame[] = [];
  /** The cursor of a frame written directly; copied into the backlog when the ring fills. */
  readonly #direct = new OutgoingFrame(NO_FRAME);

  /**
   * Writes into `ring`; the receiver's park word and doorbell are `parkedSlot` and `bellSlot`
   * of `control`. Large copies publish every `chunkBytes` bytes.
   */
  constructor(ring: RingProducer, control: Int32Array, parkedSlot: number, bellSlot: number, chunkBytes: number) {
    this.#ring = ring;
    this.#control = control;
    this.#parkedSlot = parkedSlot;
    this.#bellSlot = bellSlot;
    this.#chunk = chunkBytes;
  }

  /** Frames waiting in the backlog. */
  get waiting(): number {
    return this.#backlog.length;
  }

  /** Sends `frame` (checked by the caller): into the ring as far as it fits, the rest to the backlog. Returns true when something is left waiting. */
  send(frame: Frame): boolean {
    if (this.#backlog.length > 0) {
      this.#backlog.push(new OutgoingFrame(frame));
      return true;
    }
    if (writeWholeFrame(this.#ring, frame)) {
      this.#wakeReceiver();
      return false;
    }
    const out = this.#direct.reset(frame);
    if (writeFrame(this.#ring, out, this.#chunk) > 0) this.#wakeReceiver();
    const left = !out.done;
    if (left) this.#backlog.push(out.copy());
    out.reset(NO_FRAME);
    return left;
  }

  /**
   * Sends the frame without segments whose header is the first `length` bytes of `header`:
   * copied into the ring when nothing waits and it fits, otherwise into a frame of its own that
   * waits in the backlog. Returns true when something is left waiting.
   */
  sendHeader(header: OutgoingHeader, length: number): boolean {
    if (this.#backlog.length === 0 && writeWholeHeader(this.#ring, header.words, length)) {
      this.#wakeReceiver();
      return false;
    }
    return this.send({ header: header.copy(length), segments: [] });
  }

  /** Writes as much of the backlog as fits; returns the bytes written. */
  flush(): number {
    const backlog = this.#backlog;
    let written = 0;
    let done = 0;
    while (done < backlog.length) {
      const out = backlog[done]!;
      written += writeFrame(this.#ring, out, this.#chunk);
      if (!out.done) break;
      done++;
    }
    if (done === backlog.length) this.#backlog = [];
    else if (done > 0) backlog.splice(0, done);
    if (written > 0) this.#wakeReceiver();
    return written;
  }

  /**
   * Before parking with a backlog: asks the receiver to ring this PE's doorbell when it frees
   * space. Call after publishing "parked", then check {@link canMove}.
   */
  requestSpace(): void {
    if (this.#backlog.length > 0) this.#ring.requestSpace();
  }

  /** True when the backlog could make progress now. */
  canMove(): boolean {
    const next = this.#backlog[0];
    if (next === undefined) return false;
    const wanted = next.part < 0 ? descriptorBytes(next.frame.segments.length) : 8;
    return this.#ring.free(wanted) >= wanted;
  }

  /** Drops the backlog (the peer is gone, or this PE closes); returns true if it held anything. */
  clear(): boolean {
    const had = this.#backlog.length > 0;
    this.#backlog = [];
    return had;
  }

  /** Wakes the receiver if it is parked (publishes nothing itself). */
  #wakeReceiver(): void {
    ringDoorbell(this.#control, this.#parkedSlot, this.#bellSlot);
  }
}
