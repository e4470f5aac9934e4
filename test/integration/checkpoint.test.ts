/** Checkpoint and restart: a run interrupted after a checkpoint and restarted (on another number of PEs) gives the same result as an uninterrupted one. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { program, ROOT, runCharmrun } from './harness.js';

const fresh = (name: string): string => join(mkdtempSync(join(tmpdir(), 'charm4ts-ckpt-')), name);

t.test('collections, chares and saved proxies come back on 1, 2, 3 and 4 PEs and as threads', async (t) => {
  const dir = fresh('generic');
  const written = await runCharmrun(program('checkpoint.ts'), { pes: 3, args: ['write', dir] });
  t.equal(written.code, 0, written.stderr);
  t.match(written.stdout, /checkpoint written/);
  for (const [pes, flags] of [[1, []], [2, []], [3, []], [4, []], [4, ['++ppn', '2']]] as const) {
    const resumed = await runCharmrun(program('checkpoint.ts'), { pes, flags: ['+restart', dir, ...flags], args: ['resume', dir] });
    t.equal(resumed.code, 0, `resume on ${pes} PEs ${flags.join(' ')}: ${resumed.stderr}`);
    t.match(resumed.stdout, /OK checkpoint-resume/);
  }
  const straight = await runCharmrun(program('checkpoint.ts'), { pes: 2, args: ['straight'] });
  t.equal(straight.code, 0, straight.stderr);
});

t.test('stencil2d: restarted on other PE counts, the checksum equals the uninterrupted run', async (t) => {
  const dir = fresh('stencil');
  const APP = `${ROOT}examples/stencil2d/stencil2d.ts`;
  const grid = ['-n', '96', '-m', '64', '--iterations', '40', '--odf', '2'];
  const checksumOf = (stdout: string): number => (JSON.parse(stdout.trim().split('\n').at(-1)!) as { checksum: number }).checksum;
  const straight = await runCharmrun(APP, { pes: 3, args: [...grid, '--json'] });
  t.equal(straight.code, 0, straight.stderr);
  const stopped = await runCharmrun(APP, { pes: 3, args: [...grid, '--checkpoint-at', '15', '--checkpoint-dir', dir, '--stop-after-checkpoint'] });
  t.equal(stopped.code, 0, stopped.stderr);
  t.match(stopped.stdout, /checkpoint written/);
  for (const pes of [2, 4]) {
    const resumed = await runCharmrun(APP, { pes, flags: ['+restart', dir], args: ['--verify', '--json'] });
    t.equal(resumed.code, 0, resumed.stderr);
    t.match(resumed.stdout, /restarted after 15/);
    t.match(resumed.stdout, /verification against the serial computation: PASSED/);
    const a = checksumOf(straight.stdout);
    const b = checksumOf(resumed.stdout);
    t.ok(Math.abs(a - b) <= 1e-12 * Math.abs(a), `checksums agree on ${pes} PEs: ${a} vs ${b}`);
  }
});

t.test('pic: restarted after a checkpoint (with load balancing on), the solution validates', async (t) => {
  const dir = fresh('pic');
  const APP = `${ROOT}examples/pic/pic.ts`;
  const kernel = ['-i', '30', '-s', '100', '-n', '10000', '-k', '1', '-m', '2', '--mode', 'GEOMETRIC', '--init-parameters', '0.99'];
  const stopped = await runCharmrun(APP, { pes: 3, args: [...kernel, '--odf', '2', '--lb-period', '5', '--checkpoint-at', '12', '--checkpoint-dir', dir, '--stop-after-checkpoint'] });
  t.equal(stopped.code, 0, stopped.stderr);
  for (const pes of [2, 4]) {
    const resumed = await runCharmrun(APP, { pes, flags: ['+restart', dir] });
    t.equal(resumed.code, 0, resumed.stderr);
    t.match(resumed.stdout, /Solution validates/);
  }
});

t.test('a missing or damaged checkpoint is a clear error, not a hang', async (t) => {
  const missing = await runCharmrun(program('checkpoint.ts'), { pes: 2, flags: ['+restart', '/nonexistent/ckpt'], args: ['resume'], timeoutMs: 30_000 });
  t.notOk(missing.timedOut);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot restart from \/nonexistent\/ckpt: \/nonexistent\/ckpt holds no complete checkpoint/);
  const dir = fresh('damaged');
  const written = await runCharmrun(program('checkpoint.ts'), { pes: 2, args: ['write', dir] });
  t.equal(written.code, 0);
  writeFileSync(join(dir, 'pe-1.ckpt'), Buffer.from('not a checkpoint'));
  const damaged = await runCharmrun(program('checkpoint.ts'), { pes: 2, flags: ['+restart', dir], args: ['resume'], timeoutMs: 30_000 });
  t.equal(damaged.code, 1);
  t.match(damaged.stderr, /checkpoint file .*pe-1\.ckpt is damaged/);
});
