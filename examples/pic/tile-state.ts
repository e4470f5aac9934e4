/**
 * The data a PIC tile is created with and the data that moves with it when it migrates. Both
 * are plain values the runtime can send: numbers, arrays, typed arrays, futures.
 */
import type { Future } from 'charm4ts';
import type { DistributionSpec } from './kernel/distributions.js';

/** What every tile is created with (the same for all tiles). */
export interface TileConfig {
  /** Cells per side, L. */
  readonly gridSize: number;
  /** Tiles along x and along y. */
  readonly px: number;
  readonly py: number;
  /** Timed steps T (T+1 steps run). */
  readonly iterations: number;
  /** Particles requested, n. */
  readonly requestedParticles: number;
  /** Charge multiplier k and vertical velocity m. */
  readonly k: number;
  readonly m: number;
  /** Initial distribution. */
  readonly distribution: DistributionSpec;
  /** Steps between sync points (atSync); 0: none. */
  readonly lbPeriod: number;
  /** PEs of the job (length of the per-PE busy-time array). */
  readonly pes: number;
  /** Step after which the tiles pause for a checkpoint (0: never). */
  readonly checkpointAt: number;
}

/** A tile's state in transit (what `PicTile.pack()` returns and `unpack()` takes). */
export interface TileState {
  readonly config: TileConfig;
  readonly tile: number;
  readonly step: number;
  readonly moved: boolean;
  readonly received: number;
  readonly running: boolean;
  readonly early: [number, Float64Array][];
  readonly busy: Float64Array;
  readonly warm: Future<void> | null;
  readonly done: Future<Float64Array> | null;
  readonly pause: Future<void> | null;
  /** The particles' fields in `PARTICLE_FIELDS` order, `count` values each. */
  readonly particles: Float64Array[];
}
