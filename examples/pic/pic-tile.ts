/**
 * One tile of the PIC grid as a chare (PIC.md 6): it owns its cells, their vertex charges and
 * the particles inside them. Each step it moves its particles, sends each of its 8 neighbour
 * slots the particles leaving to it (an empty array too, so every tile expects exactly 8
 * messages per step), appends what it receives, and goes on. There is no barrier between
 * steps: a neighbour may already be one step ahead, and its messages wait in `early` until
 * this tile has moved its own particles of that step.
 *
 * Pauses: after step 0 (the warm-up; main starts the clock once every tile is there and calls
 * `go`), every `lbPeriod` steps at `atSync()` (the runtime may move the tile to another PE, then
 * calls `resumeFromSync()` there), and after step T. The tile's state is in ordinary fields and
 * travels with it through `pack()`/`unpack()`: the particle arrays as raw typed-array segments.
 */
import { charm, ChareArray, Reducer, type BorrowedEntries, type ElementProxy, type Future } from 'charm4ts';
import { NEIGHBOUR_SLOT_COUNT, TileDecomposition } from './kernel/decomposition.js';
import { CellDistribution } from './kernel/distributions.js';
import { assignIds, placeTileParticles } from './kernel/init.js';
import { TileMesh } from './kernel/mesh.js';
import { TileMover } from './kernel/mover.js';
import { ParticleStore, PARTICLE_FIELDS } from './kernel/particles.js';
import { TileRouter } from './kernel/routing.js';
import { countFailures, idChecksum } from './kernel/verify.js';
import type { TileConfig, TileState } from './tile-state.js';

/** What a tile reports after verification, summed over tiles: [failures, id checksum, particles]. */
export type VerifyResult = Float64Array;

/** Per-PE busy seconds of the timed steps, summed over tiles (index = PE). */
export type BusyResult = Float64Array;

/** A tile of the particle grid; array index [ix, iy], tile number iy*px + ix. */
export class PicTile extends ChareArray<PicTile> {
  /** Received particles are copied into the store (or, when early, copied aside): their message memory goes back to the transport. */
  static borrows: BorrowedEntries<PicTile> = ['receive'];
  private config: TileConfig;
  /** Tile number in PIC.md 6.1 order. */
  private tile: number;
  private store: ParticleStore;
  /** Next step to exchange (= steps completed). */
  private step = 0;
  /** Whether this tile has moved its particles of `step`. */
  private moved = false;
  /** Messages of `step` received so far. */
  private received = 0;
  /** Whether the tile may start its next step (false while waiting for go or resumeFromSync, and at the end). */
  private running = false;
  /** Messages that came before this tile moved at their step: [step, packed particles]. */
  private early: [number, Float64Array][] = [];
  /** Seconds of timed work, per PE on which it was done. */
  private busy: Float64Array;
  private warm: Future<void> | null = null;
  private done: Future<BusyResult> | null = null;
  /** Told when the tile pauses for a checkpoint (after step `config.checkpointAt`). */
  private pause: Future<void> | null = null;
  private lastProgress = 0;
  /** When the running entry method started, and whether its time counts (transient, not packed). */
  private entryStart = 0;
  private entryTimed = false;
  /** Rebuilt from the config after a migration (not packed). */
  private mover: TileMover;
  private links: ElementProxy<PicTile>[];

  constructor(config: TileConfig, placed: Future<[number, number][]>) {
    super();
    this.config = config;
    const [ix, iy] = this.thisIndex as [number, number];
    this.tile = iy * config.px + ix;
    this.busy = new Float64Array(config.pes);
    const decomposition = new TileDecomposition(config.gridSize, { px: config.px, py: config.py });
    const distribution = new CellDistribution(config.distribution, config.gridSize, config.requestedParticles);
    this.store = placeTileParticles({ distribution, k: config.k, m: config.m, bounds: decomposition.bounds(this.tile), firstId: 0 });
    [this.mover, this.links] = this._build(decomposition);
    this.contribute([this.tile, this.store.count], Reducer.gather, placed);
  }

  /** Gives the particles ids from `firstId` on, then runs the warm-up step 0; contributes to `warm` when it is over. */
  start(firstId: number, warm: Future<void>): void {
    assignIds(this.store, firstId);
    this.warm = warm;
    this.running = true;
    this._advance();
  }

  /**
   * Runs the timed steps (from step 1, or on from where the tile paused); contributes this tile's
   * per-PE busy seconds to `done` after step T. With a checkpoint step, the tile pauses after it
   * and contributes to `pause`; `go` again continues.
   */
  go(done: Future<BusyResult>, pause: Future<void> | null): void {
    this._enter(true);
    this.done = done;
    this.pause = pause;
    if (this.busy.length !== charm.numPes()) {
      const resized = new Float64Array(charm.numPes());
      resized.set(this.busy.subarray(0, resized.length));
      this.busy = resized;
    }
    this.running = true;
    this._advance();
    this._account();
  }

  /** The particles that a neighbour sends this tile at `step` (packed, possibly none). */
  receive(step: number, packed: Float64Array): void {
    this._enter(this.step >= 1);
    if (step === this.step && this.moved) {
      this.store.appendPacked(packed);
      this.received++;
      this._advance();
    } else if (step === this.step || step === this.step + 1) {
      this.early.push([step, packed.slice()]);
    } else {
      throw new Error(`tile ${this.tile} at step ${this.step} received particles of step ${step}: a neighbour is more than one step ahead`);
    }
    this._account();
  }

