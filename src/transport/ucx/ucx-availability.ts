/**
 * Finds and loads the native UCX addon, or says exactly why it cannot be used, so the launcher
 * can print "ucx unavailable: <reason>; using ws" (bufferutil's try-then-fall-back, plus the why).
 *
 * Reasons, in the order they are checked: the `CHARM4TS_NO_UCX` switch; the addon was not built
 * (with the reason `scripts/build-native.mjs` recorded at install time); loading it failed (for
 * example libucx is missing at run time). A successful load is cached per process and addon path,
 * since a native module can be loaded only once anyway; nothing else is global.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { applyUcxEnvironment } from './ucx-environment.js';
import type { UcxAddon } from './ucx-native.js';

/** Environment switch that turns the UCX addon off (any value but "", "0", "false", "no"). */
export const NO_UCX_ENV = 'CHARM4TS_NO_UCX';

/** Where the build puts the addon, relative to the package root. */
export const ADDON_RELATIVE_PATH = join('build', 'Release', 'charm4ts_ucx.node');

/** Where the build records why it did not build the addon, relative to the package root. */
export const UNAVAILABLE_RELATIVE_PATH = join('build', 'ucx-unavailable.txt');

/** The outcome of {@link loadUcxAddon}. */
export type UcxAvailability =
  | { readonly available: true; readonly addon: UcxAddon; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** Options of {@link loadUcxAddon}; the defaults suit every caller but tests. */
export interface UcxLoadOptions {
  /** Environment to read the switch from (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Package root holding `build/` (default: this package's root). */
  readonly root?: string;
}

const loaded = new Map<string, UcxAvailability>();

/** The package root: this file sits in src/transport/ucx/ or dist/transport/ucx/. */
function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

function switchedOff(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function recordedReason(root: string): string {
  const file = join(root, UNAVAILABLE_RELATIVE_PATH);
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (text !== '') return `the UCX addon was not built: ${text}`;
  }
  return `the UCX addon was not built (${ADDON_RELATIVE_PATH} is missing; run \`node scripts/build-native.mjs\`)`;
}

/**
 * Returns the UCX addon, or the reason it is unavailable. Before loading, it writes UCX's required
 * settings into `process.env`, the environment libucx reads when it is loaded (see
 * {@link applyUcxEnvironment}).
 */
export function loadUcxAddon(options: UcxLoadOptions = {}): UcxAvailability {
  const env = options.env ?? process.env;
  const switchValue = env[NO_UCX_ENV];
  if (switchedOff(switchValue)) {
    return { available: false, reason: `disabled by ${NO_UCX_ENV}=${switchValue}` };
  }
  const root = options.root ?? packageRoot();
  const path = join(root, ADDON_RELATIVE_PATH);
  const cached = loaded.get(path);
  if (cached !== undefined) return cached;
  if (!existsSync(path)) return { available: false, reason: recordedReason(root) };

  let result: UcxAvailability;
  try {
    applyUcxEnvironment(process.env);
    const addon = createRequire(import.meta.url)(path) as UcxAddon;
    result = { available: true, addon, path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = { available: false, reason: `the UCX addon failed to load: ${message.split('\n')[0]}` };
  }
  loaded.set(path, result);
  return result;
}
