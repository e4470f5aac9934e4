/**
 * Where a particle goes after a step (PIC.md 6.4): stay on this tile, or the first of the eight
 * neighbour slots whose tile owns the particle's new cell. The rule is precomputed per tile into
 * two lookup tables (cell column -> tile-column offset, cell row -> tile-row offset) and a 3x3
 * table of slots, so the mover pays two array reads per particle.
 */
import { InvalidArgumentError } from '../../../src/errors.js';
import type { TileBounds, TileDecomposition } from './decomposition.js';

/** Route of a particle that stays on its tile. */
export const STAY = -1;

/** Offset code of a cell column or row that no adjacent tile owns. */
const FAR = 2;

function offsetTable(cells: number, blocks: number, own: number, ownerOf: (cell: number) => number): Int8Array {
  const table = new Int8Array(cells);
  const before = (own - 1 + blocks) % blocks;
  const after = (own + 1) % blocks;
  for (let cell = 0; cell < cells; cell++) {
    const owner = ownerOf(cell);
    table[cell] = owner === own ? 0 : owner === before ? -1 : owner === after ? 1 : FAR;
  }
  return table;
}

/**
 * The routing rule of one tile. Immutable after construction. `route(cx, cy)` returns
 * {@link STAY} when the tile owns cell (cx, cy), else the slot (0..7) of the first neighbour in
 * `NEIGHBOUR_OFFSETS` order that owns it, else throws: a particle that skipped a tile means
 * the limits of PIC.md 6.5 were not checked.
 */
export class TileRouter {
  /** The tile this router serves. */
  readonly bounds: TileBounds;
  /** Neighbour tile of each slot, in `NEIGHBOUR_OFFSETS` order. */
  readonly neighbours: readonly number[];
  /** @internal cell column -> tile-column offset -1, 0, +1, or FAR */
  readonly columnOffset: Int8Array;
  /** @internal cell row -> tile-row offset -1, 0, +1, or FAR */
  readonly rowOffset: Int8Array;
  /** @internal slot for (dx, dy) at index (dy+1)*3 + (dx+1); STAY at the centre */
  readonly slotByOffset: Int8Array;

  constructor(decomposition: TileDecomposition, tile: number) {
    this.bounds = decomposition.bounds(tile);
    this.neighbours = decomposition.neighbourSlots(tile);
    const { ix, iy } = this.bounds;
    const L = decomposition.gridSize;
    this.columnOffset = offsetTable(L, decomposition.px, ix, (c) => decomposition.ownerColumn(c));
    this.rowOffset = offsetTable(L, decomposition.py, iy, (r) => decomposition.ownerRow(r));
    this.slotByOffset = new Int8Array(9);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const owner = decomposition.tileAt(ix + dx, iy + dy);
        this.slotByOffset[(dy + 1) * 3 + (dx + 1)] = owner === tile ? STAY : this.neighbours.indexOf(owner);
      }
    }
  }

  /** Route of a particle now in cell (cx, cy): {@link STAY} or a neighbour slot 0..7. */
  route(cx: number, cy: number): number {
    const dx = this.columnOffset[cx];
    const dy = this.rowOffset[cy];
    if (dx === FAR || dy === FAR) this.throwFar(cx, cy);
    return this.slotByOffset[(dy + 1) * 3 + (dx + 1)];
  }

  /** @internal throws the error for a particle that left the neighbourhood */
  throwFar(cx: number, cy: number): never {
    const b = this.bounds;
    throw new InvalidArgumentError(
      `a particle of tile ${b.tile} (cells [${b.istart},${b.iend}) x [${b.jstart},${b.jend})) reached cell (${cx}, ${cy}), ` +
        'which no neighbouring tile owns; k or m exceed the limits 2k+1 <= floor(L/Px), |m| <= floor(L/Py)',
    );
  }
}

