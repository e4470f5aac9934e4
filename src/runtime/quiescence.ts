/**
 * Quiescence detection: the job is quiescent when no message is queued or in flight anywhere.
 * Every PE counts the messages it created and processed (wave messages excluded); PE 0 runs
 * counting waves ({@link WaveRunner}) until two consecutive ones agree and created ==
 * processed, then resolves every waiter's future.
 *
 * Timers and promises that no message settles are not messages: a chare sleeping in
 * `charm.sleep` does not keep the job from being quiescent.
 */
import { Kind, type FutureRef, type QuiescenceMessage } from './message.js';
import type { PeContext } from './pe-context.js';
import { WAVE_ROOT, type WaveRunner } from './wave-runner.js';

/** Message counts of one PE, kept by the router (created) and the message handler (processed). */
export interface MessageCounts {
  /** Messages this PE created (sent, locally or remotely), wave messages excluded. */
  created: number;
  /** Messages this PE processed, wave messages excluded. */
  processed: number;
}

/** What the detector reports to when quiescence is reached. */
export interface QuiescenceSink {
  /** Resolves a waiter's future. */
  sendFutureValue(ref: FutureRef, ok: boolean, value: unknown): void;
}

/** Quiescence detection on one PE (waves run on PE 0). */
export class QuiescenceDetector {
  readonly #ctx: PeContext;
  readonly #sink: QuiescenceSink;
  readonly #runner: WaveRunner;
  readonly #waiters: FutureRef[] = [];

  constructor(ctx: PeContext, sink: QuiescenceSink, runner: WaveRunner) {
    this.#ctx = ctx;
    this.#sink = sink;
    this.#runner = runner;
  }

  /** Asks PE 0 to resolve `future` at the next quiescence. */
  request(future: FutureRef): void {
    this.#ctx.send(WAVE_ROOT, { kind: Kind.Quiescence, purpose: 'qd', phase: 'request', wave: 0, created: 0, processed: 0, awaited: 0, timers: 0, notes: [], future });
  }

  /** Handles a quiescence message. */
  receive(message: QuiescenceMessage): void {
    if (message.phase !== 'request') {
      this.#runner.receive(message);
      return;
    }
    this.#waiters.push(message.future!);
    this.#runner.start((_totals, quiescent) => {
      if (!quiescent) return true;
      for (const future of this.#waiters.splice(0)) this.#sink.sendFutureValue(future, true, undefined);
      return false;
    });
  }
}
