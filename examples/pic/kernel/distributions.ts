/**
 * The four initial particle distributions of the PRK PIC kernel (PIC.md 2.1): the expected
 * particle count of each cell, evaluated in the reference's exact order of operations so that
 * the counts drawn from it match the C code cell for cell.
 */
import { InvalidArgumentError } from '../../../src/errors.js';

/** Names of the distribution modes, as given on the command line. */
export const DISTRIBUTION_MODES = ['GEOMETRIC', 'SINUSOIDAL', 'LINEAR', 'PATCH'] as const;

/** One of the distribution mode names. */
export type DistributionMode = (typeof DISTRIBUTION_MODES)[number];

/** Parameters of a distribution, one variant per mode. */
export type DistributionSpec =
  | { readonly mode: 'GEOMETRIC'; readonly ratio: number }
  | { readonly mode: 'SINUSOIDAL' }
  | { readonly mode: 'LINEAR'; readonly alpha: number; readonly beta: number }
  | {
      readonly mode: 'PATCH';
      readonly left: number;
      readonly right: number;
      readonly bottom: number;
      readonly top: number;
    };

const PARAMETER_NAMES: Record<DistributionMode, readonly string[]> = {
  GEOMETRIC: ['r'],
  SINUSOIDAL: [],
  LINEAR: ['alpha', 'beta'],
  PATCH: ['xl', 'xr', 'yb', 'yt'],
};

function parseNumber(mode: string, name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${mode} parameter ${name} must be a finite number, got "${text}"`);
  }
  return value;
}

function parseCell(mode: string, name: string, text: string): number {
  const value = parseNumber(mode, name, text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${mode} parameter ${name} must be a non-negative integer cell index, got "${text}"`);
  }
  return value;
}

/**
 * Builds a distribution from its mode name and parameter strings (the command line's
 * `--mode MODE --init-parameters ...`). Checks the count and syntax of the parameters only;
 * {@link validateDistribution} checks them against the grid.
 */
export function parseDistribution(mode: string, parameters: readonly string[]): DistributionSpec {
  const upper = mode.toUpperCase();
  if (!(DISTRIBUTION_MODES as readonly string[]).includes(upper)) {
    throw new InvalidArgumentError(`unknown mode "${mode}"; expected one of ${DISTRIBUTION_MODES.join(', ')}`);
  }
  const known = upper as DistributionMode;
  const names = PARAMETER_NAMES[known];
  if (parameters.length !== names.length) {
    const wanted = names.length === 0 ? 'no parameters' : `${names.length} parameter(s): ${names.join(' ')}`;
    throw new InvalidArgumentError(`${known} takes ${wanted}; got ${parameters.length}`);
  }
  const p = parameters;
  switch (known) {
    case 'GEOMETRIC':
      return { mode: known, ratio: parseNumber(known, 'r', p[0]) };
    case 'SINUSOIDAL':
      return { mode: known };
    case 'LINEAR':
      return { mode: known, alpha: parseNumber(known, 'alpha', p[0]), beta: parseNumber(known, 'beta', p[1]) };
    case 'PATCH':
      return {
        mode: known,
        left: parseCell(known, 'xl', p[0]),
        right: parseCell(known, 'xr', p[1]),
        bottom: parseCell(known, 'yb', p[2]),
        top: parseCell(known, 'yt', p[3]),
      };
  }
}

/** The parameters of a distribution as the command line writes them (`--init-parameters`). */
export function distributionParameters(spec: DistributionSpec): number[] {
  switch (spec.mode) {
    case 'GEOMETRIC':
      return [spec.ratio];
    case 'SINUSOIDAL':
      return [];
    case 'LINEAR':
      return [spec.alpha, spec.beta];
    case 'PATCH':
      return [spec.left, spec.right, spec.bottom, spec.top];
  }
}

/**
 * Checks the grid size and a distribution against the rules of PIC.md 1 and 2.1:
 * L >= 2 and even; n >= 1; GEOMETRIC: r finite, r > 0, r != 1 and the column means finite;
 * LINEAR: beta >= 0 and beta >= alpha; PATCH: xl < xr <= L-1 and yb < yt <= L-1.
 * Throws {@link InvalidArgumentError} naming the parameter and the rule.
 */
