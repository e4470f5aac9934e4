/**
 * integerList, the benchmarks' reader of flags such as `--sizes 4096,32768`: whole numbers come
 * back in order, anything else is refused with the flag and the offending part named.
 */
import t from 'tap';
import { integerList } from '../../../bench/lib/integer-flag.js';

t.test('a list of whole numbers comes back in order', async (t) => {
  t.same(integerList('sizes', '4096,8,0'), [4096, 8, 0]);
  t.same(integerList('spans', '256', 1), [256]);
});

t.test('a part that is not a whole number at least the minimum is refused, naming it', async (t) => {
  t.throws(() => integerList('sizes', '4096,x'), { name: 'RangeError', message: /--sizes .*"x"/ });
  t.throws(() => integerList('sizes', '1.5'), { message: /"1.5"/ });
  t.throws(() => integerList('sizes', '4096,,8'), { message: /""/ });
  t.throws(() => integerList('repeat', '0', 1), { message: /--repeat takes comma-separated integers of at least 1, not "0"/ });
  t.throws(() => integerList('deltas', '-1'), { message: /"-1"/ });
});
