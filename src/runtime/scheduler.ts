/**
 * The per-PE scheduler: a FIFO queue of messages drained by one loop. It never blocks the Node
 * event loop: it drains in bounded batches and yields with `setImmediate` between them, so
 * sockets, timers and awaited continuations keep running. Transports that must be polled (UCX,
 * shared-memory rings) are polled whenever the queue runs dry, and also between two messages
 * once `pollIntervalMicros` have passed since the last poll, so that a PE with a long local
 * queue or long entry methods still takes in remote messages (and moves on the protocol steps
 * of large ones) instead of leaving them until its queue is empty. When the queue is empty they
 * are spun on for a bounded time (work often arrives within microseconds) and then armed, so an
 * idle PE parks with no CPU use until its transport wakes it. Event-driven transports (ws)
 * deliver from the event loop directly; for them an idle PE spins the event loop instead, with
 * `setImmediate` turns that make it poll its sockets without blocking, for the same bounded time:
 * a reply that comes within it is read at once, without the tens of microseconds a blocked
 * process (and, on a virtual machine, its idle vCPU) takes to wake up.
 */
import { Fifo } from './fifo.js';
import { monotonicMs } from './load-meter.js';
import { SpinBudget } from './spin-budget.js';

/**
 * Empty polls between two clock readings of an idle spin. A reading costs more than an empty
 * poll of a ring (a `clock_gettime` through the vDSO, 40-60% of a spin's samples when read after
 * every poll), and the time between polls is what a message arriving during the spin waits
 * before it is seen; eight polls take well under a microsecond, nothing against a spin budget
 * of tens of microseconds, and that bounds how early the reading that stands for the start of a
 * message the spin found may be (see `Scheduler.#spinOnSources`).
 */
const SPIN_POLLS_PER_CLOCK_READ = 8;

/** Something the scheduler polls (a polled transport). */
export interface PollSource {
  /** Delivers what arrived (through the transport's events); returns how many events it handled. */
  poll(): number;
  /** Arranges a wake-up when something may arrive; false when the caller should poll again now. */
  arm(wake: () => void): boolean;
}

/** Scheduler tunables. */
export interface SchedulerOptions {
  /** Time (ms) spent draining after which the scheduler yields to the event loop. */
  readonly batchTimeMs: number;
  /** How long (microseconds) an idle PE keeps polling (its polled sources, else the event loop) before it parks. */
  readonly spinMicros: number;
  /**
   * Longest spin (microseconds) on polled sources that {@link SpinBudget} may grow `spinMicros`
   * to when parks end soon after they begin; not larger than `spinMicros`: the spin stays fixed.
   */
  readonly spinMaxMicros: number;
  /** Longest time (microseconds) between two polls while messages are being handled. */
  readonly pollIntervalMicros: number;
}

/**
 * Defaults: yield after 2 ms (the clock is read after every message); poll at least every 100 us
 * while busy; spin 100 us before parking (a ws round trip between two processes takes 60-70 us
 * on a quiet 2-vCPU machine, so a shorter spin ends just before the reply comes), and up to
 * 1 ms on polled sources while parks keep ending within that (wake-ups through the event loop
 * took 100-300 us on a 2-vCPU virtual machine).
 */
export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { batchTimeMs: 2, spinMicros: 100, spinMaxMicros: 1000, pollIntervalMicros: 100 };

/** Told the scheduler's clock readings around each message it handles (the runtime's load meter). */
export interface MessageTimer {
  /** A message is taken; `now` (ms, {@link monotonicMs}) is the latest reading before it. */
  begin(now: number): void;
  /** The message is done; `now` is the reading taken after it. */
  end(now: number): void;
}

/** A piece of the runtime's own work queued behind the messages already waiting. */
class DeferredTask {
  constructor(readonly run: () => void) {}
}

