/** PEs and charmrun accept connections only from their own job: anything without the job's token is refused and logged, and the job goes on. */
import t from 'tap';
import { WebSocket } from 'ws';
import { program, runCharmrun } from './harness.js';

/** Tries to open a WebSocket with `headers`; resolves to the HTTP status of a refusal, or "accepted". */
function attempt(url: string, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.terminate();
      resolve('accepted');
    });
    ws.once('error', (error) => resolve(error.message));
  });
}

t.test('connections without the job secret are refused', async (t) => {
  let outcomes: Promise<(number | string)[]> | undefined;
  const result = await runCharmrun(program('idle.ts'), {
    pes: 2,
    flags: ['++verbose'],
    args: ['3000'],
    timeoutMs: 30_000,
    onOutput: (stdout, stderr) => {
      if (outcomes !== undefined || !stdout.includes('running')) return;
      const pe1 = /PE 1 listening on \S*?(ws:\/\/[^\s|]+)/.exec(stderr)?.[1];
      const control = /control server on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (pe1 === undefined || control === undefined) return;
      outcomes = Promise.all([
        attempt(pe1, {}),
        attempt(pe1, { 'x-charm4ts-pe': '0', 'x-charm4ts-auth': 'f'.repeat(64) }),
        attempt(control, {}),
        attempt(control, { 'x-charm4ts-pe': '1', 'x-charm4ts-auth': '0'.repeat(64) }),
      ]);
    },
  });
  t.ok(outcomes, 'the test found the addresses to attack');
  t.same(await outcomes, [401, 401, 401, 401], 'every attempt without valid credentials was refused with 401');
  t.equal(result.code, 0, 'the job went on and finished normally');
  t.match(result.stdout, 'done waiting');
  t.match(result.stderr, /refused connection from 127\.0\.0\.1:\d+: no valid PE number/);
  t.match(result.stderr, /refused connection from 127\.0\.0\.1:\d+ claiming PE 0: missing or wrong job credentials/);
  t.match(result.stderr, /refused a control connection from 127\.0\.0\.1:\d+ claiming PE 1: missing or wrong job credentials/);
});
