/**
 * Moves messages between this PE's parts and the other PEs: to itself through the scheduler's
 * queue, to others through the transport chosen for that PE (encoded by the codec). Counts
 * created messages for quiescence detection. Implements the {@link PeContext} every part uses.
 * Received frames lent to borrowing entry methods go back to their transport through it, and
 * while any is lent, what it sends holds copies of lent arrays instead of the arrays.
 */
import type { Frame, Transport } from '../transport/transport.js';
import type { Codec } from './codec.js';
import { LentBuffers } from './lent-buffers.js';
import { countsForQuiescence, Kind, type Message } from './message.js';
import type { PeContext } from './pe-context.js';
import type { MessageCounts } from './quiescence.js';
import type { Scheduler } from './scheduler.js';

/** What the router does when the job cannot go on. */
export interface FailureHandler {
  fatal(message: string): void;
  warn(message: string): void;
}

/** The PeContext of one PE. */
export class MessageRouter implements PeContext {
  readonly myPe: number;
  readonly numPes: number;
  readonly #scheduler: Scheduler<Message>;
  readonly #codec: Codec;
  readonly #counter: MessageCounts;
  readonly #failure: FailureHandler;
  #transports: readonly (Transport | undefined)[] = [];
  /** Frames lent to borrowing entry methods; returned to the transport that delivered them. */
  readonly lent = new LentBuffers((received) => this.releaseFrame(received.from, received.frame));

  constructor(myPe: number, numPes: number, scheduler: Scheduler<Message>, codec: Codec, counter: MessageCounts, failure: FailureHandler) {
    this.myPe = myPe;
    this.numPes = numPes;
    this.#scheduler = scheduler;
    this.#codec = codec;
    this.#counter = counter;
    this.#failure = failure;
  }

  /** Sets the transport serving each PE (index = PE; undefined for this PE). */
  setTransports(transports: readonly (Transport | undefined)[]): void {
    this.#transports = transports;
  }

  send(pe: number, outgoing: Message): void {
    const message = this.lent.active ? this.#protected(outgoing) : outgoing;
    if (countsForQuiescence(message.kind)) this.#counter.created++;
    if (pe === this.myPe) {
      this.#scheduler.enqueue(message);
      return;
    }
    const transport = this.#transports[pe];
    if (transport === undefined) {
      this.#failure.fatal(`PE ${this.myPe} has no transport to PE ${pe} (this job has PEs 0..${this.numPes - 1})`);
      return;
    }
    const header = transport.outgoingHeader;
    if (header !== undefined) {
      const length = this.#codec.encodeHeaderInto(message, header);
      if (length >= 0) {
        transport.sendHeader!(pe, length);
        return;
      }
    }
    transport.send(pe, this.#codec.encode(message));
  }

  /** `outgoing` with copies in place of lent arrays; an entry-method call's only user data is its arguments. */
  #protected(outgoing: Message): Message {
    if (outgoing.kind !== Kind.Invoke) return this.lent.protect(outgoing);
    const args = this.lent.protect(outgoing.args);
    return args === outgoing.args ? outgoing : { ...outgoing, args };
  }

  /** Hands a frame received from `from` back to the transport that delivered it (nothing may see its memory any more). */
  releaseFrame(from: number, frame: Frame): void {
    this.#transports[from]?.release?.(frame);
  }

  fatal(message: string): void {
    this.#failure.fatal(message);
  }

  warn(message: string): void {
    this.#failure.warn(message);
  }
}
