/**
 * Quiescence detection: the job is quiescent when no message is queued or in flight anywhere.
 * Every PE counts the messages it created and processed (quiescence messages excluded). PE 0
 * runs waves down a spanning tree; each PE adds its counts to its children's on the way back
 * up. Two consecutive waves with equal totals, created == processed, mean nothing moved in
 * between: quiescence. Waiters (futures) are then resolved.
 *
 * Timers and awaited promises that no message will settle are not messages: a chare sleeping
 * in `charm.sleep` does not keep the job from being quiescent.
 */
import { Kind, type FutureRef, type QuiescenceMessage } from './message.js';
import type { PeContext } from './pe-context.js';
import { childrenInRotatedTree, parentInRotatedTree } from './spanning-tree.js';

/** The PE that runs the waves. */
const QD_ROOT = 0;

/** What the detector reports to when quiescence is reached. */
export interface QuiescenceSink {
  /** Resolves a waiter's future. */
  sendFutureValue(ref: FutureRef, ok: boolean, value: unknown): void;
}

/** Message counts of one PE, kept by the router (created) and the message handler (processed). */
export interface MessageCounts {
  /** Messages this PE created (sent, locally or remotely), quiescence messages excluded. */
  created: number;
  /** Messages this PE processed, quiescence messages excluded. */
  processed: number;
}

interface WaveState {
  reports: number;
  created: number;
  processed: number;
}

/** Quiescence detection on one PE. */
export class QuiescenceDetector {
  readonly #counts: MessageCounts;
  readonly #ctx: PeContext;
  readonly #sink: QuiescenceSink;
  readonly #waiters: FutureRef[] = [];
  readonly #waves = new Map<number, WaveState>();
  #wave = 0;
  #running = false;
  #previous: { created: number; processed: number } | null = null;
  #delayMs = 0;

  constructor(ctx: PeContext, sink: QuiescenceSink, counts: MessageCounts) {
    this.#ctx = ctx;
    this.#sink = sink;
    this.#counts = counts;
  }

  /** Asks PE 0 to resolve `future` at the next quiescence. */
  request(future: FutureRef): void {
    this.#send(QD_ROOT, { phase: 'request', wave: 0, created: 0, processed: 0, future });
  }

  /** Handles a quiescence message. */
  receive(message: QuiescenceMessage): void {
    switch (message.phase) {
      case 'request':
        this.#waiters.push(message.future!);
        if (!this.#running) {
          this.#running = true;
          this.#previous = null;
          this.#delayMs = 0;
          this.#startWave();
        }
        return;
      case 'probe':
        for (const child of this.#children()) this.#send(child, message);
        this.#report(message.wave, 0, 0, false);
        return;
      case 'report':
        this.#report(message.wave, message.created, message.processed, true);
        return;
    }
  }

  #startWave(): void {
    const wave = ++this.#wave;
    const probe = { phase: 'probe' as const, wave, created: 0, processed: 0, future: null };
    for (const child of this.#children()) this.#send(child, probe);
    this.#report(wave, 0, 0, false);
  }

  #report(wave: number, created: number, processed: number, fromChild: boolean): void {
    let state = this.#waves.get(wave);
    if (state === undefined) this.#waves.set(wave, (state = { reports: 0, created: 0, processed: 0 }));
    // One report per child, plus this PE's own counts (taken when the probe is handled here).
    state.reports++;
    state.created += fromChild ? created : this.#counts.created;
    state.processed += fromChild ? processed : this.#counts.processed;
    if (state.reports < this.#children().length + 1) return;
    this.#waves.delete(wave);
    const parent = parentInRotatedTree(QD_ROOT, this.#ctx.myPe, this.#ctx.numPes);
    if (parent >= 0) {
      this.#send(parent, { phase: 'report', wave, created: state.created, processed: state.processed, future: null });
      return;
    }
    this.#waveDone(state.created, state.processed);
  }

  #waveDone(created: number, processed: number): void {
    const previous = this.#previous;
    if (created === processed && previous !== null && previous.created === created && previous.processed === processed) {
      this.#running = false;
      this.#previous = null;
      const waiters = this.#waiters.splice(0);
      for (const future of waiters) this.#sink.sendFutureValue(future, true, undefined);
      return;
    }
    this.#previous = { created, processed };
    // Back off while the job is busy, so detection does not flood it.
    this.#delayMs = created === processed ? 0 : Math.min(10, this.#delayMs * 2 + 1);
    if (this.#delayMs === 0) setImmediate(() => this.#startWave());
    else setTimeout(() => this.#startWave(), this.#delayMs);
  }

  #children(): number[] {
    return childrenInRotatedTree(QD_ROOT, this.#ctx.myPe, this.#ctx.numPes);
  }

  #send(pe: number, fields: Omit<QuiescenceMessage, 'kind'>): void {
    this.#ctx.send(pe, { kind: Kind.Quiescence, ...fields });
  }
}