/** Runs queued messages through `handle`, one at a time, in FIFO order. */
export class Scheduler<M> {
  readonly #handle: (message: M) => void;
  readonly #options: SchedulerOptions;
  readonly #timer: MessageTimer | null;
  readonly #spinBudget: SpinBudget;
  readonly #sources: PollSource[] = [];
  readonly #queue = new Fifo<M | DeferredTask>();
  #busyMs = 0;
  #drainStarted = 0;
  /** In a turn (handling, polling or spinning): a message queued now is handled by that turn. */
  #draining = false;
  /** Handling messages (what busySeconds counts). */
  #handling = false;
  #scheduled = false;
  #stopped = false;
  #parked = false;
  /** When the PE last parked ({@link monotonicMs}). */
  #parkedAt = 0;
  /** Without polled sources: when the PE last went idle, and whether an event-loop spin is under way. */
  #idleSince = 0;
  #loopSpinning = false;
  /**
   * The latest clock reading ({@link monotonicMs}). The hot path reads the clock once per
   * message handled and once when a spin ends (see {@link #spinOnSources}). This reading serves wherever a
   * time that recent will do: the start of the next message (for the timer), the deadline check
   * after a spin.
   */
  #clock = 0;

  /** `timer`, when given, is told the readings around every message (one clock reading per message serves both). */
  constructor(handle: (message: M) => void, options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS, timer: MessageTimer | null = null) {
    this.#handle = handle;
    this.#options = options;
    this.#timer = timer;
    this.#spinBudget = new SpinBudget(options.spinMicros, options.spinMaxMicros);
  }

  /** Number of messages waiting. */
  get queued(): number {
    return this.#queue.size;
  }

  /** True while messages are being handled. */
  get busy(): boolean {
    return this.#handling;
  }

