/**
 * Runtime flags (Charm++'s "+" flags): parsed by charmrun (anywhere on its command line) or,
 * for a program started with plain `node app.js`, by the runtime itself. Every flag is
 * declared once, in {@link RUNTIME_FLAGS}, which also feeds `charmrun ++help`.
 */
import { BadFlagError } from '../errors.js';

/** Runtime settings every PE of a job shares. */
export interface RuntimeOptions {
  /** Print statistics (load balancing, messages) at exit and at each balancing step. */
  readonly stats: boolean;
  /** Load balancers to apply in order at each balancing step. */
  readonly balancers: readonly string[];
  /** Balance at the next sync point once this many seconds passed since the last step; null: at every sync point. */
  readonly lbPeriod: number | null;
  /** Turn load balancing off (sync points resume at once). */
  readonly lbOff: boolean;
  /** File to which each balancing step's loads are appended. */
  readonly lbDump: string | null;
  /** How long an idle PE polls its transports before parking, in microseconds. */
  readonly spinMicros: number;
  /** Longest spin (microseconds) the polling may grow to while parks end within it (not above spinMicros: fixed). */
  readonly spinMaxMicros: number;
  /** Print the transport chosen for each peer and other start-up details. */
  readonly verbose: boolean;
  /** Print none of the runtime's own notices (errors are still printed). */
  readonly quiet: boolean;
  /** Seconds of quiescence after which a job still awaiting values is reported as deadlocked (0: never). */
  readonly deadlockSeconds: number;
  /** Checkpoint folder to restart from, or null. */
  readonly restart: string | null;
  /** Spanning trees in PE order even across hosts (default: node-aware trees, host by host). */
  readonly flatTrees: boolean;
}

/** Defaults of every runtime option. */
export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = {
  stats: false,
  balancers: [],
  lbPeriod: null,
  lbOff: false,
  lbDump: null,
  spinMicros: 100,
  spinMaxMicros: 1000,
  verbose: false,
  quiet: false,
  deadlockSeconds: 10,
  restart: null,
  flatTrees: false,
};

/** How a runtime flag is written and what it sets. */
export interface RuntimeFlag {
  /** Flag as typed, e.g. "+balancer". */
  readonly name: string;
  /** Placeholder of its value, or null for a switch. */
  readonly value: string | null;
  readonly help: string;
  /** Applies the flag (with its value) to the options being built. Throws BadFlagError on a bad value. */
  apply(options: Mutable<RuntimeOptions>, value: string): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new BadFlagError(`${flag} needs a positive number, got "${value}"`);
  return n;
}

function nonNegativeInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new BadFlagError(`${flag} needs a non-negative integer, got "${value}"`);
  return n;
}

/** Every runtime flag. */
export const RUNTIME_FLAGS: readonly RuntimeFlag[] = [
  { name: '+stats', value: null, help: 'print load-balancing and message statistics', apply: (o) => void (o.stats = true) },
  {
    name: '+balancer',
    value: 'NAME',
    help: 'load balancer to use (repeatable: applied in order); see the list below',
    apply: (o, v) => void o.balancers.push(v),
  },
  { name: '+LBPeriod', value: 'SECONDS', help: 'balance at the first sync point after this many seconds', apply: (o, v) => void (o.lbPeriod = positiveNumber('+LBPeriod', v)) },
  { name: '+LBOff', value: null, help: 'turn load balancing off', apply: (o) => void (o.lbOff = true) },
  { name: '+LBDump', value: 'FILE', help: "append each balancing step's measured loads to FILE (JSON lines)", apply: (o, v) => void (o.lbDump = v) },
  { name: '+spinMicros', value: 'US', help: 'microseconds an idle PE polls (its transports, or the event loop) before parking (default 100)', apply: (o, v) => void (o.spinMicros = nonNegativeInteger('+spinMicros', v)) },
  {
    name: '+spinMaxMicros',
    value: 'US',
    help: 'longest spin on UCX and shared-memory rings, grown to while parks end soon after they begin (default 1000; at most +spinMicros: fixed)',
    apply: (o, v) => void (o.spinMaxMicros = nonNegativeInteger('+spinMaxMicros', v)),
  },
  { name: '+flatTrees', value: null, help: 'collectives along PE-order trees even across hosts (default: host by host)', apply: (o) => void (o.flatTrees = true) },
  { name: '+restart', value: 'DIR', help: 'restart from the checkpoint in DIR (written by charm.checkpoint), on any number of PEs', apply: (o, v) => void (o.restart = v) },
  {
    name: '+deadlockSeconds',
    value: 'S',
    help: 'report a deadlock once the job is quiescent this long while awaiting values (default 10; 0: never)',
    apply: (o, v) => void (o.deadlockSeconds = v === '0' ? 0 : positiveNumber('+deadlockSeconds', v)),
  },
];

