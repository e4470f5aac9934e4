/**
 * The AtSync load-balancing protocol, one instance per PE: every element of an array calls
 * atSync(); each PE sends its elements' measured loads and its background load to PE 0; PE 0
 * runs the strategy, sends each PE the moves it must make, counts the arrivals, and then every
 * PE calls resumeFromSync() on its elements. The strategy is a pure function; the runtime is
 * reached only through {@link LbHost}.
 */
import { Kind, type LbObjectReport, type LoadBalanceMessage } from '../runtime/message.js';
import type { PeContext } from '../runtime/pe-context.js';
import { appendLbRecord } from './lb-dump.js';
import { loadMetrics } from './load-metrics.js';
import type { LbObject, LbPe, LbProblem, Strategy } from './strategy.js';

/** The element as the load balancer sees it. */
export interface LbElement {
  readonly index: readonly number[];
  /** Seconds of entry-method time since the load was last reset. */
  load: number;
  /** True between atSync() and resumeFromSync(). */
  atSync: boolean;
}

/** What the load balancer needs from the runtime of its PE. */
export interface LbHost {
  readonly ctx: PeContext;
  /** Elements of array `coll` living on this PE. */
  localElements(coll: number): LbElement[];
  /** Number of elements of array `coll` (known on PE 0 once the array's layout is known). */
  totalElements(coll: number): number | undefined;
  /** Moves element `index` of `coll` to PE `dest` as soon as it is idle; PE `notify` is told of the arrival. */
  migrate(coll: number, index: readonly number[], dest: number, notify: number): void;
  /** Calls the element's resumeFromSync(). */
  resume(coll: number, element: LbElement): void;
  /** Seconds this PE has spent handling messages since it started. */
  busySeconds(): number;
  /** Printable name of the array. */
  label(coll: number): string;
}

/** Settings of the load balancer (from the runtime flags). */
export interface LbSettings {
  readonly strategy: Strategy;
  /** Strategy names, for statistics. */
  readonly strategyName: string;
  /** Balance only when this many seconds passed since the last balancing; null: at every sync. */
  readonly periodSeconds: number | null;
  readonly off: boolean;
  readonly stats: boolean;
  readonly dumpFile: string | null;
  /** Host index of every PE. */
  readonly hosts: readonly number[];
}

/** PE that gathers statistics and decides. */
const LB_ROOT = 0;

interface RootStep {
  readonly objects: (LbObjectReport & { pe: number })[];
  readonly background: Float64Array;
  expectedArrivals: number;
  arrivals: number;
  started: number;
}

/** One step's outcome, as reported with +stats. */
export interface LbStepSummary {
  readonly step: number;
  readonly label: string;
  readonly objects: number;
  readonly ratioBefore: number;
  readonly ratioAfter: number;
  readonly migrations: number;
  readonly decisionMs: number;
  readonly balanced: boolean;
}

/** The load balancer of one PE. */
export class LbManager {
  readonly #host: LbHost;
  readonly #settingsOf: () => LbSettings;
  readonly #steps = new Map<number, number>();
  readonly #reported = new Set<number>();
  readonly #root = new Map<number, RootStep>();
  readonly #busyAtLastStep = new Map<number, number>();
  #lastBalance = performance.now();
  /** Outcomes of the steps decided on this PE (PE 0). */
  readonly history: LbStepSummary[] = [];

  /** `settings` is read when first needed (the hosts are known only after start-up). */
  constructor(host: LbHost, settings: () => LbSettings) {
    this.#host = host;
    this.#settingsOf = settings;
  }

