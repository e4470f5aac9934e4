/**
 * The native worker's hot methods, `send`, `sendHeader` and `progress`, are functions bound to the C++ worker
 * (native/ucx/bound-methods.h) rather than prototype methods: they work when called apart from
 * the object, and a kept one called after its worker was collected throws instead of touching
 * freed memory. Skipped, with the reason, where the addon is unavailable.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadUcxAddon } from '../../../src/transport/ucx/ucx-availability.js';
import type { NativeUcxWorker, UcxAddon } from '../../../src/transport/ucx/ucx-native.js';
import { SCRATCH_WORDS } from '../../../src/transport/ucx/wire.js';

const availability = loadUcxAddon();
const skip = availability.available ? false : `ucx addon unavailable: ${availability.reason}`;

function worker(addon: UcxAddon): NativeUcxWorker {
  return new addon.UcxWorker({
    pe: 0,
    tag: 7,
    wakeup: false,
    splitThreshold: 16 * 1024,
    maxRetainedBytes: 1 << 20,
    scratch: new Uint32Array(SCRATCH_WORDS),
    onPart: () => {},
    onPeerError: () => {},
    onProtocolError: () => {},
  });
}

t.test('send, sendHeader and progress are the instance\'s own read-only methods and work apart from it', { skip }, (t) => {
  if (!availability.available) return t.end();
  const native = worker(availability.addon);
  for (const name of ['send', 'sendHeader', 'progress'] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(native, name);
    t.equal(typeof descriptor?.value, 'function', `${name} is an own method`);
    t.equal(descriptor?.writable, false, `${name} cannot be replaced`);
    t.equal(descriptor?.enumerable, false, `${name} is not enumerable`);
  }
  const { progress, send, sendHeader } = native;
  t.equal(progress(), undefined, 'an idle worker reports nothing');
  t.throws(() => send(1, new Uint8Array(8), []), /no UCX endpoint to PE 1/, 'the detached send reaches its worker');
  t.throws(() => sendHeader(1, 4), /made without outgoing memory/, 'the detached sendHeader reaches its worker');
  t.throws(() => send('1' as unknown as number, new Uint8Array(8), []), { name: 'TypeError', message: /PE must be a number/ }, 'a PE that is not a number');
  native.destroy();
  t.equal(native.progress(), undefined, 'a destroyed worker reports nothing');
  t.throws(() => send(1, new Uint8Array(8), []), /destroyed/, 'a destroyed worker refuses send');
  t.throws(() => sendHeader(1, 4), /destroyed/, 'and sendHeader alike');
  t.end();
});

t.test('a kept method of a collected worker throws a clear error', { skip }, (t) => {
  const module = fileURLToPath(new URL('../../../src/transport/ucx/ucx-availability.ts', import.meta.url));
  const wire = fileURLToPath(new URL('../../../src/transport/ucx/wire.ts', import.meta.url));
  const script = `
    const { loadUcxAddon } = await import(${JSON.stringify(module)});
    const { SCRATCH_WORDS } = await import(${JSON.stringify(wire)});
    const r = loadUcxAddon();
    const make = () => new r.addon.UcxWorker({ pe: 0, tag: 7, wakeup: false, splitThreshold: 16384, maxRetainedBytes: 1 << 20,
      scratch: new Uint32Array(SCRATCH_WORDS), onPart() {}, onPeerError() {}, onProtocolError() {} }).progress;
    const progress = make();
    for (let round = 0; round < 50; round++) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
      try { progress(); } catch (error) { console.log('threw: ' + error.message); process.exit(0); }
    }
    console.log('never collected');`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /threw: the native object behind this method was collected/);
  t.end();
});