export function validateDistribution(spec: DistributionSpec, gridSize: number, requestedParticles: number): void {
  if (!Number.isSafeInteger(gridSize) || gridSize < 2 || gridSize % 2 !== 0) {
    throw new InvalidArgumentError(`grid size L must be an even integer >= 2 (the column charges must wrap), got ${gridSize}`);
  }
  if (!Number.isSafeInteger(requestedParticles) || requestedParticles < 1) {
    throw new InvalidArgumentError(`particle count n must be an integer >= 1, got ${requestedParticles}`);
  }
  switch (spec.mode) {
    case 'GEOMETRIC': {
      const r = spec.ratio;
      if (!Number.isFinite(r) || r <= 0) throw new InvalidArgumentError(`GEOMETRIC ratio r must be > 0, got ${r}`);
      if (r === 1) throw new InvalidArgumentError('GEOMETRIC ratio r must not be 1 (the normaliser divides by 1 - r^L); use PATCH 0 L-1 0 L-1 for a uniform cloud');
      const d = new CellDistribution(spec, gridSize, requestedParticles);
      if (!Number.isFinite(d.drawMean(0)) || !Number.isFinite(d.drawMean(gridSize - 1))) {
        throw new InvalidArgumentError(`GEOMETRIC ratio r = ${r} overflows the expected counts for L = ${gridSize}`);
      }
      return;
    }
    case 'SINUSOIDAL':
      return;
    case 'LINEAR':
      if (spec.beta < 0) throw new InvalidArgumentError(`LINEAR offset beta must be >= 0, got ${spec.beta}`);
      if (spec.beta < spec.alpha) {
        throw new InvalidArgumentError(`LINEAR offset beta (${spec.beta}) must be >= slope alpha (${spec.alpha}), or the density turns negative`);
      }
      if (spec.beta === 0 && spec.alpha === 0) throw new InvalidArgumentError('LINEAR alpha and beta must not both be 0');
      return;
    case 'PATCH': {
      const last = gridSize - 1;
      if (spec.left >= spec.right) throw new InvalidArgumentError(`PATCH requires xl < xr, got xl = ${spec.left}, xr = ${spec.right}`);
      if (spec.bottom >= spec.top) throw new InvalidArgumentError(`PATCH requires yb < yt, got yb = ${spec.bottom}, yt = ${spec.top}`);
      if (spec.right > last) throw new InvalidArgumentError(`PATCH xr must be <= L-1 = ${last} (inclusive cell bound), got ${spec.right}`);
      if (spec.top > last) throw new InvalidArgumentError(`PATCH yt must be <= L-1 = ${last} (inclusive cell bound), got ${spec.top}`);
      return;
    }
  }
}

/**
 * The expected particle count of every cell for one distribution, grid size L and requested
 * count n. `drawMean(x)` is the mean handed to `draw` for each cell of column x (the same for the
 * whole column); `keepsDraw(x, y)` is false for a cell whose draw is consumed and then discarded
 * (PATCH outside its box). Immutable. Does not validate: call {@link validateDistribution} first.
 */
export class CellDistribution {
  /** The distribution's parameters. */
  readonly spec: DistributionSpec;
  /** Cells per side, L. */
  readonly gridSize: number;
  /** Particles requested, n. */
  readonly requestedParticles: number;
  private readonly scale: number;
  private readonly step: number;

  constructor(spec: DistributionSpec, gridSize: number, requestedParticles: number) {
    this.spec = spec;
    this.gridSize = gridSize;
    this.requestedParticles = requestedParticles;
    const n = requestedParticles;
    const L = gridSize;
    switch (spec.mode) {
      case 'GEOMETRIC': {
        const r = spec.ratio;
        this.scale = (n * ((1 - r) / (1 - Math.pow(r, L)))) / L;
        this.step = 0;
        break;
      }
      case 'SINUSOIDAL':
        this.scale = L * L;
        this.step = Math.PI / L;
        break;
      case 'LINEAR': {
        const s = 1 / L;
        this.step = s;
        this.scale = spec.beta * L - ((spec.alpha * 0.5 * s) * L) * (L - 1);
        break;
      }
      case 'PATCH':
        this.scale = n / ((spec.right - spec.left + 1) * (spec.top - spec.bottom + 1));
        this.step = 0;
        break;
    }
  }

  /** The mean passed to `draw` for each cell of column x (0 <= x < L). */
  drawMean(x: number): number {
    const spec = this.spec;
    const n = this.requestedParticles;
    switch (spec.mode) {
      case 'GEOMETRIC':
        return this.scale * Math.pow(spec.ratio, x);
      case 'SINUSOIDAL': {
        const c = Math.cos(x * this.step);
        return ((2 * c) * c * n) / this.scale;
      }
      case 'LINEAR': {
        const weight = spec.beta - spec.alpha * this.step * x;
        return (n * (weight / this.scale)) / this.gridSize;
      }
      case 'PATCH':
        return this.scale;
    }
  }

  /** Whether the draw of cell (x, y) is kept; false only outside a PATCH box. */
  keepsDraw(x: number, y: number): boolean {
    const spec = this.spec;
    if (spec.mode !== 'PATCH') return true;
    return x >= spec.left && x <= spec.right && y >= spec.bottom && y <= spec.top;
  }

  /** The first row of column x whose draw is kept (0 unless PATCH). */
  firstKeptRow(x: number): number {
    const spec = this.spec;
    if (spec.mode !== 'PATCH') return 0;
    return x >= spec.left && x <= spec.right ? spec.bottom : this.gridSize;
  }

  /** One past the last row of column x whose draw is kept (L unless PATCH). */
  endKeptRow(x: number): number {
    const spec = this.spec;
    if (spec.mode !== 'PATCH') return this.gridSize;
    return x >= spec.left && x <= spec.right ? spec.top + 1 : this.gridSize;
  }

  /** The expected particle count of cell (x, y): `drawMean(x)`, or 0 where the draw is discarded. */
  expectedCount(x: number, y: number): number {
    return this.keepsDraw(x, y) ? this.drawMean(x) : 0;
  }
}
