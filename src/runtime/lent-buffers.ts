/**
 * Borrowed arguments (`static borrows = [...]` on a chare class): the typed arrays a borrowing
 * entry method receives are views on the transport's receive memory, lent to the call. When the
 * call is over (it returned, or its promise settled) the frame goes back to the transport, whose
 * pool reuses the memory for the next message of that size; the lent ArrayBuffers are detached
 * then, so a view kept by mistake reads as empty, never as another message's data.
 *
 * While anything is lent, whatever leaves the call through the runtime is made safe here: a
 * message sent (to this PE or another), a reduction contribution, or a return value that holds a
 * lent array gets a copy of that array instead, so forwarding a borrowed argument is correct,
 * only not free. Nothing is walked while nothing is lent.
 */
import { Buffer } from 'node:buffer';
import type { Frame } from '../transport/transport.js';

/** A received frame and the PE it came from, kept with the call decoded from it. */
export interface ReceivedFrame {
  readonly from: number;
  readonly frame: Frame;
}

/** Hands a received frame back to the transport that delivered it. */
export type FrameRelease = (received: ReceivedFrame) => void;

/** The buffers lent to running borrowing calls of one PE. */
export class LentBuffers {
  /**
   * Lent ArrayBuffers, and in `#holders` at the same position how many parts of lent frames lie
   * in each (the header and small segments of a frame may share a block, and blocks are shared
   * between frames). Plain arrays searched from the end: only running borrowing calls hold
   * frames, so there are few, and lending and settling one per message allocates nothing (a
   * Map shrinks its table, a fresh allocation, whenever it empties).
   */
  readonly #lent: ArrayBufferLike[] = [];
  readonly #holders: number[] = [];
  readonly #release: FrameRelease;

  /** `release` takes a frame back once no call borrows it any more. */
  constructor(release: FrameRelease) {
    this.#release = release;
  }

  /** Whether any buffer is lent now (outgoing values are checked only then). */
  get active(): boolean {
    return this.#lent.length > 0;
  }

  /** Lends the buffers of `received` to a call that is about to run. */
  lend(received: ReceivedFrame): void {
    const { header, segments } = received.frame;
    this.#hold(header.buffer);
    for (let i = 0; i < segments.length; i++) this.#hold(segments[i]!.buffer);
  }

  /** The call that borrowed `received` is over: its buffers stop being lent and the frame goes back. */
  settle(received: ReceivedFrame): void {
    const { header, segments } = received.frame;
    this.#drop(header.buffer);
    for (let i = 0; i < segments.length; i++) this.#drop(segments[i]!.buffer);
    this.#release(received);
  }

  #hold(buffer: ArrayBufferLike): void {
    const at = this.#lent.lastIndexOf(buffer);
    if (at >= 0) {
      this.#holders[at]!++;
    } else {
      this.#lent.push(buffer);
      this.#holders.push(1);
    }
  }

  #drop(buffer: ArrayBufferLike): void {
    const at = this.#lent.lastIndexOf(buffer);
    if (at < 0) return;
    if (--this.#holders[at]! > 0) return;
    // Swap with the last entry and pop: order does not matter.
    const last = this.#lent.length - 1;
    this.#lent[at] = this.#lent[last]!;
    this.#holders[at] = this.#holders[last]!;
    this.#lent.pop();
    this.#holders.pop();
  }

  #isLent(buffer: ArrayBufferLike): boolean {
    return this.#lent.lastIndexOf(buffer) >= 0;
  }

  /**
   * `value` with a copy in place of every lent typed array, DataView or ArrayBuffer inside it;
   * the containers on the way (arrays, plain objects, Maps, Sets) are copied only where something
   * inside them was. The value itself is returned when nothing in it is lent.
   */
  protect<T>(value: T): T {
    if (this.#lent.length === 0) return value;
    return this.#copyLent(value) as T;
  }

  #copyLent(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (ArrayBuffer.isView(value)) return this.#isLent(value.buffer) ? copyView(value) : value;
    if (value instanceof ArrayBuffer) return this.#isLent(value) ? value.slice(0) : value;
    if (Array.isArray(value)) return this.#copyArray(value) ?? value;
    if (value instanceof Map) {
      const entries = this.#copyArray([...value].flat());
      if (entries === null) return value;
      const copy = new Map();
      for (let i = 0; i < entries.length; i += 2) copy.set(entries[i], entries[i + 1]);
      return copy;
    }
    if (value instanceof Set) {
      const members = this.#copyArray([...value]);
      return members === null ? value : new Set(members);
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | null = null;
    for (const key of Object.keys(value)) {
      const field = (value as Record<string, unknown>)[key];
      const safe = this.#copyLent(field);
      if (safe === field) continue;
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = safe;
    }
    return copy ?? value;
  }

  /** A copy of `items` with its lent parts copied, or null when none is lent. */
  #copyArray(items: unknown[]): unknown[] | null {
    let copy: unknown[] | null = null;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const safe = this.#copyLent(item);
      if (safe === item) continue;
      copy ??= items.slice();
      copy[i] = safe;
    }
    return copy;
  }
}

/** A copy of a view, of the same class, in memory of its own. */
function copyView(view: ArrayBufferView): ArrayBufferView {
  if (Buffer.isBuffer(view)) return Buffer.from(view);
  if (view instanceof DataView) return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  return (view as unknown as { slice(): ArrayBufferView }).slice();
}
