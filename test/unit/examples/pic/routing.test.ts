import t from 'tap';
import { TileDecomposition, defaultTileGrid, type TileGrid } from '../../../../examples/pic/kernel/decomposition.js';
import { STAY, TileRouter } from '../../../../examples/pic/kernel/routing.js';

/** The rule of PIC.md 6.4 written plainly: stay if ours, else the first slot holding the owner, else -2. */
function expectedRoute(d: TileDecomposition, tile: number, cx: number, cy: number): number {
  const owner = d.ownerOfCell(cx, cy);
  if (owner === tile) return STAY;
  const slot = d.slotOf(tile, owner);
  return slot === -1 ? -2 : slot;
}

t.test('route agrees with the plain rule for every cell of every tile', async (t) => {
  const grids: [number, TileGrid][] = [
    [20, defaultTileGrid(1)],
    [20, defaultTileGrid(2)],
    [20, defaultTileGrid(3)],
    [20, defaultTileGrid(4)],
    [20, defaultTileGrid(6)],
    [21, defaultTileGrid(9)],
    [20, { px: 2, py: 1 }],
    [20, { px: 3, py: 1 }],
    [20, { px: 5, py: 4 }],
    [12, { px: 4, py: 2 }],
  ];
  for (const [L, grid] of grids) {
    const d = new TileDecomposition(L, grid);
    let agree = true;
    let far = 0;
    for (let tile = 0; tile < d.tileCount; tile++) {
      const router = new TileRouter(d, tile);
      t.same(router.neighbours, d.neighbourSlots(tile));
      for (let cx = 0; cx < L; cx++) {
        for (let cy = 0; cy < L; cy++) {
          const expected = expectedRoute(d, tile, cx, cy);
          if (expected === -2) {
            far++;
            try {
              router.route(cx, cy);
              agree = false;
            } catch {
              // expected: no neighbour owns that cell
            }
          } else if (router.route(cx, cy) !== expected) {
            agree = false;
          }
        }
      }
    }
    t.ok(agree, `L=${L} grid ${grid.px}x${grid.py} (${far} far cells)`);
  }
});

t.test('a particle that skips a tile is a clear error', async (t) => {
  const d = new TileDecomposition(50, { px: 5, py: 5 });
  const router = new TileRouter(d, 0);
  t.equal(router.route(5, 5), STAY);
  t.equal(router.route(12, 5), 1, 'right neighbour');
  t.equal(router.route(49, 49), 6, 'diagonal (-1,-1) across both wraps');
  t.throws(() => router.route(25, 5), {
    code: 'CHARM_ERR_INVALID_ARGUMENT',
    message: /tile 0 .* reached cell \(25, 5\), which no neighbouring tile owns/,
  });
});
