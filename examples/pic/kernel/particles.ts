/**
 * Particle storage as a structure of arrays (one Float64Array per field), growable, with O(1)
 * removal, and the packed form in which particles travel between tiles: 10 doubles per particle
 * in the order of {@link PARTICLE_FIELDS} (80 bytes, like the MPI1 reference's record).
 */

/** The fields of a particle, in packed order. */
export const PARTICLE_FIELDS = ['x', 'y', 'vx', 'vy', 'q', 'x0', 'y0', 'k', 'm', 'id'] as const;

/** One particle field name. */
export type ParticleField = (typeof PARTICLE_FIELDS)[number];

/** Doubles per packed particle. */
export const PACKED_PARTICLE_DOUBLES = PARTICLE_FIELDS.length;

/** One particle as a plain record (for tests and inspection; the hot paths use the arrays). */
export type Particle = Record<ParticleField, number>;

const MIN_CAPACITY = 16;

/**
 * The particles of one tile. `count` particles live at indices 0..count-1 of each field array.
 * The arrays are replaced when the store grows or is ordered, so never keep a reference to one
 * across a call that adds particles or orders them. Order is not preserved by {@link removeAt}
 * (the last particle fills the gap); {@link orderByCell} restores the order the mover reads
 * fastest.
 */
export class ParticleStore {
  /** Number of live particles. */
  count = 0;
  /** Position x, in [0, L). */
  x: Float64Array;
  /** Position y, in [0, L). */
  y: Float64Array;
  /** Velocity x. */
  vx: Float64Array;
  /** Velocity y. */
  vy: Float64Array;
  /** Charge. */
  q: Float64Array;
  /** Initial x (verification). */
  x0: Float64Array;
  /** Initial y (verification). */
  y0: Float64Array;
  /** Charge multiplier k (verification). */
  k: Float64Array;
  /** Vertical velocity m (verification). */
  m: Float64Array;
  /** Particle id, 1..N. */
  id: Float64Array;

  /**
   * Particles put out of cell order since the store was last ordered (see
   * {@link orderByCell}): appended ones, and ones moved into gaps by {@link removeSorted}.
   */
  displaced = 0;
  /** The arrays the last {@link orderByCell} moved out of, reused by the next while the capacity holds. */
  #spare: Float64Array[] = [];

  constructor(capacity = MIN_CAPACITY) {
    const size = Math.max(MIN_CAPACITY, Math.ceil(capacity));
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
    this.vx = new Float64Array(size);
    this.vy = new Float64Array(size);
    this.q = new Float64Array(size);
    this.x0 = new Float64Array(size);
    this.y0 = new Float64Array(size);
    this.k = new Float64Array(size);
    this.m = new Float64Array(size);
    this.id = new Float64Array(size);
  }

  /** A store holding the particles of a packed array (see {@link packAll}). */
  static fromPacked(packed: Float64Array): ParticleStore {
    const store = new ParticleStore(packed.length / PACKED_PARTICLE_DOUBLES);
    store.appendPacked(packed);
    return store;
  }

  /** Number of particles the arrays hold without growing. */
  get capacity(): number {
    return this.x.length;
  }

