import t from 'tap';
import { gridLayout } from '../../../../examples/stencil2d/kernel/grid-layout.js';

/** Distance from `x` to the nearest multiple of 4096. */
const pageDistance = (x: number): number => Math.min(((x % 4096) + 4096) % 4096, 4096 - (((x % 4096) + 4096) % 4096));

t.test('layouts keep rows aligned, grids apart, and stores clear of 4K aliasing', (t) => {
  const sizes = [1, 2, 3, 7, 8, 40, 62, 64, 100, 254, 256, 510, 512, 1000, 1022, 1024, 3000, 4094, 4096];
  let checked = 0;
  for (const rows of [1, 5, 64, 513]) {
    for (const cols of sizes) {
      const L = gridLayout(rows, cols);
      const strideBytes = L.stride * 8;
      const [a, b] = L.byteOffsets;
      const ok =
        L.stride >= cols + 2 &&
        L.stride % 8 === 0 &&
        strideBytes % 4096 !== 0 &&
        L.gridLength === (rows + 2) * L.stride &&
        (a + (L.stride + 1) * 8) % 64 === 0 &&
        (b + (L.stride + 1) * 8) % 64 === 0 &&
        b >= a + L.gridLength * 8 &&
        L.byteLength === b + L.gridLength * 8 &&
        [-4, -3, -2, -1, 0, 1, 2, 3, 4].every((k) => pageDistance(b - a - k * strideBytes) >= 256);
      if (!ok) t.fail(`${rows} x ${cols}: ${JSON.stringify(L)}`);
      checked++;
    }
  }
  t.pass(`${checked} layouts checked`);
  t.end();
});

t.test('layouts are immutable and refuse empty blocks', (t) => {
  const L = gridLayout(3, 4);
  t.ok(Object.isFrozen(L) && Object.isFrozen(L.byteOffsets));
  t.throws(() => gridLayout(0, 4), RangeError);
  t.throws(() => gridLayout(3, 1.5), RangeError);
  t.end();
});
