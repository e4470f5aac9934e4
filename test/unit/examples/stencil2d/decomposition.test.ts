import t from 'tap';
import { createJacobiKernel, kernelSupport } from '../../../../examples/stencil2d/kernel/kernel.js';
import { serialJacobi } from '../../../../examples/stencil2d/kernel/serial.js';
import { Tiling, even, firstDifference } from './tiling.js';

/** Block heights and widths; each case sums to its grid's n and m. */
const decompositions: { name: string; rows: number[]; cols: number[] }[] = [
  { name: '1 block, 24 x 40', rows: [24], cols: [40] },
  { name: '2 x 2 even, 24 x 40', rows: even(24, 2), cols: even(40, 2) },
  { name: '4 x 1 (row strips), 24 x 40', rows: even(24, 4), cols: [40] },
  { name: '1 x 5 (column strips), 24 x 40', rows: [24], cols: even(40, 5) },
  { name: '3 x 4 uneven, 37 x 53', rows: even(37, 3), cols: even(53, 4) },
  { name: 'ragged sizes, 37 x 53', rows: [1, 17, 2, 9, 8], cols: [30, 1, 5, 3, 14] },
  { name: 'one point per block, 4 x 5', rows: [1, 1, 1, 1], cols: [1, 1, 1, 1, 1] },
  { name: 'wide and flat, 3 x 130', rows: [2, 1], cols: [61, 2, 67] },
  { name: 'tall and thin, 90 x 3', rows: [45, 44, 1], cols: [1, 2] },
];

const ITERATIONS = 60;

for (const variant of kernelSupport().available) {
  t.test(`${variant}: tiled blocks match the serial grid bit for bit`, (t) => {
    const kernel = createJacobiKernel(variant);
    for (const d of decompositions) {
      const n = d.rows.reduce((a, b) => a + b);
      const m = d.cols.reduce((a, b) => a + b);
      const tiling = new Tiling(d.rows, d.cols, kernel);
      for (let k = 0; k < ITERATIONS; k++) tiling.iterate();
      const serial = serialJacobi(n, m, ITERATIONS);
      t.equal(firstDifference(tiling.grid(), serial.grid), -1, `${d.name}: grid identical`);
      const relative = Math.abs(tiling.checksum() - serial.checksum) / Math.abs(serial.checksum);
      t.ok(relative <= 1e-12, `${d.name}: checksum within 1e-12 (${relative})`);
    }
    t.end();
  });
}

t.test('many iterations on an uneven decomposition stay identical', (t) => {
  const n = 50;
  const m = 31;
  const iterations = 400;
  const serial = serialJacobi(n, m, iterations);
  for (const variant of kernelSupport().available) {
    const tiling = new Tiling([13, 20, 17], [7, 16, 8], createJacobiKernel(variant));
    for (let k = 0; k < iterations; k++) tiling.iterate();
    t.equal(firstDifference(tiling.grid(), serial.grid), -1, `${variant}: grid identical after ${iterations}`);
  }
  t.end();
});

t.test('small grids: 1 x 1, 1 x N and N x 1', (t) => {
  for (const variant of kernelSupport().available) {
    const kernel = createJacobiKernel(variant);
    const cases: [number[], number[]][] = [
      [[1], [1]],
      [[1], [9]],
      [[1], [4, 5]],
      [[9], [1]],
      [[4, 5], [1]],
      [[1], [1, 1, 1]],
      [[1, 1, 1], [1]],
    ];
    for (const [rows, cols] of cases) {
      const n = rows.reduce((a, b) => a + b);
      const m = cols.reduce((a, b) => a + b);
      const tiling = new Tiling(rows, cols, kernel);
      for (let k = 0; k < 25; k++) tiling.iterate();
      const label = `${variant}: ${n} x ${m} as ${rows.length} x ${cols.length} blocks`;
      t.equal(firstDifference(tiling.grid(), serialJacobi(n, m, 25).grid), -1, label);
    }
  }
  t.end();
});

t.test('the 1 x 1 grid after one step is (255 + 1 + 255 + 1 + 1) * 0.2', (t) => {
  for (const variant of kernelSupport().available) {
    const tiling = new Tiling([1], [1], createJacobiKernel(variant));
    tiling.iterate();
    t.equal(tiling.grid()[0], 513 * 0.2, variant);
  }
  t.equal(serialJacobi(1, 1, 1).checksum, 513 * 0.2, 'serial');
  t.equal(serialJacobi(1, 1, 0).checksum, 1, 'serial, no iterations');
  t.end();
});
