/**
 * Never hang silently: PE 0 watches for a job that has stopped moving. When PE 0 has seen no
 * message for `seconds`, it runs counting waves; if the whole job is quiescent (no message
 * queued or in flight anywhere, no charm.sleep pending) while something awaits a value that
 * only a message could bring (a future, a channel receive), that value can never arrive: the
 * job is aborted with a description of what was awaited. The same when main has returned, the
 * job is quiescent and nothing is awaited at all: nothing will ever call charm.exit.
 *
 * Caveat, documented for users: waiting on something that is not a charm4ts message (a raw
 * setTimeout, file or network I/O) for longer than `seconds` while the rest of the job is
 * quiescent looks the same; raise or disable the check with `+deadlockSeconds`.
 */
import type { MessageCounts } from './quiescence.js';
import type { WaveRunner, WaveTotals } from './wave-runner.js';

/** What the watchdog reports. */
export interface DeadlockReport {
  /** Ends the job with `message`. */
  abort(message: string): void;
}

/** The watchdog of PE 0. */
export class DeadlockWatchdog {
  readonly #counts: MessageCounts;
  readonly #runner: WaveRunner;
  readonly #seconds: number;
  readonly #report: DeadlockReport;
  readonly #mainReturned: () => boolean;
  #timer: NodeJS.Timeout | undefined;
  #lastCounts = '';
  #quietSince = performance.now();
  #waves = 0;

  constructor(counts: MessageCounts, runner: WaveRunner, seconds: number, report: DeadlockReport, mainReturned: () => boolean) {
    this.#counts = counts;
    this.#runner = runner;
    this.#seconds = seconds;
    this.#report = report;
    this.#mainReturned = mainReturned;
  }

  /** Starts watching (on PE 0). */
  start(): void {
    if (this.#seconds <= 0 || this.#timer !== undefined) return;
    const period = Math.min(1000, Math.max(50, (this.#seconds * 1000) / 4));
    this.#timer = setInterval(() => this.#check(), period);
    this.#timer.unref();
  }

  /** Stops watching. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    const counts = `${this.#counts.created}/${this.#counts.processed}`;
    const now = performance.now();
    if (counts !== this.#lastCounts) {
      this.#lastCounts = counts;
      this.#quietSince = now;
      return;
    }
    if (this.#runner.running || now - this.#quietSince < this.#seconds * 1000) return;
    this.#waves = 0;
    this.#runner.start((totals, quiescent) => this.#verdict(totals, quiescent));
  }

  /** First wave: go on only if the job may be quiescent; second: decide. */
  #verdict(totals: WaveTotals, quiescent: boolean): boolean {
    this.#waves++;
    if (!quiescent) {
      const mayBe = totals.created === totals.processed && totals.timers === 0;
      if (mayBe && this.#waves < 2) return true;
      this.#quietSince = performance.now();
      return false;
    }
    this.#quietSince = performance.now();
    if (totals.timers > 0) return false;
    if (totals.awaited > 0) {
      this.#report.abort(
        `deadlock: the job has been quiescent for ${this.#seconds} s (no message queued or in flight anywhere) while ${totals.awaited} value${totals.awaited > 1 ? 's are' : ' is'} awaited that only a message could deliver: ${totals.notes.join('; ')}`,
      );
    } else if (this.#mainReturned()) {
      this.#report.abort(`the job has been idle for ${this.#seconds} s: main has returned, no message is queued or in flight and nothing is awaited, so nothing will call charm.exit()`);
    }
    return false;
  }
}
