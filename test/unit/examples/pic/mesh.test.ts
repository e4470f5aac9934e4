import t from 'tap';
import { TileDecomposition } from '../../../../examples/pic/kernel/decomposition.js';
import { GRID_CHARGE } from '../../../../examples/pic/kernel/constants.js';
import { TileMesh, vertexCharge } from '../../../../examples/pic/kernel/mesh.js';

t.test('vertex columns alternate +Q, -Q from column 0', async (t) => {
  t.equal(GRID_CHARGE, 1);
  t.same([0, 1, 2, 3, 20].map(vertexCharge), [1, -1, 1, -1, 1]);
});

t.test('a tile stores vertices [istart..iend] x [jstart..jend]', async (t) => {
  const mesh = new TileMesh({ istart: 3, iend: 7, jstart: 10, jend: 12 });
  t.equal(mesh.columnStride, 3);
  t.equal(mesh.charges.length, 5 * 3);
  for (let i = 3; i <= 7; i++) for (let j = 10; j <= 12; j++) t.equal(mesh.chargeAt(i, j), vertexCharge(i), `(${i}, ${j})`);
});

t.test('neighbouring tiles store the same charges on their shared line', async (t) => {
  const L = 20;
  const d = new TileDecomposition(L, { px: 3, py: 2 });
  const whole = new TileMesh({ istart: 0, iend: L, jstart: 0, jend: L });
  t.equal(whole.chargeAt(L, 5), whole.chargeAt(0, 5), 'L even: column L equals column 0');
  for (let tile = 0; tile < d.tileCount; tile++) {
    const b = d.bounds(tile);
    const mesh = new TileMesh(b);
    let same = true;
    for (let i = b.istart; i <= b.iend; i++) for (let j = b.jstart; j <= b.jend; j++) if (mesh.chargeAt(i, j) !== whole.chargeAt(i, j)) same = false;
    t.ok(same, `tile ${tile}`);
  }
});
