import t from 'tap';
import { Block, SIDES, opposite, type BlockGeometry, type Side } from '../../../../examples/stencil2d/kernel/block.js';
import { createJacobiKernel, kernelSupport } from '../../../../examples/stencil2d/kernel/kernel.js';

const ROWS = 3;
const COLS = 4;
/** A block in the middle of a grid: every side faces a neighbour. */
const inner: BlockGeometry = { row0: 2, col0: 5, rows: ROWS, cols: COLS, n: 10, m: 20 };

/** Interior value v(i, j) = 10 i + j + 1, so every position is distinct. */
const numbered = Float64Array.from({ length: ROWS * COLS }, (_, k) => 10 * Math.floor(k / COLS) + (k % COLS) + 1);

function zeroHalos(block: Block, except?: Side): void {
  for (const side of SIDES) if (side !== except && !block.onBoundary(side)) block.setHalo(side, new Float64Array(block.haloLength(side)));
}

for (const variant of kernelSupport().available) {
  const kernel = createJacobiKernel(variant);

  t.test(`${variant}: edges copy the outermost interior rows and columns`, (t) => {
    const block = new Block(inner, kernel, numbered);
    t.same([...block.edge('north')], [1, 2, 3, 4]);
    t.same([...block.edge('south')], [21, 22, 23, 24]);
    t.same([...block.edge('west')], [1, 11, 21], 'west column packed north to south');
    t.same([...block.edge('east')], [4, 14, 24], 'east column packed north to south');
    const edge = block.edge('north');
    edge.fill(-1);
    t.same([...block.edge('north')], [1, 2, 3, 4], 'the returned array is a copy');
    t.not(block.edge('west').buffer, block.edge('west').buffer, 'each call returns a fresh array');
    t.equal(block.edge('east').byteOffset, 0, 'not a view into the block');
    t.end();
  });

  t.test(`${variant}: a halo lands in the ghost cells of its side`, (t) => {
    const halos: Record<Side, number[]> = { north: [5, 10, 15, 20], south: [25, 30, 35, 40], west: [45, 50, 55], east: [60, 65, 70] };
    for (const side of SIDES) {
      // Zero interior and zero halos except `side`: one step leaves 0.2 * halo next to it.
      const block = new Block(inner, kernel, new Float64Array(ROWS * COLS));
      zeroHalos(block, side);
      const halo = Float64Array.from(halos[side]);
      block.setHalo(side, halo);
      halo.fill(1e9); // the block copied it: the caller keeps the array
      block.step();
      t.same([...block.edge(side)], halos[side].map((v) => v * 0.2), `${side} halo read as the ${side} neighbour`);
      t.ok(block.edge(opposite(side)).every((v) => v === 0), `${side} halo does not reach the far side`);
    }
    t.end();
  });

  t.test(`${variant}: ghost cells on the grid's edges hold the fixed boundary`, (t) => {
    const zero = new Float64Array(ROWS * COLS);
    const northWest = new Block({ row0: 0, col0: 0, rows: ROWS, cols: COLS, n: 10, m: 20 }, kernel, zero);
    t.same(SIDES.map((s) => northWest.onBoundary(s)), [true, false, true, false]);
    zeroHalos(northWest);
    northWest.step();
    const hot = 255 * 0.2;
    t.same([...northWest.edge('north')], [(255 + 255) * 0.2, hot, hot, hot], 'north row 255, west column 255');
    t.same([...northWest.edge('west')], [(255 + 255) * 0.2, hot, hot]);

    const southEast = new Block({ row0: 7, col0: 16, rows: ROWS, cols: COLS, n: 10, m: 20 }, kernel, zero);
    t.same(SIDES.map((s) => southEast.onBoundary(s)), [false, true, false, true]);
    zeroHalos(southEast);
    southEast.step();
    t.same([...southEast.edge('south')], [0.2, 0.2, 0.2, 0.4], 'south row 1.0, east column 1.0');
    t.same([...southEast.edge('east')], [0.2, 0.2, 0.4]);

    const whole = new Block({ row0: 0, col0: 0, rows: 1, cols: 1, n: 1, m: 1 }, kernel);
    t.same(SIDES.map((s) => whole.onBoundary(s)), [true, true, true, true]);
    t.equal(whole.interiorSum(), 1, 'the interior starts at 1.0');
    whole.step();
    t.equal(whole.interiorSum(), 513 * 0.2);
    whole.step();
    t.equal(whole.interiorSum(), ((((255 + 1) + 255) + 1) + 513 * 0.2) * 0.2, 'the boundary holds in both grids');
    t.end();
  });

  t.test(`${variant}: misuse is refused with a RangeError`, (t) => {
    const corner = new Block({ row0: 0, col0: 0, rows: ROWS, cols: COLS, n: 10, m: 20 }, kernel);
    t.throws(() => corner.setHalo('north', new Float64Array(COLS)), RangeError, 'no halo on the boundary');
    t.throws(() => corner.setHalo('south', new Float64Array(COLS + 1)), RangeError, 'wrong halo length');
    t.throws(() => new Block({ ...inner, rows: 0 }, kernel), RangeError, 'empty block');
    t.throws(() => new Block({ ...inner, row0: 8 }, kernel), RangeError, 'block outside the grid');
    t.throws(() => new Block({ ...inner, cols: 2.5 }, kernel), RangeError, 'fractional size');
    t.throws(() => new Block(inner, kernel, new Float64Array(5)), RangeError, 'interior of the wrong size');
    t.end();
  });

  t.test(`${variant}: a missed first exchange shows as NaN`, (t) => {
    const block = new Block(inner, kernel);
    block.step();
    t.ok(Number.isNaN(block.interiorSum()));
    t.end();
  });

  t.test(`${variant}: interior() round-trips through the constructor`, (t) => {
    const block = new Block(inner, kernel, numbered);
    t.same([...block.interior()], [...numbered]);
    t.equal(block.interiorSum(), numbered.reduce((a, b) => a + b));
    zeroHalos(block);
    block.step();
    const moved = new Block(block.geometry, kernel, block.interior());
    t.same([...moved.interior()], [...block.interior()], 'a rebuilt block holds the same values');
    t.same(moved.geometry, inner);
    t.end();
  });
}
