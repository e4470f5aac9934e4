/**
 * Counting waves over the PEs (Mattern's four-counter method), the mechanism behind
 * quiescence detection and the deadlock watchdog. The root PE sends a probe down a spanning
 * tree; every PE adds its message counts (and what it awaits) to its children's on the way
 * back up. Two consecutive waves with equal totals and created == processed mean that no
 * message was queued or in flight in between: the job is quiescent.
 */
import { Kind, type QuiescenceMessage } from './message.js';
import type { PeContext } from './pe-context.js';
import { childrenInRotatedTree, parentInRotatedTree } from './spanning-tree.js';

/** PE that runs the waves. */
export const WAVE_ROOT = 0;
/** Most notes a wave carries up (what is awaited, for error messages). */
const MAX_NOTES = 8;

/** What one wave found, summed over the PEs. */
export interface WaveTotals {
  readonly created: number;
  readonly processed: number;
  /** Values awaited that only a message could deliver (futures, channel receives). */
  readonly awaited: number;
  /** Timers (charm.sleep) pending: the job is waiting on time, not stuck. */
  readonly timers: number;
  /** A few descriptions of awaited values, "PE 3: ...". */
  readonly notes: readonly string[];
}

/** This PE's contribution to a wave. */
export interface WaveSnapshot extends WaveTotals {}

/** What the root does with a finished wave: true to run another, false to stop. */
export type WaveVerdict = (totals: WaveTotals, quiescent: boolean) => boolean;

interface Pending {
  reports: number;
  created: number;
  processed: number;
  awaited: number;
  timers: number;
  notes: string[];
}

/** Waves of one purpose on one PE. */
export class WaveRunner {
  readonly #ctx: PeContext;
  readonly #purpose: QuiescenceMessage['purpose'];
  readonly #snapshot: () => WaveSnapshot;
  readonly #waves = new Map<number, Pending>();
  #verdict: WaveVerdict | undefined;
  #wave = 0;
  #previous: WaveTotals | null = null;
  #delayMs = 0;
  #running = false;

  /** `snapshot` gives this PE's counts when a probe reaches it. */
  constructor(ctx: PeContext, purpose: QuiescenceMessage['purpose'], snapshot: () => WaveSnapshot) {
    this.#ctx = ctx;
    this.#purpose = purpose;
    this.#snapshot = snapshot;
  }

  /** True while the root runs waves. */
  get running(): boolean {
    return this.#running;
  }

  /** At the root: runs waves, asking `verdict` after each whether to go on. */
  start(verdict: WaveVerdict): void {
    if (this.#running) return;
    this.#running = true;
    this.#verdict = verdict;
    this.#previous = null;
    this.#delayMs = 0;
    this.#startWave();
  }

  /** Handles a probe (going down) or a report (coming up). */
  receive(message: QuiescenceMessage): void {
    if (message.phase === 'probe') {
      for (const child of this.#children()) this.#send(child, message);
      this.#report(message.wave, null);
    } else if (message.phase === 'report') {
      this.#report(message.wave, message);
    }
  }

  #startWave(): void {
    const wave = ++this.#wave;
    for (const child of this.#children()) this.#send(child, { phase: 'probe', wave, created: 0, processed: 0, awaited: 0, timers: 0, notes: [], future: null });
    this.#report(wave, null);
  }

  #report(wave: number, child: WaveTotals | null): void {
    let pending = this.#waves.get(wave);
    if (pending === undefined) this.#waves.set(wave, (pending = { reports: 0, created: 0, processed: 0, awaited: 0, timers: 0, notes: [] }));
    // One report per child, plus this PE's own snapshot (taken when the probe is handled here).
    const part = child ?? this.#snapshot();
    pending.reports++;
    pending.created += part.created;
    pending.processed += part.processed;
    pending.awaited += part.awaited;
    pending.timers += part.timers;
    for (const note of part.notes) if (pending.notes.length < MAX_NOTES) pending.notes.push(note);
    if (pending.reports < this.#children().length + 1) return;
    this.#waves.delete(wave);
    const parent = parentInRotatedTree(WAVE_ROOT, this.#ctx.myPe, this.#ctx.numPes);
    if (parent >= 0) {
      this.#send(parent, { phase: 'report', wave, created: pending.created, processed: pending.processed, awaited: pending.awaited, timers: pending.timers, notes: pending.notes, future: null });
      return;
    }
    this.#finishWave(pending);
  }

  #finishWave(totals: WaveTotals): void {
    const previous = this.#previous;
    const quiescent =
      totals.created === totals.processed && previous !== null && previous.created === totals.created && previous.processed === totals.processed;
    this.#previous = totals;
    if (!this.#verdict!(totals, quiescent)) {
      this.#running = false;
      return;
    }
    // Back off while the job is busy, so detection does not flood it.
    this.#delayMs = totals.created === totals.processed ? 0 : Math.min(10, this.#delayMs * 2 + 1);
    if (this.#delayMs === 0) setImmediate(() => this.#startWave());
    else setTimeout(() => this.#startWave(), this.#delayMs);
  }

  #children(): number[] {
    return childrenInRotatedTree(WAVE_ROOT, this.#ctx.myPe, this.#ctx.numPes);
  }

  #send(pe: number, fields: Omit<QuiescenceMessage, 'kind' | 'purpose'>): void {
    this.#ctx.send(pe, { kind: Kind.Quiescence, purpose: this.#purpose, ...fields });
  }
}
