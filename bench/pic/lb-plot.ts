/**
 * The load-balancing plot of the PIC benchmark as a self-contained SVG: for each balancing step,
 * the max/mean PE load before balancing (measured: the loads of the step's `+LBDump` record, on
 * the PEs where the tiles ran) and after (the strategy's predicted assignment, from `+stats`).
 */
import { loadMetrics } from '../../src/lb/load-metrics.js';
import type { LbDumpRecord } from '../../src/lb/lb-dump.js';

/** One balancing step's max/mean load ratios. */
export interface LbStepRatios {
  readonly step: number;
  readonly before: number;
  /** NaN when the step's +stats line was not found. */
  readonly after: number;
}

const STATS_LINE = /^\[charm4ts LB\] step (\d+) .*: max\/avg ([\d.]+) -> ([\d.]+) \(predicted\)/;

/** Ratios per step: "before" from the dump records, "after" from the `+stats` lines of the same run. */
export function stepRatios(records: readonly LbDumpRecord[], statsOutput: string): LbStepRatios[] {
  const after = new Map<number, number>();
  for (const line of statsOutput.split('\n')) {
    const match = STATS_LINE.exec(line);
    if (match !== null) after.set(Number(match[1]), Number(match[3]));
  }
  return records.map((r) => ({ step: r.step, before: loadMetrics(r.problem).maxAvgRatio, after: after.get(r.step) ?? Number.NaN }));
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An SVG line chart of the ratios (one chart, two series). */
export function lbPlotSvg(title: string, steps: readonly LbStepRatios[]): string {
  const width = 640;
  const height = 360;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const values = steps.flatMap((s) => [s.before, s.after]).filter((v) => Number.isFinite(v));
  const yMax = Math.max(1.1, ...values) * 1.05;
  const yMin = 1;
  const xs = (i: number): number => left + (steps.length <= 1 ? 0.5 : i / (steps.length - 1)) * (width - left - right);
  const ys = (v: number): number => top + (1 - (v - yMin) / (yMax - yMin)) * (height - top - bottom);
  const series = (pick: (s: LbStepRatios) => number, colour: string): string => {
    const points = steps.map((s, i) => [xs(i), pick(s)] as const).filter(([, v]) => Number.isFinite(v));
    const path = points.map(([x, v], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${ys(v).toFixed(1)}`).join(' ');
    const dots = points.map(([x, v]) => `<circle cx="${x.toFixed(1)}" cy="${ys(v).toFixed(1)}" r="3" fill="${colour}"/>`).join('');
    return `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}`;
  };
  const ticks: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const v = yMin + ((yMax - yMin) * k) / 5;
    ticks.push(`<line x1="${left}" x2="${width - right}" y1="${ys(v)}" y2="${ys(v)}" stroke="#ddd"/><text x="${left - 6}" y="${ys(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  steps.forEach((s, i) => ticks.push(`<text x="${xs(i)}" y="${height - bottom + 16}" text-anchor="middle">${s.step}</text>`));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    ...ticks,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="black"/>`,
    `<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 12}" text-anchor="middle">load-balancing step</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})">max / mean PE load</text>`,
    series((s) => s.before, '#c0392b'),
    series((s) => s.after, '#2471a3'),
    `<rect x="${width - right - 210}" y="${top}" width="200" height="40" fill="white" stroke="#999"/>`,
    `<line x1="${width - right - 200}" x2="${width - right - 180}" y1="${top + 13}" y2="${top + 13}" stroke="#c0392b" stroke-width="2"/><text x="${width - right - 174}" y="${top + 17}">before (measured)</text>`,
    `<line x1="${width - right - 200}" x2="${width - right - 180}" y1="${top + 30}" y2="${top + 30}" stroke="#2471a3" stroke-width="2"/><text x="${width - right - 174}" y="${top + 34}">after (predicted)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
