/**
 * Minimal self-contained SVG line charts for benchmark reports (no dependency): one or more
 * series of (x, y) points, linear or logarithmic axes, a legend.
 */

/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** How to draw a chart. */
export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Formats tick labels of the x axis (default: compact numbers). */
  readonly formatX?: (value: number) => string;
  readonly formatY?: (value: number) => string;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Compact number: 1.5k, 4M, 0.25. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1 << 20 && Number.isInteger(value / (1 << 20))) return `${value / (1 << 20)}Mi`;
  if (abs >= 1024 && Number.isInteger(value / 1024)) return `${value / 1024}Ki`;
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const result: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) result.push(10 ** e);
    return result;
  }
  const step = 10 ** Math.floor(Math.log10((max - min) / 4 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (max - min) / s <= 6) ?? step * 10;
  const result: number[] = [];
  for (let v = Math.floor(min / nice) * nice; v <= max + 1e-12; v += nice) result.push(+v.toPrecision(12));
  return result;
}

/** Renders the chart as an SVG document. */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const margin = { left: 72, right: 190, top: 40, bottom: 56 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="20" y="30">${escape(options.title)}: no data</text></svg>`;
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  let [xMin, xMax, yMin, yMax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (!options.logY) yMin = Math.min(0, yMin);
  if (xMin === xMax) xMax = xMin + 1;
  if (yMin === yMax) yMax = yMin + 1;
  const tx = (x: number): number => {
    const f = options.logX ? (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin)) : (x - xMin) / (xMax - xMin);
    return margin.left + f * (width - margin.left - margin.right);
  };
  const ty = (y: number): number => {
    const f = options.logY ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : (y - yMin) / (yMax - yMin);
    return height - margin.bottom - f * (height - margin.top - margin.bottom);
  };
  const fx = options.formatX ?? compact;
  const fy = options.formatY ?? compact;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="15">${escape(options.title)}</text>`);
  for (const t of ticks(xMin, xMax, options.logX ?? false).filter((v) => v >= xMin && v <= xMax)) {
    parts.push(`<line x1="${tx(t)}" y1="${margin.top}" x2="${tx(t)}" y2="${height - margin.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${tx(t)}" y="${height - margin.bottom + 16}" text-anchor="middle">${escape(fx(t))}</text>`);
  }
  for (const t of ticks(yMin, yMax, options.logY ?? false).filter((v) => v >= yMin && v <= yMax)) {
    parts.push(`<line x1="${margin.left}" y1="${ty(t)}" x2="${width - margin.right}" y2="${ty(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${ty(t) + 4}" text-anchor="end">${escape(fy(t))}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" height="${height - margin.top - margin.bottom}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${(margin.left + width - margin.right) / 2}" y="${height - 14}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0));
    if (pts.length > 0) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${tx(x).toFixed(1)},${ty(y).toFixed(1)}`).join(' ')}"/>`);
      for (const [x, y] of pts) parts.push(`<circle cx="${tx(x).toFixed(1)}" cy="${ty(y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
    const ly = margin.top + 10 + i * 18;
    parts.push(`<line x1="${width - margin.right + 12}" y1="${ly}" x2="${width - margin.right + 36}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${width - margin.right + 42}" y="${ly + 4}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
