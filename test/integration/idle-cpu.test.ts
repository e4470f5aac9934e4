/**
 * An idle PE parks instead of spinning: over 5 s with nothing to do, the process of PE 1 uses
 * under 5% of one core, between processes (the default transport, UCX where available, and ws)
 * and between PE threads of one process (shared-memory rings).
 */
import t from 'tap';
import { AUTO_TRANSPORT } from './feature-runner.js';
import { program, runCharmrun } from './harness.js';

const PLACEMENTS = [
  { label: `2 processes (${AUTO_TRANSPORT})`, flags: [] as string[] },
  { label: '2 processes (ws)', flags: ['++transport', 'ws'] },
  { label: '2 threads of one process (rings)', flags: ['++ppn', '2'] },
];

for (const { label, flags } of PLACEMENTS) {
  t.test(`an idle PE uses under 5% of a core for 5 s: ${label}`, async (t) => {
    const result = await runCharmrun(program('idle-cpu.ts'), { pes: 2, flags, args: ['5000'], timeoutMs: 60_000 });
    t.notOk(result.timedOut, 'finishes within the time limit');
    t.equal(result.code, 0, `exit code 0 (stderr: ${result.stderr.trim()})`);
    const line = /IDLE-CPU (\{.*\})/.exec(result.stdout);
    t.ok(line, 'the program reported its measurement');
    const { worstFractionOfOneCore } = JSON.parse(line![1]!) as { worstFractionOfOneCore: number };
    t.ok(worstFractionOfOneCore < 0.05, `PE 1's process used ${(worstFractionOfOneCore * 100).toFixed(2)}% of a core while idle`);
  });
}
