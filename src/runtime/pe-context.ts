/**
 * The narrow view of its PE that each runtime part is given: who am I, how to send, how to
 * fail. Parts never reach for the runtime itself.
 */
import type { Message } from './message.js';

/** What every runtime part may use. */
export interface PeContext {
  /** This PE's rank. */
  readonly myPe: number;
  /** Number of PEs in the job. */
  readonly numPes: number;
  /** Sends `message` to PE `pe`; to this PE it goes through the local queue, never the network. */
  send(pe: number, message: Message): void;
  /** Ends the job because of an error nothing can recover from (an uncaught entry-method error, a broken invariant). */
  fatal(message: string): void;
  /** Logs a problem the PE survives (a refused connection, a duplicate value). */
  warn(message: string): void;
}
