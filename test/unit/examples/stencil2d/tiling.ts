/**
 * Test helper: blocks tiled over a grid with halos exchanged by hand, as the mini-app's chares
 * would exchange them, but in one process and without the runtime.
 */

import { Block, SIDES, opposite, type Side } from '../../../../examples/stencil2d/kernel/block.js';
import type { JacobiKernel } from '../../../../examples/stencil2d/kernel/kernel.js';

/** Cut positions splitting `length` into parts of the given sizes (which must add up). */
export function cuts(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}

/** Splits `length` into `parts` nearly equal sizes (the first ones one larger). */
export function even(length: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(length / parts) + (k < length % parts ? 1 : 0));
}

/** A grid of blocks: `blocks[bi][bj]` covers the rows and columns between consecutive cuts. */
export class Tiling {
  readonly blocks: Block[][];

  /** `rowSizes` and `colSizes` are the block heights and widths; their sums are n and m. */
  constructor(rowSizes: readonly number[], colSizes: readonly number[], kernel: JacobiKernel) {
    const rc = cuts(rowSizes);
    const cc = cuts(colSizes);
    const n = rc[rc.length - 1];
    const m = cc[cc.length - 1];
    this.blocks = rowSizes.map((rows, bi) =>
      colSizes.map((cols, bj) => new Block({ row0: rc[bi], col0: cc[bj], rows, cols, n, m }, kernel)),
    );
  }

  /** The block on `side` of block (bi, bj), if there is one. */
  neighbour(bi: number, bj: number, side: Side): Block | undefined {
    const [di, dj] = { north: [-1, 0], south: [1, 0], west: [0, -1], east: [0, 1] }[side];
    return this.blocks[bi + di]?.[bj + dj];
  }

  /** One iteration: every block sends its edges, receives its halos, then steps. */
  iterate(): void {
    const mail = new Map<Block, [Side, Float64Array][]>();
    this.blocks.forEach((row, bi) =>
      row.forEach((block, bj) => {
        for (const side of SIDES) {
          const to = this.neighbour(bi, bj, side);
          if (to === undefined) continue;
          const box = mail.get(to) ?? [];
          box.push([opposite(side), block.edge(side)]);
          mail.set(to, box);
        }
      }),
    );
    for (const [block, halos] of mail) for (const [side, values] of halos) block.setHalo(side, values);
    for (const row of this.blocks) for (const block of row) block.step();
  }

  /** The whole interior, row-major n x m, assembled from the blocks. */
  grid(): Float64Array {
    const first = this.blocks[0][0].geometry;
    const out = new Float64Array(first.n * first.m);
    for (const row of this.blocks) {
      for (const block of row) {
        const { row0, col0, rows, cols, m } = block.geometry;
        const interior = block.interior();
        for (let i = 0; i < rows; i++) out.set(interior.subarray(i * cols, (i + 1) * cols), (row0 + i) * m + col0);
      }
    }
    return out;
  }

  /** The sum of the blocks' interior sums (a different order from the serial sum). */
  checksum(): number {
    return this.blocks.flat().reduce((sum, block) => sum + block.interiorSum(), 0);
  }
}

/** Index of the first value where two arrays differ bit for bit, or -1. */
export function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  const ab = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const bb = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < a.length; k++) if (ab[k] !== bb[k]) return k;
  return -1;
}
