/** Jobs that end badly end promptly, with a message naming the PE and the cause, and a non-zero exit code. */
import t from 'tap';
import { program, runCharmrun } from './harness.js';

t.test('charm.exit(code) from the last PE sets charmrun exit code', async (t) => {
  for (const pes of [1, 3]) {
    const result = await runCharmrun(program('exit-code.ts'), { pes, args: ['7'] });
    t.equal(result.code, 7, `exit code 7 on ${pes} PEs`);
    t.match(result.stdout, `PE ${pes - 1} exits with 7`);
  }
  const zero = await runCharmrun(program('exit-code.ts'), { pes: 2, args: ['0'] });
  t.equal(zero.code, 0);
});

for (const [mode, pattern] of [
  ['abort', /job aborted by PE 2: giving up on PE 2/],
  ['throw', /job aborted by PE 2: uncaught error in Victim\[2\]\.explode on PE 2[^]*TypeError: entry method exploded/],
  ['main-throws', /job aborted by PE 0: main threw: Error: main failed on purpose/],
] as const) {
  t.test(`failure mode ${mode}`, async (t) => {
    const result = await runCharmrun(program('failures.ts'), { pes: 3, args: [mode], timeoutMs: 30_000 });
    t.notOk(result.timedOut, 'ends without being killed');
    t.equal(result.code, 1, 'exit code 1');
    t.match(result.stderr, pattern);
  });
}

t.test('a PE killed mid-run ends the job with a clear error', async (t) => {
  let killed = false;
  const result = await runCharmrun(program('failures.ts'), {
    pes: 3,
    args: ['hang-until-killed'],
    timeoutMs: 30_000,
    onOutput: (stdout) => {
      const match = /ready pid (\d+) pe 1/.exec(stdout);
      if (match && !killed) {
        killed = true;
        process.kill(Number(match[1]), 'SIGKILL');
      }
    },
  });
  t.ok(killed, 'PE 1 was killed');
  t.notOk(result.timedOut, 'the job ended by itself');
  t.equal(result.code, 137, 'exit code 128 + SIGKILL');
  t.match(result.stderr, /PE 1 \(pid \d+ on .*\) was killed by signal SIGKILL/);
});

t.test('a PE that never reaches the rendezvous is named', async (t) => {
  const result = await runCharmrun(program('start-failures.ts'), { pes: 3, flags: ['++timeout', '3'], args: ['late'], timeoutMs: 30_000 });
  t.notOk(result.timedOut);
  t.equal(result.code, 1);
  t.match(result.stderr, /rendezvous timed out after 3 s: PE 1 never arrived/);
  t.notMatch(result.stdout, /main ran/);
});

t.test('PEs that registered different classes are refused', async (t) => {
  const result = await runCharmrun(program('start-failures.ts'), { pes: 2, args: ['mismatch'], timeoutMs: 30_000 });
  t.equal(result.code, 1);
  t.match(result.stderr, /PE 1 registered different chare classes/);
});

t.test('a PE that exits before starting ends the job', async (t) => {
  const result = await runCharmrun(program('start-failures.ts'), { pes: 2, args: ['no-start'], timeoutMs: 30_000 });
  t.equal(result.code, 3);
  t.match(result.stderr, /PE 1 \(pid \d+ on .*\) exited with code 3/);
});