  /** Grows the arrays (at least doubling) so that `needed` particles fit. */
  ensureCapacity(needed: number): void {
    if (needed <= this.x.length) return;
    const size = Math.max(needed, this.x.length * 2);
    const n = this.count;
    const grow = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size);
      next.set(old.subarray(0, n));
      return next;
    };
    this.x = grow(this.x);
    this.y = grow(this.y);
    this.vx = grow(this.vx);
    this.vy = grow(this.vy);
    this.q = grow(this.q);
    this.x0 = grow(this.x0);
    this.y0 = grow(this.y0);
    this.k = grow(this.k);
    this.m = grow(this.m);
    this.id = grow(this.id);
  }

  /** Appends one particle; returns its index. */
  push(p: Particle): number {
    this.ensureCapacity(this.count + 1);
    this.displaced++;
    const i = this.count++;
    this.x[i] = p.x;
    this.y[i] = p.y;
    this.vx[i] = p.vx;
    this.vy[i] = p.vy;
    this.q[i] = p.q;
    this.x0[i] = p.x0;
    this.y0[i] = p.y0;
    this.k[i] = p.k;
    this.m[i] = p.m;
    this.id[i] = p.id;
    return i;
  }

  /** The particle at index i as a record (a copy). */
  get(i: number): Particle {
    return {
      x: this.x[i],
      y: this.y[i],
      vx: this.vx[i],
      vy: this.vy[i],
      q: this.q[i],
      x0: this.x0[i],
      y0: this.y0[i],
      k: this.k[i],
      m: this.m[i],
      id: this.id[i],
    };
  }

  /** Removes the particle at index i in O(1) by moving the last particle into its place. */
  removeAt(i: number): void {
    const last = --this.count;
    if (i === last) return;
    this.x[i] = this.x[last];
    this.y[i] = this.y[last];
    this.vx[i] = this.vx[last];
    this.vy[i] = this.vy[last];
    this.q[i] = this.q[last];
    this.x0[i] = this.x0[last];
    this.y0[i] = this.y0[last];
    this.k[i] = this.k[last];
    this.m[i] = this.m[last];
    this.id[i] = this.id[last];
  }

  /**
   * Removes the particles at `indices[0..length)`, which must be strictly increasing, in
   * O(length): each gap is filled from the end, starting with the highest index, so a particle
   * moved into a gap is never itself one to remove. Each particle moved counts in
   * {@link displaced}.
   */
  removeSorted(indices: Int32Array, length: number): void {
    for (let r = length - 1; r >= 0; r--) {
      if (indices[r] !== this.count - 1) this.displaced++;
      this.removeAt(indices[r]);
    }
  }

  /**
   * Writes particle i into `out` at double offset `offset` (10 doubles, packed order).
   */
  packInto(i: number, out: Float64Array, offset: number): void {
    out[offset] = this.x[i];
    out[offset + 1] = this.y[i];
    out[offset + 2] = this.vx[i];
    out[offset + 3] = this.vy[i];
    out[offset + 4] = this.q[i];
    out[offset + 5] = this.x0[i];
    out[offset + 6] = this.y0[i];
    out[offset + 7] = this.k[i];
    out[offset + 8] = this.m[i];
    out[offset + 9] = this.id[i];
  }

  /** Packs the particles at `indices[0..length)` (any order) into a new array, in that order. */
  pack(indices: ArrayLike<number>, length = indices.length): Float64Array {
    const out = new Float64Array(length * PACKED_PARTICLE_DOUBLES);
    for (let r = 0; r < length; r++) this.packInto(indices[r], out, r * PACKED_PARTICLE_DOUBLES);
    return out;
  }

  /** Packs every particle, in index order (e.g. to migrate a tile). */
  packAll(): Float64Array {
    const out = new Float64Array(this.count * PACKED_PARTICLE_DOUBLES);
    for (let i = 0; i < this.count; i++) this.packInto(i, out, i * PACKED_PARTICLE_DOUBLES);
    return out;
  }

  /** Appends every particle of a packed array (length a multiple of 10). */
  appendPacked(packed: Float64Array): void {
    const incoming = packed.length / PACKED_PARTICLE_DOUBLES;
    if (!Number.isInteger(incoming)) {
      throw new RangeError(`packed particle array length ${packed.length} is not a multiple of ${PACKED_PARTICLE_DOUBLES}`);
    }
    this.ensureCapacity(this.count + incoming);
    this.displaced += incoming;
    let i = this.count;
    for (let offset = 0; offset < packed.length; offset += PACKED_PARTICLE_DOUBLES, i++) {
      this.x[i] = packed[offset];
      this.y[i] = packed[offset + 1];
      this.vx[i] = packed[offset + 2];
      this.vy[i] = packed[offset + 3];
      this.q[i] = packed[offset + 4];
      this.x0[i] = packed[offset + 5];
      this.y0[i] = packed[offset + 6];
      this.k[i] = packed[offset + 7];
      this.m[i] = packed[offset + 8];
      this.id[i] = packed[offset + 9];
    }
    this.count = i;
  }

  /**
   * Puts the particles in cell order: by column, floor(x) - `firstColumn` in [0, `columns`), and
   * within a column by row, floor(y) - `firstRow` in [0, `rows`) (two stable counting sorts of an
   * index permutation, rows first, then one gather of every field), and resets
   * {@link displaced}. The mesh stores charges column by column, so the mover, reading the
   * charges of particles in this order, walks memory forwards and the hardware prefetches it.
   * The rows count as much as the columns: a column of charges spans a few KiB, but where
   * particles within a column come in no order of rows, a tile cut in y (whose particles leave
   * through its top and arrive from below every step) moved 10-15% slower than one ordered by
   * cell (docs/performance.md). Arrivals from neighbours and the gap filling of removals break
   * the order, and the mover slows down as its reads turn random. Throws RangeError when a
   * particle lies outside columns [firstColumn, firstColumn + columns) or rows [firstRow,
   * firstRow + rows) (nothing is changed then).
   */
  orderByCell(firstColumn: number, columns: number, firstRow: number, rows: number): void {
    const n = this.count;
    const columnOf = new Int32Array(n);
    const rowOf = new Int32Array(n);
    const columnStarts = new Int32Array(columns + 1);
    const rowStarts = new Int32Array(rows + 1);
    const xs = this.x;
    const ys = this.y;
    for (let i = 0; i < n; i++) {
      const column = Math.floor(xs[i]) - firstColumn;
      const row = Math.floor(ys[i]) - firstRow;
      if (!(column >= 0 && column < columns && row >= 0 && row < rows)) {
        throw new RangeError(`particle ${i} at (${xs[i]}, ${ys[i]}) is outside columns ${firstColumn}..${firstColumn + columns - 1}, rows ${firstRow}..${firstRow + rows - 1}`);
      }
      columnOf[i] = column;
      rowOf[i] = row;
      columnStarts[column + 1]++;
      rowStarts[row + 1]++;
    }
    for (let c = 0; c < columns; c++) columnStarts[c + 1] += columnStarts[c];
    for (let r = 0; r < rows; r++) rowStarts[r + 1] += rowStarts[r];
    const byRow = new Int32Array(n);
    for (let i = 0; i < n; i++) byRow[rowStarts[rowOf[i]]++] = i;
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const i = byRow[j];
      order[columnStarts[columnOf[i]]++] = i;
    }
    PARTICLE_FIELDS.forEach((field, f) => {
      const from = this[field];
      let to = this.#spare[f];
      if (to === undefined || to.length !== from.length) to = new Float64Array(from.length);
      for (let j = 0; j < n; j++) to[j] = from[order[j]!]!;
      this[field] = to;
      this.#spare[f] = from;
    });
    this.displaced = 0;
  }
}