  get #settings(): LbSettings {
    return this.#settingsOf();
  }

  /** Starts measuring the background load of array `coll` (called once its elements exist here). */
  startMeasuring(coll: number): void {
    this.#busyAtLastStep.set(coll, this.#host.busySeconds());
  }

  /** An element reached its sync point. */
  atSync(coll: number, element: LbElement): void {
    if (element.atSync) {
      this.#host.ctx.fatal(`${this.#host.label(coll)} element [${element.index.join(',')}] called atSync() again before its resumeFromSync() (wait for resumeFromSync before the next step)`);
      return;
    }
    element.atSync = true;
    this.#reportIfReady(coll);
  }

  /** A migrated element arrived here; `notify` is the PE counting arrivals (or -1). */
  arrived(coll: number, notify: number): void {
    if (notify < 0) return;
    this.#send(notify, coll, 'arrived', { step: this.#step(coll) });
  }

  /** Handles a protocol message. */
  receive(message: LoadBalanceMessage): void {
    switch (message.phase) {
      case 'stats':
        this.#gather(message);
        return;
      case 'moves':
        for (const [index, dest] of message.moves) this.#host.migrate(message.coll, index, dest, LB_ROOT);
        return;
      case 'arrived': {
        const step = this.#root.get(message.coll);
        if (step !== undefined && ++step.arrivals === step.expectedArrivals) this.#resumeAll(message.coll);
        return;
      }
      case 'resume':
        this.#resumeLocal(message.coll);
        return;
    }
  }

  #step(coll: number): number {
    return this.#steps.get(coll) ?? 0;
  }

  #reportIfReady(coll: number): void {
    if (this.#reported.has(coll)) return;
    const elements = this.#host.localElements(coll);
    if (elements.length === 0 || elements.some((e) => !e.atSync)) return;
    this.#reported.add(coll);
    const busy = this.#host.busySeconds();
    const busySince = busy - (this.#busyAtLastStep.get(coll) ?? 0);
    this.#busyAtLastStep.set(coll, busy);
    let objectLoad = 0;
    const objects = elements.map((e) => {
      objectLoad += e.load;
      return { index: e.index, load: e.load };
    });
    this.#send(LB_ROOT, coll, 'stats', { step: this.#step(coll), objects, background: Math.max(0, busySince - objectLoad) });
  }

  #gather(message: LoadBalanceMessage): void {
    const { coll } = message;
    let step = this.#root.get(coll);
    if (step === undefined) {
      step = { objects: [], background: new Float64Array(this.#host.ctx.numPes), expectedArrivals: 0, arrivals: 0, started: performance.now() };
      this.#root.set(coll, step);
    }
    for (const object of message.objects) step.objects.push({ ...object, pe: message.from });
    step.background[message.from] = message.background;
    if (step.objects.length === this.#host.totalElements(coll)) this.#decide(coll, step);
  }

  #decide(coll: number, step: RootStep): void {
    const now = performance.now();
    const { periodSeconds, off } = this.#settings;
    const due = !off && (periodSeconds === null || (now - this.#lastBalance) / 1000 >= periodSeconds);
    const problem = this.#problem(step);
    if (!due) {
      this.#record(coll, problem, null, 0);
      this.#resumeAll(coll);
      return;
    }
    this.#lastBalance = now;
    const started = performance.now();
    const assignment = this.#settings.strategy.solve(problem);
    const decisionMs = performance.now() - started;
    const moves = new Map<number, [readonly number[], number][]>();
    problem.objects.forEach((object, id) => {
      const dest = assignment[id]!;
      if (dest === object.pe) return;
      let list = moves.get(object.pe);
      if (list === undefined) moves.set(object.pe, (list = []));
      list.push([step.objects[id]!.index, dest]);
    });
    step.expectedArrivals = [...moves.values()].reduce((n, list) => n + list.length, 0);
    this.#record(coll, problem, assignment, decisionMs);
    if (step.expectedArrivals === 0) {
      this.#resumeAll(coll);
      return;
    }
    for (const [pe, list] of moves) this.#send(pe, coll, 'moves', { step: this.#step(coll), moves: list });
  }

  #problem(step: RootStep): LbProblem {
    const objects: LbObject[] = step.objects.map((o, id) => ({ id, load: o.load, pe: o.pe, migratable: true }));
    const pes: LbPe[] = Array.from({ length: this.#host.ctx.numPes }, (_v, id) => ({
      id,
      speed: 1,
      background: step.background[id]!,
      available: true,
      host: this.#settings.hosts[id] ?? 0,
    }));
    return { objects, pes };
  }

  #record(coll: number, problem: LbProblem, assignment: Int32Array | null, decisionMs: number): void {
    const stepNumber = this.#step(coll);
    const before = loadMetrics(problem);
    const after = assignment === null ? before : loadMetrics(problem, assignment);
    const summary: LbStepSummary = {
      step: stepNumber,
      label: this.#host.label(coll),
      objects: problem.objects.length,
      ratioBefore: before.maxAvgRatio,
      ratioAfter: after.maxAvgRatio,
      migrations: after.migrations,
      decisionMs,
      balanced: assignment !== null,
    };
    this.history.push(summary);
    if (this.#settings.stats) {
      const what = assignment === null ? 'not balanced (period not reached or +LBOff)' : `${this.#settings.strategyName}: max/avg ${summary.ratioBefore.toFixed(3)} -> ${summary.ratioAfter.toFixed(3)} (predicted), ${summary.migrations} migrations, decision ${decisionMs.toFixed(2)} ms`;
      process.stdout.write(`[charm4ts LB] step ${stepNumber} ${summary.label}: ${summary.objects} objects, ${what}\n`);
    }
    if (this.#settings.dumpFile !== null) {
      appendLbRecord(this.#settings.dumpFile, { step: stepNumber, time: performance.now() / 1000, problem }).catch((error: unknown) => {
        this.#host.ctx.warn(`cannot append to the load dump ${this.#settings.dumpFile}: ${(error as Error).message}`);
      });
    }
  }

  #resumeAll(coll: number): void {
    const step = this.#root.get(coll);
    this.#root.delete(coll);
    if (step !== undefined && this.#settings.stats && step.expectedArrivals > 0) {
      process.stdout.write(`[charm4ts LB] step ${this.#step(coll)} done in ${(performance.now() - step.started).toFixed(2)} ms (statistics, decision, ${step.expectedArrivals} migrations)\n`);
    }
    for (let pe = 0; pe < this.#host.ctx.numPes; pe++) this.#send(pe, coll, 'resume', { step: this.#step(coll) });
  }

  #resumeLocal(coll: number): void {
    this.#steps.set(coll, this.#step(coll) + 1);
    this.#reported.delete(coll);
    for (const element of this.#host.localElements(coll)) {
      element.load = 0;
      element.atSync = false;
      this.#host.resume(coll, element);
    }
  }

  #send(pe: number, coll: number, phase: LoadBalanceMessage['phase'], fields: { step: number; objects?: readonly LbObjectReport[]; background?: number; moves?: LoadBalanceMessage['moves'] }): void {
    this.#host.ctx.send(pe, {
      kind: Kind.LoadBalance,
      coll,
      phase,
      from: this.#host.ctx.myPe,
      step: fields.step,
      objects: fields.objects ?? [],
      background: fields.background ?? 0,
      moves: fields.moves ?? [],
    });
  }
}