  /** Checks every particle (PIC.md 5) and contributes [failures, id checksum, particle count] to `result`. */
  verify(result: Future<VerifyResult>): void {
    const { iterations, gridSize } = this.config;
    const failures = countFailures(this.store, iterations + 1, gridSize);
    this.contribute(new Float64Array([failures, idChecksum(this.store), this.store.count]), Reducer.sum, result);
  }

  /** Continues the step loop after load balancing, on whichever PE the tile now lives. */
  override resumeFromSync(): void {
    this._enter(true);
    this.running = true;
    this._advance();
    this._account();
  }

  /** The tile's state for a migration: plain data, the particles as typed arrays sent as they are. */
  pack(): TileState {
    const n = this.store.count;
    return {
      config: this.config,
      tile: this.tile,
      step: this.step,
      moved: this.moved,
      received: this.received,
      running: this.running,
      early: this.early,
      busy: this.busy,
      warm: this.warm,
      done: this.done,
      pause: this.pause,
      particles: PARTICLE_FIELDS.map((field) => this.store[field].subarray(0, n)),
    };
  }

  /** Rebuilds the tile from {@link pack}'s state on the destination PE (the constructor does not run). */
  unpack(state: TileState): void {
    this.config = state.config;
    this.tile = state.tile;
    this.step = state.step;
    this.moved = state.moved;
    this.received = state.received;
    this.running = state.running;
    this.early = state.early;
    this.busy = state.busy;
    this.warm = state.warm;
    this.done = state.done;
    this.pause = state.pause;
    this.lastProgress = 0;
    this.entryStart = 0;
    this.entryTimed = false;
    this.store = new ParticleStore(0);
    PARTICLE_FIELDS.forEach((field, f) => (this.store[field] = state.particles[f]!));
    this.store.count = state.particles[0]!.length;
    [this.mover, this.links] = this._build(new TileDecomposition(this.config.gridSize, { px: this.config.px, py: this.config.py }));
  }

  /** The mover (mesh charges, routing) and the proxies of the 8 neighbour slots. */
  _build(decomposition: TileDecomposition): [TileMover, ElementProxy<PicTile>[]] {
    const router = new TileRouter(decomposition, this.tile);
    const mover = new TileMover(new TileMesh(router.bounds), router, this.config.gridSize);
    const px = this.config.px;
    const links = router.neighbours.map((t) => this.thisProxy.at(t % px, Math.floor(t / px)));
    return [mover, links];
  }

  /** Steps while the tile may run and each step's 8 messages are in. */
  _advance(): void {
    for (;;) {
      if (!this.moved) {
        if (!this.running) return;
        this._move();
      }
      if (this.received < NEIGHBOUR_SLOT_COUNT) return;
      this._complete();
    }
  }

  /** Moves the particles of `step`, sends the leavers, and takes in what came early for this step. */
  _move(): void {
    const outgoing = this.mover.step(this.store);
    for (let slot = 0; slot < NEIGHBOUR_SLOT_COUNT; slot++) this.links[slot]!.receive(this.step, outgoing[slot]!);
    this.moved = true;
    if (this.early.length === 0) return;
    const later: [number, Float64Array][] = [];
    for (const entry of this.early) {
      if (entry[0] !== this.step) later.push(entry);
      else {
        this.store.appendPacked(entry[1]);
        this.received++;
      }
    }
    this.early = later;
  }

  /** `step` is over on this tile: warm-up barrier, the end, a sync point, or straight on. */
  _complete(): void {
    const finished = this.step++;
    this.moved = false;
    this.received = 0;
    const { iterations, lbPeriod } = this.config;
    this._progress();
    if (finished === 0) {
      this.running = false;
      this.contribute(null, Reducer.nop, this.warm!);
      this.warm = null;
    } else if (finished === iterations) {
      this.running = false;
      this._account();
      this.contribute(this.busy.slice(), Reducer.sum, this.done!);
      this.done = null;
    } else if (finished === this.config.checkpointAt && this.pause !== null) {
      this.running = false;
      this.contribute(null, Reducer.nop, this.pause);
      this.pause = null;
    } else if (lbPeriod > 0 && finished % lbPeriod === 0) {
      this.running = false;
      this.atSync();
    }
  }

  /** Marks the start of an entry method's work; `timed`: whether it belongs to the timed steps. */
  _enter(timed: boolean): void {
    this.entryStart = performance.now();
    this.entryTimed = timed;
  }

  /** Adds the time since the last mark to this PE's busy time (when timed) and marks again. */
  _account(): void {
    const now = performance.now();
    if (this.entryTimed) this.busy[charm.myPe()]! += (now - this.entryStart) / 1000;
    this.entryStart = now;
  }

  /** Tile 0 shows progress on a terminal, at most twice a second. */
  _progress(): void {
    if (this.tile !== 0 || !charm.stderrIsTerminal()) return;
    const now = performance.now();
    const last = this.step === this.config.iterations + 1;
    if (now - this.lastProgress < 500 && !last) return;
    this.lastProgress = now;
    process.stderr.write(`\r  step ${this.step - 1} / ${this.config.iterations}${last ? '\n' : ''}`);
  }
}
