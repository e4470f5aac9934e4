/**
 * The figures of the PIC load-balancing benchmark, computed from the runs' JSON lines: the bound
 * on what balancing can gain (the slowest PE's busy time over the mean, in the unbalanced ODF-1
 * run), the gain measured, the fraction of the bound it recovers, what a perfectly balanced
 * static split gains on the same machine and the fraction of that, and the markdown table. When a
 * set-up ran several times (`--reps`), each figure uses the median of its runs.
 */

/** The part of a run's JSON line (examples/pic or pic_mpi4py.py) that the figures use. */
export interface RunLine {
  readonly driver: string;
  readonly tiles: readonly number[];
  readonly placed: number;
  readonly validates: boolean;
  readonly secondsPerIteration: number;
  readonly rateMparticlesPerSecond: number;
  readonly busySeconds: readonly number[];
  readonly lbPeriod?: number;
  readonly balancer?: string | null;
}

/** A run of the benchmark: which set-up, at which GEOMETRIC ratio, and its line. */
export interface BenchRun {
  /** Set-up name: odf1-2x1, odf8, odf8-lb, static-1x2, mpi4py-2x1, mpi4py-1x2. */
  readonly setup: string;
  readonly ratio: number;
  /** Which run of the set-up (0-based; `--reps`). */
  readonly rep: number;
  readonly line: RunLine;
}

/** The load-balancing figures of one ratio. */
export interface LbSummary {
  readonly ratio: number;
  /** Runs of each charm4ts set-up the medians are taken over. */
  readonly reps: number;
  /** Slowest PE's busy time over the mean busy time, ODF-1 runs (median): the most balancing could gain. */
  readonly bound: number;
  /** Time per step of ODF 1 over that of ODF 8 with LB. */
  readonly gainOverOdf1: number;
  /** Time per step of ODF 8 without LB over that of ODF 8 with LB. */
  readonly gainOverOdf8: number;
  /** (gainOverOdf1 - 1) / (bound - 1): the share of the possible gain obtained (null when bound is 1). */
  readonly recovered: number | null;
  /**
   * Time per step of ODF 1 over that of the balanced static split (`static-1x2`): what a perfect
   * balance gains on this machine, where two busy PEs run slower than one (null without such runs).
   */
  readonly machineGain: number | null;
  /** (gainOverOdf1 - 1) / (machineGain - 1): the share of that gain obtained (null without it, or when it is not above 1). */
  readonly recoveredOfMachine: number | null;
  /** Time per step of the mpi4py 2x1 run over that of ODF 8 with LB (null without mpi4py). */
  readonly gainOverMpi4py: number | null;
}

/** Slowest over mean of per-PE busy times (1 when there is no load). */
export function maxOverMean(busy: readonly number[]): number {
  if (busy.length === 0) return 1;
  const mean = busy.reduce((a, b) => a + b, 0) / busy.length;
  return mean > 0 ? Math.max(...busy) / mean : 1;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** (gain - 1) / (possible - 1): the share of a possible speed-up obtained; null when `possible` is not above 1. */
function shareOfGain(gain: number, possible: number): number | null {
  return possible > 1 + 1e-9 ? (gain - 1) / (possible - 1) : null;
}

/**
 * The summary of one ratio, from the median time per step of each set-up (and the median bound
 * of the ODF-1 runs), or null when one of the three charm4ts set-ups has no run.
 */
export function summarise(runs: readonly BenchRun[], ratio: number): LbSummary | null {
  const lines = (setup: string): RunLine[] => runs.filter((r) => r.ratio === ratio && r.setup === setup).map((r) => r.line);
  const odf1 = lines('odf1-2x1');
  const odf8 = lines('odf8');
  const lb = lines('odf8-lb');
  if (odf1.length === 0 || odf8.length === 0 || lb.length === 0) return null;
  const perStep = (set: readonly RunLine[]): number => median(set.map((line) => line.secondsPerIteration));
  const bound = median(odf1.map((line) => maxOverMean(line.busySeconds)));
  const lbPerStep = perStep(lb);
  const gainOverOdf1 = perStep(odf1) / lbPerStep;
  const mpi = lines('mpi4py-2x1');
  const split = lines('static-1x2');
  const machineGain = split.length === 0 ? null : perStep(odf1) / perStep(split);
  return {
    ratio,
    reps: Math.min(odf1.length, odf8.length, lb.length),
    bound,
    gainOverOdf1,
    gainOverOdf8: perStep(odf8) / lbPerStep,
    recovered: shareOfGain(gainOverOdf1, bound),
    gainOverMpi4py: mpi.length === 0 ? null : perStep(mpi) / lbPerStep,
    machineGain,
    recoveredOfMachine: machineGain === null ? null : shareOfGain(gainOverOdf1, machineGain),
  };
}

const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));
const percent = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(0)}%`);

/** The markdown table of every run, then the summary per ratio. `header` goes first (parameters, load). */
export function markdownReport(header: readonly string[], runs: readonly BenchRun[], summaries: readonly LbSummary[]): string {
  const lines = [...header, ''];
  lines.push('| r | set-up | run | tiles | LB | time/step (ms) | rate (Mparticles/s) | busy max/mean | N | validates |');
  lines.push('| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const { setup, ratio, rep, line } of runs) {
    const lb = line.lbPeriod !== undefined && line.lbPeriod > 0 ? `every ${line.lbPeriod}, ${line.balancer}` : 'off';
    lines.push(
      `| ${ratio} | ${setup} | ${rep + 1} | ${line.tiles.join('x')} | ${lb} | ${(line.secondsPerIteration * 1000).toFixed(2)} | ${line.rateMparticlesPerSecond.toFixed(2)} | ${maxOverMean(line.busySeconds).toFixed(3)} | ${line.placed} | ${line.validates} |`,
    );
  }
  lines.push(
    '',
    '| r | runs per set-up (medians) | bound (ODF-1 max/mean) | gain over ODF 1 | gain over ODF 8 no LB | share of bound recovered | balanced split over ODF 1 | share of that recovered | gain over mpi4py 2x1 |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of summaries) {
    lines.push(
      `| ${s.ratio} | ${s.reps} | ${s.bound.toFixed(3)} | ${s.gainOverOdf1.toFixed(3)} | ${s.gainOverOdf8.toFixed(3)} | ${percent(s.recovered)} | ${fixed(s.machineGain, 3)} | ${percent(s.recoveredOfMachine)} | ${fixed(s.gainOverMpi4py, 3)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
