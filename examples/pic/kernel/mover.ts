/**
 * One time step of the PIC kernel for the particles of one tile (PIC.md 4): the Coulomb force of
 * the four vertices of the particle's cell, read from the stored mesh charges, then position
 * (old velocity, periodic wrap), then velocity (accumulated). {@link TileMover} adds the routing
 * of PIC.md 6.4: particles whose new cell belongs to a neighbour leave the store, packed per
 * neighbour slot. This is the benchmark's hot loop; every operation keeps the reference's order.
 */
import { DT, MASS_INV } from './constants.js';
import { NEIGHBOUR_SLOT_COUNT } from './decomposition.js';
import type { TileMesh } from './mesh.js';
import { PACKED_PARTICLE_DOUBLES, type ParticleStore } from './particles.js';
import { STAY, type TileRouter } from './routing.js';

/**
 * The store is put back in cell order (see ParticleStore.orderByCell) once more than
 * 1/REORDER_FRACTION of its particles were displaced (appended, or moved by a removal) since it
 * last was.
 */
const REORDER_FRACTION = 8;

/**
 * `value fmod L` (JavaScript `%`), bit for bit, without the library call in the usual cases:
 * on [0, L) it is the value itself, and on [L, 2L) the subtraction is exact (Sterbenz).
 */
function periodic(value: number, L: number): number {
  if (value >= 0 && value < L) return value;
  if (value >= L && value < 2 * L) return value - L;
  return value % L;
}

/** Growable list of particle indices in the order added, reused across steps. */
export class IndexList {
  values = new Int32Array(1024);
  length = 0;

  add(index: number): void {
    if (this.length === this.values.length) {
      const values = new Int32Array(this.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[this.length++] = index;
  }
}

/**
 * Moves every particle of `store` one step on a periodic L x L grid. Every particle must lie in a
 * cell the mesh covers: [mesh.istart, mesh.iend) x [mesh.jstart, mesh.jend). When `outside` is
 * given, it is cleared and receives, in increasing order, the index of every particle whose new
 * cell the mesh does not cover (one comparison per particle, instead of a second pass reading
 * the positions back).
 */
export function moveParticles(store: ParticleStore, mesh: TileMesh, gridSize: number, outside: IndexList | null = null): void {
  const n = store.count;
  const xs = store.x;
  const ys = store.y;
  const vxs = store.vx;
  const vys = store.vy;
  const qs = store.q;
  const charges = mesh.charges;
  const stride = mesh.columnStride;
  const istart = mesh.istart;
  const jstart = mesh.jstart;
  const iend = mesh.iend;
  const jend = mesh.jend;
  const L = gridSize;
  if (outside !== null) outside.length = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const y = ys[i];
    const q = qs[i];
    const cx = Math.floor(x);
    const cy = Math.floor(y);
    const rx = x - cx;
    const ry = y - cy;
    const v00 = (cx - istart) * stride + (cy - jstart);
    const v10 = v00 + stride;
    let fx = 0;
    let fy = 0;
    // vertex (cx, cy)
    let dx = rx;
    let dy = ry;
    let r2 = dx * dx + dy * dy;
    let r = Math.sqrt(r2);
    let f = (q * charges[v00]) / r2;
    fx += (f * dx) / r;
    fy += (f * dy) / r;
    // vertex (cx, cy+1)
    dy = 1 - ry;
    r2 = dx * dx + dy * dy;
    r = Math.sqrt(r2);
    f = (q * charges[v00 + 1]) / r2;
    fx += (f * dx) / r;
    fy -= (f * dy) / r;
    // vertex (cx+1, cy)
    dx = 1 - rx;
    dy = ry;
    r2 = dx * dx + dy * dy;
    r = Math.sqrt(r2);
    f = (q * charges[v10]) / r2;
    fx -= (f * dx) / r;
    fy += (f * dy) / r;
    // vertex (cx+1, cy+1)
    dy = 1 - ry;
    r2 = dx * dx + dy * dy;
    r = Math.sqrt(r2);
    f = (q * charges[v10 + 1]) / r2;
    fx -= (f * dx) / r;
    fy -= (f * dy) / r;
    const ax = fx * MASS_INV;
    const ay = fy * MASS_INV;
    const vx = vxs[i];
    const vy = vys[i];
    // position first, with the old velocity; then accumulate the velocity
    const nx = periodic(x + vx * DT + 0.5 * ax * DT * DT + L, L);
    const ny = periodic(y + vy * DT + 0.5 * ay * DT * DT + L, L);
    xs[i] = nx;
    ys[i] = ny;
    vxs[i] = vx + ax * DT;
    vys[i] = vy + ay * DT;
    // floor(nx) lies in [istart, iend) exactly when nx does (the bounds are integers)
    if (outside !== null && (nx < istart || nx >= iend || ny < jstart || ny >= jend)) outside.add(i);
  }
}

/**
 * Records in `leavers` the index and slot of every particle of `store` listed in `outside`
 * whose cell the router's tile does not own, in the list's (increasing) order.
 */
function findLeavers(store: ParticleStore, router: TileRouter, outside: IndexList, leavers: LeaverBuffer): void {
  const xs = store.x;
  const ys = store.y;
  const columnOffset = router.columnOffset;
  const rowOffset = router.rowOffset;
  const slotByOffset = router.slotByOffset;
  const candidates = outside.values;
  for (let c = 0; c < outside.length; c++) {
    const i = candidates[c]!;
    const ox = columnOffset[Math.floor(xs[i])];
    const oy = rowOffset[Math.floor(ys[i])];
    if (ox === 0 && oy === 0) continue;
    // FAR (2) and an out-of-grid cell (undefined) both fail this test
    if (!(ox <= 1 && oy <= 1)) router.throwFar(Math.floor(xs[i]), Math.floor(ys[i]));
    const slot = slotByOffset[(oy + 1) * 3 + (ox + 1)];
    if (slot !== STAY) leavers.add(i, slot);
  }
}

/** Growable list of (particle index, slot) pairs in increasing index order, reused across steps. */
class LeaverBuffer {
  indices = new Int32Array(1024);
  slots = new Uint8Array(1024);
  length = 0;
  readonly perSlot = new Int32Array(NEIGHBOUR_SLOT_COUNT);

