/**
 * One block of the Jacobi grid as a chare: each iteration it sends its edges to its four
 * neighbours (fresh typed arrays, handed over without copying), takes the halos of the same
 * iteration as they come (a neighbour may already be one iteration ahead: its halos wait),
 * and steps once all have arrived. There is no barrier between iterations.
 *
 * Its state lives in ordinary fields and travels through pack()/unpack() (the grid's interior as
 * one Float64Array), so blocks can migrate and be checkpointed.
 */
import { charm, ChareArray, Reducer, type BorrowedEntries, type Future } from 'charm4ts';
import { Block, createJacobiKernel, opposite, SIDES, type BlockGeometry, type JacobiKernel, type Side } from './kernel/index.js';

/** What every block is created with. */
export interface StencilConfig {
  readonly n: number;
  readonly m: number;
  /** Blocks along rows and columns. */
  readonly br: number;
  readonly bc: number;
  readonly kernel: 'auto' | 'wasm-simd' | 'wasm' | 'js';
}

/**
 * Result of a phase, summed over blocks: [checksum, compute seconds of PE 0, ..., of PE p-1].
 */
export type PhaseResult = Float64Array;

/** What a block's pack() returns. */
interface PackedBlock {
  readonly geometry: BlockGeometry;
  readonly interior: Float64Array;
  readonly kernel: StencilConfig['kernel'];
  readonly iteration: number;
}

const kernels = new Map<string, JacobiKernel>();

/** One kernel per PE and variant (compiling WebAssembly once per PE, not per block). */
function kernelFor(variant: StencilConfig['kernel']): JacobiKernel {
  let kernel = kernels.get(variant);
  if (kernel === undefined) kernels.set(variant, (kernel = createJacobiKernel(variant)));
  return kernel;
}

const OFFSET: Record<Side, readonly [number, number]> = { north: [-1, 0], south: [1, 0], west: [0, -1], east: [0, 1] };

/** A block of the grid. */
export class StencilBlock extends ChareArray<StencilBlock> {
  /** A halo is copied into the grid (or, when early, copied aside): its message memory goes back to the transport. */
  static borrows: BorrowedEntries<StencilBlock> = ['halo'];
  private block: Block;
  private kernel: StencilConfig['kernel'];
  private neighbours = 0;
  private iteration = 0;
  private target = 0;
  private received = 0;
  private early: [Side, Float64Array][] = [];
  private computeSeconds = 0;
  private done: Future<PhaseResult> | null = null;
  private lastProgress = 0;

  constructor(config: StencilConfig) {
    super();
    const [r, c] = this.thisIndex as [number, number];
    const rows = config.n / config.br;
    const cols = config.m / config.bc;
    this.kernel = config.kernel;
    this.block = new Block({ row0: r * rows, col0: c * cols, rows, cols, n: config.n, m: config.m }, kernelFor(config.kernel));
    this._countNeighbours();
  }

  /** The state that moves (between phases: no halo in flight, nothing held). */
  pack(): PackedBlock {
    return { geometry: this.block.geometry, interior: this.block.interior(), kernel: this.kernel, iteration: this.iteration };
  }

  /** Rebuilds the block on its new PE (the constructor does not run there). */
  unpack(state: PackedBlock): void {
    this.kernel = state.kernel;
    this.block = new Block(state.geometry, kernelFor(state.kernel), state.interior);
    this.iteration = state.iteration;
    this.target = state.iteration;
    this.received = 0;
    this.early = [];
    this.computeSeconds = 0;
    this.done = null;
    this.lastProgress = 0;
    this._countNeighbours();
  }

  /** Kernel variant in use on this block. */
  variant(): string {
    return this.block.variant;
  }

  /** Runs iterations until the block has done `until` in all, then contributes its phase result to `done`. */
  run(until: number, done: Future<PhaseResult>): void {
    this.target = until;
    this.done = done;
    this.computeSeconds = 0;
    if (this.iteration < this.target) this._sendEdges();
    this._advance();
  }

  /** The halo a neighbour sent for `iteration`, for this block's `side`. */
  halo(iteration: number, side: Side, values: Float64Array): void {
    if (iteration !== this.iteration) {
      this.early.push([side, values.slice()]);
      return;
    }
    this.block.setHalo(side, values);
    this.received++;
    this._advance();
  }

  private _countNeighbours(): void {
    this.neighbours = SIDES.filter((side) => !this.block.onBoundary(side)).length;
  }

  private _sendEdges(): void {
    const [r, c] = this.thisIndex as [number, number];
    for (const side of SIDES) {
      if (this.block.onBoundary(side)) continue;
      const [dr, dc] = OFFSET[side];
      this.thisProxy.at(r + dr, c + dc).halo(this.iteration, opposite(side), this.block.edge(side));
    }
  }

  /** Steps while every halo of the current iteration is in and the phase is not over. */
  private _advance(): void {
    while (this.received === this.neighbours && this.iteration < this.target) {
      const start = performance.now();
      this.block.step();
      this.computeSeconds += (performance.now() - start) / 1000;
      this.iteration++;
      this.received = 0;
      this._progress();
      if (this.iteration === this.target) {
        this._finish();
        return;
      }
      this._sendEdges();
      const early = this.early.splice(0);
      for (const [side, values] of early) {
        this.block.setHalo(side, values);
        this.received++;
      }
    }
  }

  private _finish(): void {
    const result = new Float64Array(1 + charm.numPes());
    result[0] = this.block.interiorSum();
    result[1 + charm.myPe()] = this.computeSeconds;
    this.contribute(result, Reducer.sum, this.done!);
  }

  /** Element [0,0] shows progress on a terminal, at most twice a second. */
  private _progress(): void {
    if (!charm.stderrIsTerminal() || this.thisIndex[0] !== 0 || this.thisIndex[1] !== 0) return;
    const now = performance.now();
    if (now - this.lastProgress < 500 && this.iteration !== this.target) return;
    this.lastProgress = now;
    process.stderr.write(`\r  iteration ${this.iteration} / ${this.target}${this.iteration === this.target ? '\n' : ''}`);
  }
}
