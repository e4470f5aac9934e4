/** Tests src/cli/nodelist.ts: the Charm++ nodelist format, ++hosts, and placement of processes on hosts. */
import t from 'tap';
import { parseHostsFlag, parseNodelist, placeProcesses } from '../../../src/cli/nodelist.js';
import { BadFlagError } from '../../../src/errors.js';

t.test('groups, hosts, options and comments', async (t) => {
  const text = ['# cluster', 'host pre', 'group main ++shell ssh', '  host a ++cpus 8', '  host b ++shell rsh', '', 'group gpu', '  host g1  # fast'].join('\n');
  t.strictSame(parseNodelist(text), [
    { name: 'pre', cpus: null, shell: null },
    { name: 'a', cpus: 8, shell: 'ssh' },
    { name: 'b', cpus: null, shell: 'rsh' },
  ]);
  t.strictSame(parseNodelist(text, 'gpu'), [{ name: 'g1', cpus: null, shell: null }]);
});

t.test('mistakes name the line', async (t) => {
  t.throws(() => parseNodelist('group main\nhots a\n', 'main', 'f'), new BadFlagError('f line 2: expected "group NAME" or "host NAME", got "hots"'));
  t.throws(() => parseNodelist('host\n', 'main', 'f'), /f line 1: "host" needs a name/);
  t.throws(() => parseNodelist('host a ++cpus x\n', 'main', 'f'), /f line 1: unknown or incomplete host option "\+\+cpus" x/);
  t.throws(() => parseNodelist('group main ++cpus 2\n', 'main', 'f'), /\+\+cpus belongs on host lines/);
  t.throws(() => parseNodelist('group other\nhost a\n', 'main', 'f'), /f has no hosts in group "main" \(groups with hosts: other\)/);
});

t.test('++hosts', async (t) => {
  t.strictSame(parseHostsFlag('a, b').map((h) => h.name), ['a', 'b']);
  t.throws(() => parseHostsFlag('a,,b'), BadFlagError);
});

t.test('processes go round robin; PEs are numbered host by host', async (t) => {
  // 5 processes of 2 PEs on 2 hosts: host 0 gets processes 0, 2, 4; host 1 gets 1, 3.
  t.strictSame(placeProcesses(5, 2, 2), [
    { hostIndex: 0, firstPe: 0 },
    { hostIndex: 0, firstPe: 2 },
    { hostIndex: 0, firstPe: 4 },
    { hostIndex: 1, firstPe: 6 },
    { hostIndex: 1, firstPe: 8 },
  ]);
  t.strictSame(placeProcesses(2, 3, 1), [{ hostIndex: 0, firstPe: 0 }, { hostIndex: 1, firstPe: 1 }], 'more hosts than processes');
});
