/**
 * The table of strategies that `+balancer` can name, with their options.
 *
 * A `+balancer` value is a name, optionally followed by options:
 * `GreedyRefineLB`, `RefineLB:tolerance=1.1`, `HierarchicalLB:groupSize=16,inner=RefineLB`.
 * Names and option keys are case-sensitive, as in Charm++.
 */

import { BadFlagError, InvalidArgumentError } from '../errors.js';
import type { Strategy } from './strategy.js';
import { strategySequence } from './strategy-sequence.js';
import { dummyLB } from './strategies/dummy.js';
import { greedyRefineLB } from './strategies/greedy-refine.js';
import { greedyLB } from './strategies/greedy.js';
import { hierarchicalLB } from './strategies/hierarchical.js';
import { randomLB } from './strategies/random.js';
import { refineLB } from './strategies/refine.js';
import { rotateLB } from './strategies/rotate.js';

/** Value of one strategy option after parsing. */
export type OptionValue = number | string;

/** Options of one strategy by key. */
export type StrategyOptions = Readonly<Record<string, OptionValue>>;

/** How one option is written and what it means, for parsing and for `++help`. */
export interface StrategyOptionInfo {
  /** `number`: a decimal number; `strategy`: the name of another registered strategy. */
  readonly type: 'number' | 'strategy';
  /** One line for `++help`, with the default. */
  readonly description: string;
}

/** One row of the table. */
export interface StrategyEntry {
  /** The `+balancer` name. */
  readonly name: string;
  /** The options the strategy accepts, by key. */
  readonly options: Readonly<Record<string, StrategyOptionInfo>>;
  /** Builds the strategy; `options` hold only known keys, with values of the declared type. */
  create(options: StrategyOptions): Strategy;
}

/** A parsed `+balancer` value. */
export interface BalancerSpec {
  /** Strategy name. */
  readonly name: string;
  /** Options by key; values are strings until `createStrategy` converts them. */
  readonly options: StrategyOptions;
}

const num = (options: StrategyOptions, key: string): number | undefined => options[key] as number | undefined;

const TABLE: readonly StrategyEntry[] = Object.freeze<StrategyEntry[]>([
  { name: 'GreedyLB', options: {}, create: () => greedyLB() },
  {
    name: 'RefineLB',
    options: { tolerance: { type: 'number', description: 'overload threshold as a multiple of the average (default 1.05)' } },
    create: (o) => refineLB({ tolerance: num(o, 'tolerance') }),
  },
  {
    name: 'GreedyRefineLB',
    options: { tolerance: { type: 'number', description: "allowed excess over greedy's max load (default 1.02)" } },
    create: (o) => greedyRefineLB({ tolerance: num(o, 'tolerance') }),
  },
  {
    name: 'HierarchicalLB',
    options: {
      groupSize: { type: 'number', description: 'PEs per group (default: one group per host, or sqrt(P) PEs)' },
      groupTolerance: { type: 'number', description: 'refine tolerance between groups (default 1)' },
      inner: { type: 'strategy', description: 'strategy inside each group (default GreedyRefineLB)' },
    },
    create: (o) =>
      hierarchicalLB({
        groupSize: num(o, 'groupSize'),
        groupTolerance: num(o, 'groupTolerance'),
        inner: typeof o.inner === 'string' ? createStrategy(o.inner) : undefined,
      }),
  },
  { name: 'RotateLB', options: {}, create: () => rotateLB() },
  {
    name: 'RandomLB',
    options: { seed: { type: 'number', description: 'integer seed of the generator (default 0)' } },
    create: (o) => randomLB({ seed: num(o, 'seed') }),
  },
  { name: 'DummyLB', options: {}, create: () => dummyLB() },
]);

/** The registered strategies, in `++help` order. */
export function strategyEntries(): readonly StrategyEntry[] {
  return TABLE;
}

/** The names `+balancer` accepts. */
export function strategyNames(): string[] {
  return TABLE.map((e) => e.name);
}

/** One line per strategy (and one per option) for `charmrun ++help`. */
export function describeStrategies(): string[] {
  const lines: string[] = [];
  for (const entry of TABLE) {
    lines.push(`${entry.name}: ${entry.create({}).description}`);
    for (const [key, info] of Object.entries(entry.options)) lines.push(`  ${key}=${info.type}: ${info.description}`);
  }
  return lines;
}

/**
 * Splits `Name[:key=value[,key=value...]]`. Checks only the syntax; throws `BadFlagError` for
 * an empty name, an option without `=`, or a key given twice.
 */
export function parseBalancerSpec(text: string): BalancerSpec {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (name === '') throw new BadFlagError(`+balancer "${text}": missing strategy name; known: ${strategyNames().join(', ')}`);
  const options: Record<string, OptionValue> = {};
  if (colon >= 0) {
    for (const part of text.slice(colon + 1).split(',')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? '' : part.slice(0, eq).trim();
      if (key === '') throw new BadFlagError(`+balancer "${text}": expected key=value, got "${part}"`);
      if (Object.hasOwn(options, key)) throw new BadFlagError(`+balancer "${text}": option ${key} given twice`);
      options[key] = part.slice(eq + 1).trim();
    }
  }
  return { name, options };
}

/**
 * The strategy a `+balancer` value (or a parsed spec) names, with its options applied.
 * Throws `BadFlagError` for an unknown name (listing the known ones), an unknown option
 * (listing the strategy's options), or a value the strategy rejects.
 */
export function createStrategy(spec: string | BalancerSpec): Strategy {
  const { name, options } = typeof spec === 'string' ? parseBalancerSpec(spec) : spec;
  const shown = typeof spec === 'string' ? spec : name;
  const entry = TABLE.find((e) => e.name === name);
  if (!entry) throw new BadFlagError(`unknown +balancer "${name}"; known: ${strategyNames().join(', ')}`);
  const typed: Record<string, OptionValue> = {};
  for (const [key, raw] of Object.entries(options)) {
    const info = Object.hasOwn(entry.options, key) ? entry.options[key] : undefined;
    if (!info) {
      const known = Object.keys(entry.options);
      throw new BadFlagError(
        `+balancer ${shown}: ${name} has no option "${key}"` + (known.length ? `; options: ${known.join(', ')}` : '; it takes none'),
      );
    }
    if (info.type === 'number') {
      const value = typeof raw === 'number' ? raw : raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) throw new BadFlagError(`+balancer ${shown}: option ${key} must be a number, got "${raw}"`);
      typed[key] = value;
    } else {
      typed[key] = String(raw);
    }
  }
  try {
    return entry.create(typed);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new BadFlagError(`+balancer ${shown}: ${err.message}`);
    throw err;
  }
}

/**
 * The strategy for the `+balancer` values of a command line, in order: one value gives that
 * strategy, several give their `strategySequence` (each run on the previous one's result).
 * Throws `BadFlagError` for an empty list or any bad value.
 */
export function createBalancer(specs: readonly string[]): Strategy {
  if (specs.length === 0) throw new BadFlagError(`+balancer needs a strategy name; known: ${strategyNames().join(', ')}`);
  return strategySequence(specs.map((s) => createStrategy(s)));
}