/**
 * Takes the runtime flags out of `argv`; returns the options and the remaining arguments.
 * `+name value` and `+name=value` are both accepted. An unknown "+" flag is an error.
 * `isLauncherFlag` lets charmrun claim "+" flags of its own (such as +p4).
 */
export function extractRuntimeFlags(
  argv: readonly string[],
  isLauncherFlag: (arg: string) => boolean = () => false,
): { options: RuntimeOptions; rest: string[]; launcher: string[] } {
  const options: Mutable<RuntimeOptions> = { ...DEFAULT_RUNTIME_OPTIONS, balancers: [] };
  const rest: string[] = [];
  const launcher: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('+') || arg.startsWith('++')) {
      rest.push(arg);
      continue;
    }
    if (isLauncherFlag(arg)) {
      launcher.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const flag = RUNTIME_FLAGS.find((f) => f.name === name);
    if (flag === undefined) throw new BadFlagError(`unknown runtime flag ${name} (see charmrun ++help)`);
    if (flag.value === null) {
      if (eq >= 0) throw new BadFlagError(`${name} takes no value`);
      flag.apply(options, '');
      continue;
    }
    const value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new BadFlagError(`${name} needs a value (${flag.value})`);
    flag.apply(options, value);
  }
  return { options, rest, launcher };
}

/** Parses and checks options that arrived from a launcher (JSON in the environment). */
export function parseOptionsJson(text: string | undefined): RuntimeOptions {
  if (text === undefined || text === '') return DEFAULT_RUNTIME_OPTIONS;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadFlagError('the runtime options passed by charmrun are not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadFlagError('the runtime options passed by charmrun are not an object');
  const options = { ...DEFAULT_RUNTIME_OPTIONS, ...(value as Partial<RuntimeOptions>) };
  const bad = (field: string): never => {
    throw new BadFlagError(`the runtime option "${field}" passed by charmrun has the wrong type`);
  };
  for (const field of ['stats', 'lbOff', 'verbose', 'quiet', 'flatTrees'] as const) if (typeof options[field] !== 'boolean') bad(field);
  if (!Array.isArray(options.balancers) || !options.balancers.every((b) => typeof b === 'string')) bad('balancers');
  if (options.lbPeriod !== null && (typeof options.lbPeriod !== 'number' || !(options.lbPeriod > 0))) bad('lbPeriod');
  if (options.lbDump !== null && typeof options.lbDump !== 'string') bad('lbDump');
  if (!Number.isSafeInteger(options.spinMicros) || options.spinMicros < 0) bad('spinMicros');
  if (!Number.isSafeInteger(options.spinMaxMicros) || options.spinMaxMicros < 0) bad('spinMaxMicros');
  if (typeof options.deadlockSeconds !== 'number' || !(options.deadlockSeconds >= 0)) bad('deadlockSeconds');
  if (options.restart !== null && typeof options.restart !== 'string') bad('restart');
  return options;
}
