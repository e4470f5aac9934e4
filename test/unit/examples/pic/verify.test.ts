import t from 'tap';
import { ParticleStore } from '../../../../examples/pic/kernel/particles.js';
import { POSITION_TOLERANCE, countFailures, expectedIdChecksum, idChecksum } from '../../../../examples/pic/kernel/verify.js';

function storeAt(x: number, y: number, x0: number, y0: number, k: number, m: number, id = 1): ParticleStore {
  const store = new ParticleStore();
  store.push({ x, y, vx: 0, vy: m, q: 1, x0, y0, k, m, id });
  return store;
}

t.test('expected position wraps (T+1)(2k+1) in x and (T+1)m in y', async (t) => {
  const L = 20;
  // 11 steps, k = 1: 33 columns from 2.5 -> 35.5 -> 15.5; m = 2: 22 rows from 3.5 -> 25.5 -> 5.5
  t.equal(countFailures(storeAt(15.5, 5.5, 2.5, 3.5, 1, 2), 11, L), 0);
  // negative m: 3.5 - 33 = -29.5 -> 10.5
  t.equal(countFailures(storeAt(15.5, 10.5, 2.5, 3.5, 1, -3), 11, L), 0);
  t.equal(countFailures(storeAt(15.5 + 2 * POSITION_TOLERANCE, 5.5, 2.5, 3.5, 1, 2), 11, L), 1, 'x off by more than the tolerance');
  t.equal(countFailures(storeAt(15.5 + POSITION_TOLERANCE / 2, 5.5, 2.5, 3.5, 1, 2), 11, L), 0, 'within tolerance');
  t.equal(countFailures(storeAt(15.5, 6.5, 2.5, 3.5, 1, 2), 11, L), 1, 'y off by one cell');
  t.equal(countFailures(storeAt(3.5, 5.5, 2.5, 3.5, 1, 2), 11, L), 1, 'moved in -x instead');
});

t.test('id checksum is the sum of ids and N(N+1)/2 when complete', async (t) => {
  const store = new ParticleStore();
  for (let id = 1; id <= 100; id++) store.push({ x: 0, y: 0, vx: 0, vy: 0, q: 0, x0: 0, y0: 0, k: 0, m: 0, id });
  t.equal(idChecksum(store), 5050);
  t.equal(expectedIdChecksum(100), 5050);
  t.equal(expectedIdChecksum(6385281), 6385281 * 3192641);
  store.removeAt(10);
  t.not(idChecksum(store), expectedIdChecksum(100));
});
