/** Tests usageText (src/cli/usage.ts): the help mentions every launcher and runtime flag, with values, and extra sections. */
import t from 'tap';
import { LAUNCHER_FLAGS } from '../../../src/cli/charmrun-flags.js';
import { usageText } from '../../../src/cli/usage.js';
import { RUNTIME_FLAGS } from '../../../src/runtime/options.js';

t.test('every launcher flag and runtime flag appears with its value placeholder and help', async (t) => {
  const text = usageText();
  for (const flag of [...LAUNCHER_FLAGS, ...RUNTIME_FLAGS]) {
    const shown = flag.value === null ? flag.name : `${flag.name} ${flag.value}`;
    t.ok(text.split('\n').some((line) => line.trimStart().startsWith(shown) && line.includes(flag.help)), `${shown} with its help`);
  }
});

t.test('flags are listed in two titled tables, launcher flags first', async (t) => {
  const text = usageText();
  t.match(text, /^Usage: charmrun \+pN/);
  const launcher = text.indexOf('Launcher flags');
  const runtime = text.indexOf('Runtime flags');
  t.ok(launcher > 0 && runtime > launcher);
  t.ok(text.indexOf('++ppn') > launcher && text.indexOf('++ppn') < runtime, '++ppn in the launcher table');
  t.ok(text.indexOf('+balancer') > runtime, '+balancer in the runtime table');
});

t.test('help columns line up within each table', async (t) => {
  const lines = usageText().split('\n');
  const start = lines.findIndex((l) => l.startsWith('Launcher flags'));
  const rows = lines.slice(start + 1, start + 1 + LAUNCHER_FLAGS.length);
  const columns = rows.map((row, i) => row.indexOf(LAUNCHER_FLAGS[i]!.help));
  t.ok(columns.every((c) => c === columns[0] && c > 0), `help starts in one column: ${columns.join(',')}`);
});

t.test('extra sections are appended with their title and indented lines', async (t) => {
  const text = usageText([{ title: 'Load balancers', lines: ['GreedyLB  greedy', 'RefineLB  refine'] }]);
  t.match(text, /\nLoad balancers:\n  GreedyLB  greedy\n  RefineLB  refine\n/);
  t.notMatch(usageText(), /Load balancers/);
});
