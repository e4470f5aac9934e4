import t from 'tap';
import {
  NEIGHBOUR_OFFSETS,
  TileDecomposition,
  defaultTileGrid,
  parseTileGrid,
} from '../../../../examples/pic/kernel/decomposition.js';

const invalid = (pattern: RegExp) => ({ code: 'CHARM_ERR_INVALID_ARGUMENT', message: pattern });

t.test('default tile grid follows PIC.md 6.1', async (t) => {
  const expected: Record<number, [number, number]> = {
    1: [1, 1],
    2: [1, 2],
    3: [1, 3],
    4: [2, 2],
    5: [1, 5],
    6: [2, 3],
    7: [1, 7],
    8: [2, 4],
    9: [3, 3],
    12: [3, 4],
    16: [4, 4],
    64: [8, 8],
  };
  for (const [tiles, [px, py]] of Object.entries(expected)) {
    t.same(defaultTileGrid(Number(tiles)), { px, py }, `${tiles} tiles`);
  }
  t.throws(() => defaultTileGrid(0), invalid(/tile count must be an integer >= 1/));
});

t.test('a forced grid is parsed from PXxPY', async (t) => {
  t.same(parseTileGrid('2x1'), { px: 2, py: 1 });
  t.same(parseTileGrid(' 3X4 '), { px: 3, py: 4 });
  t.throws(() => parseTileGrid('2*1'), invalid(/PXxPY/));
  t.throws(() => parseTileGrid(undefined), invalid(/--tiles needs a tile grid/), 'the flag without its value');
  t.throws(() => parseTileGrid('0x3'), invalid(/Px must be an integer >= 1/));
  t.throws(() => new TileDecomposition(4, { px: 5, py: 1 }), invalid(/more tiles than cells/));
});

t.test('tiles partition the grid; the first L mod P tiles are one cell wider', async (t) => {
  const d = new TileDecomposition(20, { px: 2, py: 3 });
  t.same(d.bounds(0), { tile: 0, ix: 0, iy: 0, istart: 0, iend: 10, jstart: 0, jend: 7 });
  t.same(d.bounds(3), { tile: 3, ix: 1, iy: 1, istart: 10, iend: 20, jstart: 7, jend: 14 });
  t.same(d.bounds(5), { tile: 5, ix: 1, iy: 2, istart: 10, iend: 20, jstart: 14, jend: 20 });
  for (const L of [2, 7, 20, 100, 101]) {
    for (const tiles of [1, 2, 3, 4, 6, 7, 9]) {
      const grid = defaultTileGrid(tiles);
      if (grid.px > L || grid.py > L) continue;
      const dec = new TileDecomposition(L, grid);
      const owner = new Int32Array(L * L).fill(-1);
      let overlap = false;
      for (let tile = 0; tile < tiles; tile++) {
        const b = dec.bounds(tile);
        for (let x = b.istart; x < b.iend; x++) {
          for (let y = b.jstart; y < b.jend; y++) {
            if (owner[x * L + y] !== -1) overlap = true;
            owner[x * L + y] = tile;
          }
        }
      }
      t.notOk(overlap, `L=${L} tiles=${tiles}: no overlap`);
      let consistent = true;
      for (let x = 0; x < L; x++) for (let y = 0; y < L; y++) if (dec.ownerOfCell(x, y) !== owner[x * L + y]) consistent = false;
      t.ok(consistent, `L=${L} tiles=${tiles}: ownerOfCell agrees with the bounds and covers every cell`);
    }
  }
  t.throws(() => d.bounds(6), invalid(/tile 6 does not exist/));
});

t.test('owner of a column and a row', async (t) => {
  const d = new TileDecomposition(10, { px: 3, py: 4 });
  // columns: widths 4, 3, 3 -> [0,4) [4,7) [7,10); rows: widths 3, 3, 2, 2
  t.same([0, 3, 4, 6, 7, 9].map((c) => d.ownerColumn(c)), [0, 0, 1, 1, 2, 2]);
  t.same([0, 2, 3, 5, 6, 7, 8, 9].map((r) => d.ownerRow(r)), [0, 0, 1, 1, 2, 2, 3, 3]);
  t.equal(d.ownerOfCell(5, 7), 2 * 3 + 1);
});

t.test('eight periodic neighbour slots in the MPI1 order', async (t) => {
  t.equal(NEIGHBOUR_OFFSETS.length, 8);
  const d = new TileDecomposition(30, { px: 3, py: 3 });
  // tile 4 is the centre (1,1)
  t.same(d.neighbourSlots(4), [3, 5, 7, 1, 6, 8, 0, 2]);
  // tile 0 at (0,0) wraps on both axes
  t.same(d.neighbourSlots(0), [2, 1, 3, 6, 5, 4, 8, 7]);
  const twoByTwo = new TileDecomposition(20, { px: 2, py: 2 });
  t.same(twoByTwo.neighbourSlots(0), [1, 1, 2, 2, 3, 3, 3, 3], 'slots repeat when Px, Py <= 2');
  const column = new TileDecomposition(20, { px: 1, py: 3 });
  t.same(column.neighbourSlots(1), [1, 1, 2, 0, 2, 2, 0, 0], 'with Px = 1 a tile is its own left and right');
  t.equal(twoByTwo.slotOf(0, 3), 4, 'first slot holding the owner');
  t.equal(d.slotOf(4, 4), -1, 'not its own neighbour on a 3x3 grid');
  t.equal(new TileDecomposition(30, { px: 5, py: 5 }).slotOf(0, 12), -1, 'a far tile is in no slot');
});

t.test('limits of PIC.md 6.5', async (t) => {
  const d = new TileDecomposition(40, defaultTileGrid(16));
  t.doesNotThrow(() => d.checkLimits(4, 10));
  t.throws(() => d.checkLimits(5, 1), invalid(/2k\+1 = 11 cells per step, which must be <= floor\(L\/Px\) = 10/));
  t.throws(() => d.checkLimits(0, 11), invalid(/\|m\| must be <= floor\(L\/Py\) = 10/));
  t.throws(() => d.checkLimits(0, -11), invalid(/m = -11/));
  t.doesNotThrow(() => d.checkLimits(0, -10));
  const uneven = new TileDecomposition(20, { px: 6, py: 1 });
  t.doesNotThrow(() => uneven.checkLimits(1, 20), 'floor(20/6) = 3 = 2k+1');
  t.throws(() => uneven.checkLimits(2, 0), invalid(/k = 2/));
});
