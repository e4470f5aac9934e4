/**
 * copyInto, the rings' copy between shared and ordinary memory: every byte of the source lands
 * at the offset asked, nothing around it changes, for either kind of memory on either side, at
 * every alignment and on both sides of the size where it switches from `set` to `memcpy`.
 */
import t from 'tap';
import { copyInto, MEMCPY_MIN_BYTES } from '../../../src/transport/shm/shared-copy.js';

const SIZES = [1, 15, 16, 255, MEMCPY_MIN_BYTES - 1, MEMCPY_MIN_BYTES, MEMCPY_MIN_BYTES + 1, 65536 + 3];
const MARGIN = 24;

function memory(shared: boolean, bytes: number): Uint8Array {
  return new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

for (const [targetShared, sourceShared] of [
  [true, false],
  [false, true],
  [true, true],
  [false, false],
] as const) {
  t.test(`${sourceShared ? 'shared' : 'ordinary'} into ${targetShared ? 'shared' : 'ordinary'} memory`, async (t) => {
    let wrong = 0;
    for (const size of SIZES) {
      for (const sourceShift of [0, 3, 8]) {
        for (const targetShift of [0, 1, 4, 8]) {
          const source = memory(sourceShared, size + 16).subarray(sourceShift, sourceShift + size);
          for (let i = 0; i < size; i++) source[i] = (i * 7 + size) & 0xff;
          const target = memory(targetShared, size + 2 * MARGIN).fill(0xee);
          const offset = MARGIN - 8 + targetShift;
          copyInto(target, offset, source);
          for (let i = 0; i < target.length; i++) {
            const inside = i >= offset && i < offset + size;
            const expected = inside ? ((i - offset) * 7 + size) & 0xff : 0xee;
            if (target[i] !== expected) {
              wrong++;
              break;
            }
          }
        }
      }
    }
    t.equal(wrong, 0, 'every copy exact, with its neighbours untouched');
  });
}
