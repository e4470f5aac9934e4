/** Tests expandHostlist (src/control/hostlist.ts): Slurm's bracketed host lists. */
import t from 'tap';
import { expandHostlist } from '../../../src/control/hostlist.js';
import { InvalidArgumentError } from '../../../src/errors.js';

t.test('names, ranges with padding, lists, several brackets', async (t) => {
  t.strictSame(expandHostlist('vm'), ['vm']);
  t.strictSame(expandHostlist('node[01-03,07],login1'), ['node01', 'node02', 'node03', 'node07', 'login1']);
  t.strictSame(expandHostlist('r[1-2]n[8-9]'), ['r1n8', 'r1n9', 'r2n8', 'r2n9']);
  t.strictSame(expandHostlist('a[9-10]'), ['a9', 'a10']);
});

t.test('malformed lists are refused', async (t) => {
  t.throws(() => expandHostlist('n[1-'), InvalidArgumentError);
  t.throws(() => expandHostlist('n[x]'), /bad Slurm host list range "x"/);
  t.throws(() => expandHostlist('n[5-2]'), /bad Slurm host list range "5-2"/);
});
