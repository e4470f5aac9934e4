import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { InvalidArgumentError } from '../../../src/errors.js';
import {
  appendLbRecord,
  decodeLbRecord,
  encodeLbRecord,
  formatLbDump,
  parseLbDump,
  readLbDump,
  writeLbDump,
  type LbDumpRecord,
} from '../../../src/lb/lb-dump.js';
import type { LbProblem } from '../../../src/lb/strategy.js';
import { syntheticProblem } from './synthetic.js';

const records: LbDumpRecord[] = [0, 1, 2].map((step) => ({
  step,
  time: 0.1 + 0.2 * step,
  problem: syntheticProblem({ objects: 200, pes: 8, shape: 'uniform', seed: step + 1, fixedEvery: 13, unavailable: [2], twoSpeeds: true, hosts: 2, background: 0.3 }),
}));

/** Plain-data view for deep comparison. */
const plain = (r: LbDumpRecord): unknown => JSON.parse(JSON.stringify(r));

t.test('write then read gives the same records, bit for bit', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lb-dump-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'steps.jsonl');
  await writeLbDump(path, records);
  const back = await readLbDump(path);
  t.same(back.map(plain), records.map(plain));
  t.ok(back[1].problem.objects.every((o, i) => Object.is(o.load, records[1].problem.objects[i].load)));
  t.equal((await readFile(path, 'utf8')).split('\n').length, 4, 'one line per step and a final newline');
});

t.test('append adds one step at a time', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lb-dump-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'steps.jsonl');
  for (const r of records) await appendLbRecord(path, r);
  t.same((await readLbDump(path)).map(plain), records.map(plain));
});

t.test('the line format', async (t) => {
  const small: LbProblem = {
    objects: [
      { id: 0, load: 0.5, pe: 1, migratable: true },
      { id: 1, load: 2, pe: 0, migratable: false },
    ],
    pes: [
      { id: 0, speed: 1, background: 0, available: true, host: 0 },
      { id: 1, speed: 2, background: 0.25, available: false, host: 1 },
    ],
  };
  const line = encodeLbRecord({ step: 4, time: 9.5, problem: small });
  t.same(JSON.parse(line), {
    format: 'charm4ts-lb-dump',
    version: 1,
    step: 4,
    time: 9.5,
    objects: { load: [0.5, 2], pe: [1, 0], fixed: [1] },
    pes: { speed: [1, 2], background: [0, 0.25], host: [0, 1], unavailable: [1] },
  });
  t.same(plain(decodeLbRecord(line)), plain({ step: 4, time: 9.5, problem: small }));
  t.same(parseLbDump('\n' + formatLbDump(records) + '\n\n').length, 3, 'blank lines are skipped');
});

t.test('bad input is InvalidArgumentError naming the line', async (t) => {
  const good = JSON.parse(encodeLbRecord(records[0])) as Record<string, unknown>;
  const bad = (patch: (r: any) => void): string => {
    const r = structuredClone(good) as any;
    patch(r);
    return JSON.stringify(r);
  };
  const cases: Array<[string, RegExp]> = [
    ['{not json', /not JSON/],
    [bad((r) => (r.format = 'other')), /format/],
    [bad((r) => (r.version = 2)), /version 2 is not supported/],
    [bad((r) => (r.step = -1)), /step/],
    [bad((r) => (r.objects.pe[3] = 99)), /object 3 is on PE 99/],
    [bad((r) => r.objects.load.pop()), /differ in length/],
    [bad((r) => (r.objects.load[0] = 'x')), /objects.load must be an array of numbers/],
    [bad((r) => (r.objects.fixed = [1000])), /objects.fixed holds 1000/],
    [bad((r) => (r.pes.speed[0] = 0)), /PE 0 has speed 0/],
  ];
  for (const [line, message] of cases) {
    t.throws(() => parseLbDump(encodeLbRecord(records[1]) + '\n' + line + '\n'), { name: 'InvalidArgumentError', message: new RegExp('^line 2: .*' + message.source) });
  }
  t.throws(() => encodeLbRecord({ step: 0, time: Number.NaN, problem: records[0].problem }), InvalidArgumentError);
  const dir = await mkdtemp(join(tmpdir(), 'lb-dump-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'x.jsonl'), 'garbage\n');
  await t.rejects(readLbDump(join(dir, 'x.jsonl')), InvalidArgumentError);
});
