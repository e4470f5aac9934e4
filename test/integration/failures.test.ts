/** Jobs that end badly end promptly, with a message naming the PE and the cause, and a non-zero exit code. */
import t from 'tap';
import { killWhenReady, program, runCharmrun } from './harness.js';

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
  ['escape', /job aborted by PE 2: uncaught error outside any entry method: RangeError: escaped from a timer on PE 2/],
] as const) {
  t.test(`failure mode ${mode}`, async (t) => {
    const result = await runCharmrun(program('failures.ts'), { pes: 3, args: [mode], timeoutMs: 30_000 });
    t.notOk(result.timedOut, 'ends without being killed');
    t.equal(result.code, 1, 'exit code 1');
    t.match(result.stderr, pattern);
  });
}

t.test('a PE killed mid-run ends the job with a clear error', async (t) => {
  const kill = killWhenReady(1);
  const result = await runCharmrun(program('failures.ts'), { pes: 3, args: ['hang-until-killed'], timeoutMs: 30_000, onOutput: kill.onOutput });
  t.ok(kill.killed(), 'PE 1 was killed');
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

for (const [mode, pattern] of [
  ['future', /deadlock: the job has been quiescent for 1 s .* while 1 value is awaited that only a message could deliver: PE 0 awaits future 0:\d+ \(a future from charm\.createFuture\(\)\)/],
  ['ret', /deadlock: .* PE 0 awaits future 0:\d+ \(the return value of Waiter\.listen\); PE \d: Waiter\[\d\] awaits a channel value/],
  ['idle', /the job has been idle for 1 s: main has returned, .* nothing will call charm\.exit\(\)/],
] as const) {
  t.test(`a job that can never finish is reported (${mode}), not left hanging`, async (t) => {
    const result = await runCharmrun(program('deadlock.ts'), { pes: 3, flags: ['+deadlockSeconds', '1'], args: [mode], timeoutMs: 30_000 });
    t.notOk(result.timedOut, 'ends by itself');
    t.equal(result.code, 1);
    t.match(result.stderr, pattern);
  });
}

t.test('a sleeping job is not a deadlock', async (t) => {
  const result = await runCharmrun(program('deadlock.ts'), { pes: 2, flags: ['+deadlockSeconds', '1'], args: ['sleep'], timeoutMs: 30_000 });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /slept/);
});

t.test('when charmrun is killed, every PE exits', async (t) => {
  const pids: number[] = [];
  let killed = false;
  await runCharmrun(program('failures.ts'), {
    pes: 3,
    args: ['hang-until-killed'],
    timeoutMs: 30_000,
    onOutput: (stdout, _stderr, charmrun) => {
      for (const match of stdout.matchAll(/ready pid (\d+) pe \d/g)) if (!pids.includes(Number(match[1]))) pids.push(Number(match[1]));
      if (pids.length === 3 && !killed) {
        killed = true;
        process.kill(charmrun, 'SIGKILL');
      }
    },
  });
  t.ok(killed, 'charmrun was killed once every PE was running');
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(pids.filter(alive), [], 'no PE outlives charmrun (within 10 s)');
});