  /** Seconds spent handling messages since this scheduler started (the batch in progress included). */
  get busySeconds(): number {
    return (this.#busyMs + (this.#handling ? monotonicMs() - this.#drainStarted : 0)) / 1000;
  }

  /** The spin on polled sources now, in microseconds (see {@link SpinBudget}). */
  get spinMicros(): number {
    return this.#spinBudget.micros;
  }

  /** Keeps the spin at `spinMicros` for good (this PE shares its cores with other PEs). */
  fixSpin(): void {
    this.#spinBudget.fix();
  }

  /** Runs `task` after the messages queued so far (never inside the current message's handling). */
  defer(task: () => void): void {
    if (this.#stopped) return;
    this.#queue.push(new DeferredTask(task));
    if (!this.#draining) this.#schedule();
  }

  /** Adds a polled source (e.g. a UCX transport). */
  addPollSource(source: PollSource): void {
    this.#sources.push(source);
    this.#schedule();
  }

  /**
   * Queues a message. If the scheduler is not draining, it drains right away when called
   * from a transport callback (`now`), or on the next turn of the event loop otherwise.
   */
  enqueue(message: M, now = false): void {
    if (this.#stopped) return;
    this.#queue.push(message);
    if (this.#draining) return;
    if (now) this.#drain();
    else this.#schedule();
  }

  /** Stops handling messages for good (job ending). */
  stop(): void {
    this.#stopped = true;
    this.#queue.clear();
  }

  #schedule(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    setImmediate(this.#onImmediate);
  }

  readonly #onImmediate = (): void => {
    this.#scheduled = false;
    this.#unpark();
    this.#drain();
  };

  /**
   * One turn: handle messages and poll, then spin on the polled sources while idle, handling
   * what they bring, all in one loop (a frame delivered while spinning is queued, not handled
   * in a nested drain, so the stack stays flat however long traffic keeps coming). The turn ends
   * by yielding to the event loop once `batchTimeMs` has passed, or by parking when the spin
   * found nothing.
   */
  #drain(): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = true;
    const deadline = this.#now() + this.#options.batchTimeMs;
    let park = false;
    try {
      for (;;) {
        const yieldNow = this.#handleUntil(deadline);
        if (this.#stopped) return;
        if (yieldNow) break;
        if (!this.#spinOnSources()) {
          park = true;
          break;
        }
        if (this.#clock > deadline) break;
      }
    } finally {
      this.#draining = false;
    }
    if (park) this.#park();
    else this.#schedule();
  }

  /**
   * Handles queued messages, polling when the queue runs dry; true when the time budget ran out
   * first. The clock is read once after each message: for the budget, the poll interval and the
   * timer alike.
   */
  #handleUntil(deadline: number): boolean {
    const started = this.#clock;
    this.#drainStarted = started;
    this.#handling = true;
    const polled = this.#sources.length > 0;
    const pollEveryMs = this.#options.pollIntervalMicros / 1000;
    const timer = this.#timer;
    let lastPoll = started;
    try {
      while (!this.#stopped) {
        if (this.#queue.size === 0) {
          lastPoll = this.#clock;
          if (this.#pollAll() === 0) return false;
        }
        while (this.#queue.size > 0 && !this.#stopped) {
          const item = this.#queue.shift()!;
          timer?.begin(this.#clock);
          if (item instanceof DeferredTask) item.run();
          else this.#handle(item);
          const now = this.#now();
          timer?.end(now);
          if (now > deadline) return true;
          if (polled && now - lastPoll >= pollEveryMs) {
            lastPoll = now;
            this.#pollAll();
          }
        }
      }
      return false;
    } finally {
      this.#handling = false;
      this.#busyMs += this.#clock - started;
    }
  }

  #now(): number {
    return (this.#clock = monotonicMs());
  }

  #pollAll(): number {
    const sources = this.#sources;
    let events = 0;
    for (let i = 0; i < sources.length; i++) events += sources[i]!.poll();
    return events;
  }

  /**
   * Queue empty: polls the sources for up to `spinMicros`; true as soon as there is work. The
   * clock is read once per {@link SPIN_POLLS_PER_CLOCK_READ} polls, into the scheduler's clock,
   * and never between finding a message and running it: the reading before the batch of polls
   * that found it stands for the message's start (for the timer: at most one batch early, well
   * under a microsecond), so what a reply waits for includes no clock reading. The first batch
   * goes before any reading (the one after the last message handled serves it).
   */
  #spinOnSources(): boolean {
    if (this.#sources.length === 0) return false;
    if (this.#pollBatch()) return true;
    const until = this.#now() + this.#spinBudget.micros / 1000;
    do {
      if (this.#pollBatch()) return true;
    } while (this.#now() < until);
    return false;
  }

  /** {@link SPIN_POLLS_PER_CLOCK_READ} polls; true as soon as one brings work. */
  #pollBatch(): boolean {
    for (let i = 0; i < SPIN_POLLS_PER_CLOCK_READ; i++) {
      if (this.#pollAll() > 0 || this.#queue.size > 0) return true;
    }
    return false;
  }

  /**
   * Arms every polled source so that the PE sleeps until one of them has something (without
   * polled sources: spins the event loop first). Called only by a turn that ended with the queue
   * empty and the spin finding nothing.
   */
  #park(): void {
    if (this.#stopped) return;
    if (this.#sources.length === 0) {
      this.#spinEventLoop();
      return;
    }
    if (this.#parked) return;
    for (const source of this.#sources) {
      if (!source.arm(this.#wake)) {
        this.#schedule();
        return;
      }
    }
    this.#parked = true;
    this.#parkedAt = this.#clock; // read when the spin ended, just now
  }

  /**
   * Keeps the event loop turning without blocking for `spinMicros` from now (one `setImmediate`
   * after another: libuv polls its sockets with a zero timeout while an immediate is pending), so
   * that what arrives meanwhile is read at once. A PE that goes idle again during the spin
   * extends it; the spin ends by itself, so an idle PE costs no CPU.
   */
  #spinEventLoop(): void {
    this.#idleSince = monotonicMs();
    if (this.#loopSpinning || this.#options.spinMicros === 0) return;
    this.#loopSpinning = true;
    setImmediate(this.#loopSpinTurn);
  }

  readonly #loopSpinTurn = (): void => {
    // A scheduled drain takes over (and spins again when it ends idle).
    if (this.#stopped || this.#scheduled || monotonicMs() - this.#idleSince >= this.#options.spinMicros / 1000) {
      this.#loopSpinning = false;
      return;
    }
    setImmediate(this.#loopSpinTurn);
  };

  readonly #wake = (): void => {
    this.#unpark();
    this.#drain();
  };

  /** The PE runs again: tells the spin budget how long it was parked. */
  #unpark(): void {
    if (!this.#parked) return;
    this.#parked = false;
    this.#spinBudget.parked((monotonicMs() - this.#parkedAt) * 1000);
  }
}