  reset(): void {
    this.length = 0;
    this.perSlot.fill(0);
  }

  add(index: number, slot: number): void {
    if (this.length === this.indices.length) {
      const indices = new Int32Array(this.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const slots = new Uint8Array(this.length * 2);
      slots.set(this.slots);
      this.slots = slots;
    }
    this.indices[this.length] = index;
    this.slots[this.length] = slot;
    this.length++;
    this.perSlot[slot]++;
  }
}

/**
 * Steps the particles of one tile and routes the ones that leave it. Holds reusable scratch
 * space, so use one instance per tile (it moves with the tile's other state; nothing in it needs
 * to be kept across a migration).
 */
export class TileMover {
  /** The tile's mesh charges. */
  readonly mesh: TileMesh;
  /** The tile's routing rule. */
  readonly router: TileRouter;
  /** Cells per side, L. */
  readonly gridSize: number;
  private readonly leavers = new LeaverBuffer();
  private readonly outside = new IndexList();

  constructor(mesh: TileMesh, router: TileRouter, gridSize: number) {
    this.mesh = mesh;
    this.router = router;
    this.gridSize = gridSize;
  }

  /**
   * Moves every particle of `store` one step, removes those whose new cell another tile owns, and
   * returns them packed per neighbour slot: 8 arrays in `NEIGHBOUR_OFFSETS` order (empty where
   * none left), 10 doubles per particle. Send slot s to `router.neighbours[s]`. Throws
   * InvalidArgumentError when a particle reaches a tile that is not a neighbour (the limits of
   * PIC.md 6.5 were not checked); the store is then left mid-step.
   */
  step(store: ParticleStore): Float64Array[] {
    const leavers = this.leavers;
    leavers.reset();
    if (store.displaced * REORDER_FRACTION > store.count) {
      const { istart, iend, jstart, jend } = this.mesh;
      store.orderByCell(istart, iend - istart, jstart, jend - jstart);
    }
    moveParticles(store, this.mesh, this.gridSize, this.outside);
    findLeavers(store, this.router, this.outside, leavers);
    const outgoing: Float64Array[] = [];
    const fill = new Int32Array(NEIGHBOUR_SLOT_COUNT);
    for (let s = 0; s < NEIGHBOUR_SLOT_COUNT; s++) {
      outgoing.push(new Float64Array(leavers.perSlot[s] * PACKED_PARTICLE_DOUBLES));
    }
    for (let r = 0; r < leavers.length; r++) {
      const slot = leavers.slots[r];
      store.packInto(leavers.indices[r], outgoing[slot], fill[slot] * PACKED_PARTICLE_DOUBLES);
      fill[slot]++;
    }
    store.removeSorted(leavers.indices, leavers.length);
    return outgoing;
  }
}
