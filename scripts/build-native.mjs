#!/usr/bin/env node
/**
 * Builds the optional UCX addon (native/ucx/, binding.gyp) at `npm install` time, or by hand:
 * `node scripts/build-native.mjs`.
 *
 * It never fails the install. When the addon cannot be built (not Linux, no libucx headers,
 * no node-gyp, a compiler error, a library that does not load) it writes the reason to
 * build/ucx-unavailable.txt, which the runtime reads to say exactly why it uses another
 * transport. `CHARM4TS_NO_UCX=1` skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, 'build');
const reasonFile = join(buildDir, 'ucx-unavailable.txt');
const addonFile = join(buildDir, 'Release', 'charm4ts_ucx.node');
const UCX_ENV = {
  UCX_MEM_MALLOC_HOOKS: 'n',
  UCX_MEM_EVENTS: 'n',
  UCX_MEM_DYNAMIC_MMAP_THRESH: 'n',
  UCX_ERROR_SIGNALS: '',
};

function unavailable(reason) {
  rmSync(addonFile, { force: true });
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(reasonFile, `${reason}\n`);
  console.warn(`charm4ts: UCX transport unavailable: ${reason}; charm4ts will use ws`);
  process.exit(0);
}

function switchedOff(value) {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
}

/** True when the UCP headers can be found (pkg-config, or the usual include directories). */
function ucxHeadersPresent() {
  const pkg = run('pkg-config', ['--exists', 'ucx']);
  if (pkg.status === 0) return true;
  const dirs = ['/usr/include', '/usr/local/include', ...(process.env.CPATH ?? '').split(':').filter(Boolean)];
  return dirs.some((dir) => existsSync(join(dir, 'ucp', 'api', 'ucp.h')));
}

/** node-gyp's entry script: npm's (for lifecycle scripts), the project's, npm's bundled one, or none. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed in the project
  }
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((file) => existsSync(file));
}

/** Arguments that point node-gyp at the headers installed with this Node, so nothing is downloaded. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function lastLines(text, count) {
  return text.trim().split('\n').filter((line) => line.trim() !== '').slice(-count).join(' | ');
}

if (switchedOff(process.env.CHARM4TS_NO_UCX)) {
  unavailable(`CHARM4TS_NO_UCX=${process.env.CHARM4TS_NO_UCX} was set when charm4ts was installed`);
}
if (process.platform !== 'linux') unavailable(`UCX is supported on Linux only (this is ${process.platform})`);
if (!ucxHeadersPresent()) {
  unavailable('libucx development files not found (on Debian or Ubuntu: apt-get install libucx-dev, then npm rebuild charm4ts)');
}
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) unavailable('node-gyp not found (it comes with npm; reinstall with npm)');

rmSync(reasonFile, { force: true });
const build = run(process.execPath, [nodeGyp, 'rebuild', '--jobs=max', ...nodedirArgs()], {
  env: { ...process.env, ...UCX_ENV },
});
if (build.status !== 0) {
  const output = `${build.stdout ?? ''}\n${build.stderr ?? ''}`;
  const errors = output.split('\n').filter((line) => /error/i.test(line) && !/^gyp info/.test(line));
  unavailable(`the addon failed to build: ${lastLines(errors.join('\n') || output, 4)}`);
}
if (!existsSync(addonFile)) unavailable(`node-gyp reported success but ${addonFile} is missing`);

// Load it once in a clean process, with UCX's settings, to catch a library missing at run time.
const check = run(process.execPath, ['-e', `console.log(require(${JSON.stringify(addonFile)}).ucxVersion)`], {
  env: { ...process.env, ...UCX_ENV },
});
if (check.status !== 0) unavailable(`the addon was built but does not load: ${lastLines(check.stderr ?? '', 2)}`);
console.log(`charm4ts: UCX addon built against libucx ${check.stdout.trim()}`);
