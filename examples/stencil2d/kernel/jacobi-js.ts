/**
 * The plain JavaScript Jacobi step: the fallback where WebAssembly is unavailable, and the
 * reading of the operation order that every other variant must reproduce bit for bit.
 */

import type { GridLayout } from './grid-layout.js';
import type { GridPair, JacobiKernel } from './kernel.js';

/**
 * One Jacobi step over the interior of a block laid out as `layout`: every interior point of
 * `dst` becomes `((((up + down) + left) + right) + self) * 0.2` of the same point of `src`.
 * Reads `src` (interior and ghost frame), writes only the interior of `dst`; the two must not
 * overlap.
 *
 * Four rows go together, column by column: each value is loaded once and passed along in
 * locals (a row's centre is the neighbour above or below the next), which needs a quarter of
 * the loads and bounds checks of the plain loop. Rows left over go one at a time.
 */
export function jacobiStepJs(src: Float64Array, dst: Float64Array, layout: GridLayout): void {
  const { rows, cols, stride: s } = layout;
  const s2 = 2 * s;
  const s3 = 3 * s;
  const s4 = 4 * s;
  let i = 1;
  for (; i + 3 <= rows; i += 4) {
    let c = i * s + 1;
    const end = c + cols;
    // Left neighbour and centre of each of the four rows at column c.
    let l0 = src[c - 1];
    let x0 = src[c];
    let l1 = src[c + s - 1];
    let x1 = src[c + s];
    let l2 = src[c + s2 - 1];
    let x2 = src[c + s2];
    let l3 = src[c + s3 - 1];
    let x3 = src[c + s3];
    for (; c < end; c++) {
      const r0 = src[c + 1];
      const r1 = src[c + s + 1];
      const r2 = src[c + s2 + 1];
      const r3 = src[c + s3 + 1];
      dst[c] = ((((src[c - s] + x1) + l0) + r0) + x0) * 0.2;
      dst[c + s] = ((((x0 + x2) + l1) + r1) + x1) * 0.2;
      dst[c + s2] = ((((x1 + x3) + l2) + r2) + x2) * 0.2;
      dst[c + s3] = ((((x2 + src[c + s4]) + l3) + r3) + x3) * 0.2;
      l0 = x0;
      x0 = r0;
      l1 = x1;
      x1 = r1;
      l2 = x2;
      x2 = r2;
      l3 = x3;
      x3 = r3;
    }
  }
  for (; i <= rows; i++) {
    let c = i * s + 1;
    const end = c + cols;
    let left = src[c - 1];
    let self = src[c];
    for (; c < end; c++) {
      const right = src[c + 1];
      dst[c] = ((((src[c - s] + src[c + s]) + left) + right) + self) * 0.2;
      left = self;
      self = right;
    }
  }
}

/**
 * The JavaScript kernel: grids are two Float64Array views on one ArrayBuffer laid out by
 * `layout`, owned by the returned pair (and so by the block that holds it).
 */
export function createJsKernel(): JacobiKernel {
  return {
    variant: 'js',
    allocate(layout: GridLayout): GridPair {
      const buffer = new ArrayBuffer(layout.byteLength);
      const grids = [
        new Float64Array(buffer, layout.byteOffsets[0], layout.gridLength),
        new Float64Array(buffer, layout.byteOffsets[1], layout.gridLength),
      ] as const;
      return {
        variant: 'js',
        layout,
        grids,
        step(from: 0 | 1): void {
          jacobiStepJs(grids[from], grids[1 - from], layout);
        },
      };
    },
  };
}
