import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyUcxEnvironment } from '../../../src/transport/ucx/ucx-environment.js';
import { NO_UCX_ENV, UNAVAILABLE_RELATIVE_PATH, loadUcxAddon } from '../../../src/transport/ucx/ucx-availability.js';

t.test('the switch disables the addon with a reason that names it', (t) => {
  const result = loadUcxAddon({ env: { [NO_UCX_ENV]: '1' } });
  t.equal(result.available, false);
  if (!result.available) t.equal(result.reason, 'disabled by CHARM4TS_NO_UCX=1');
  t.end();
});

t.test('"0", "false", "no" and empty do not switch it off', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'charm4ts-ucx-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const value of ['0', 'false', 'no', '']) {
    const result = loadUcxAddon({ env: { [NO_UCX_ENV]: value }, root });
    t.equal(result.available, false);
    if (!result.available) t.match(result.reason, /not built/, `${JSON.stringify(value)} falls through to the build check`);
  }
  t.end();
});

t.test('an addon that was not built reports the reason recorded at install time', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'charm4ts-ucx-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'build'));
  writeFileSync(join(root, UNAVAILABLE_RELATIVE_PATH), 'libucx development files not found (apt-get install libucx-dev)\n');
  const result = loadUcxAddon({ env: {}, root });
  t.same(result, {
    available: false,
    reason: 'the UCX addon was not built: libucx development files not found (apt-get install libucx-dev)',
  });
  t.end();
});

t.test('without a recorded reason it says how to build', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'charm4ts-ucx-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const result = loadUcxAddon({ env: {}, root });
  t.equal(result.available, false);
  if (!result.available) t.match(result.reason, /build-native\.mjs/);
  t.end();
});

t.test('a file that is not a loadable addon gives the loader error', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'charm4ts-ucx-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'build', 'Release'), { recursive: true });
  writeFileSync(join(root, 'build', 'Release', 'charm4ts_ucx.node'), 'not an ELF file');
  const result = loadUcxAddon({ env: {}, root });
  t.equal(result.available, false);
  if (!result.available) t.match(result.reason, /^the UCX addon failed to load: /);
  t.end();
});

t.test('UCX settings: the safety ones are forced, PROTO_ENABLE, RNDV_THRESH and the FIFO sizes only defaulted', (t) => {
  const env: NodeJS.ProcessEnv = { UCX_MEM_MALLOC_HOOKS: 'y', UCX_PROTO_ENABLE: 'n', UCX_RNDV_THRESH: '8kb', UCX_MM_SEG_SIZE: '8k', UCX_MM_FIFO_ELEM_SIZE: '256' };
  applyUcxEnvironment(env);
  t.equal(env.UCX_MEM_MALLOC_HOOKS, 'n');
  t.equal(env.UCX_MEM_EVENTS, 'n');
  t.equal(env.UCX_ERROR_SIGNALS, '');
  t.equal(env.UCX_PROTO_ENABLE, 'n', 'the user setting stays');
  t.equal(env.UCX_RNDV_THRESH, '8kb', 'the user setting stays');
  t.equal(env.UCX_MM_SEG_SIZE, '8k', 'the user setting stays');
  t.equal(env.UCX_MM_FIFO_ELEM_SIZE, '256', 'the user setting stays');
  const fresh: NodeJS.ProcessEnv = {};
  applyUcxEnvironment(fresh);
  t.equal(fresh.UCX_PROTO_ENABLE, 'y');
  t.equal(fresh.UCX_RNDV_THRESH, '64kb', 'mid-size messages go eagerly unless the user says otherwise');
  t.equal(fresh.UCX_MM_SEG_SIZE, '33k', 'shared-memory FIFO elements carry 32 KiB fragments unless the user says otherwise');
  t.equal(fresh.UCX_MM_FIFO_ELEM_SIZE, '1152', 'a call with a 1 KiB array fits one FIFO element unless the user says otherwise');
  t.end();
});

t.test('a process started with CHARM4TS_NO_UCX=1 gets the clear reason', (t) => {
  const module = fileURLToPath(new URL('../../../src/transport/ucx/ucx-availability.ts', import.meta.url));
  const script = `import(${JSON.stringify(module)}).then((m) => { const r = m.loadUcxAddon(); console.log(r.available ? 'available' : 'ucx unavailable: ' + r.reason + '; using ws'); });`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, CHARM4TS_NO_UCX: '1' },
    encoding: 'utf8',
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout.trim(), 'ucx unavailable: disabled by CHARM4TS_NO_UCX=1; using ws');
  t.end();
});
