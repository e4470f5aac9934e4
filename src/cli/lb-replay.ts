#!/usr/bin/env node
/**
 * charm4ts-lb-replay: replays a load dump (written with `+LBDump FILE`) through any strategy
 * offline, as Charm++'s LB simulation does, and prints per step the max/avg load ratio before
 * and after, the bound any strategy could reach, migrations and decision time.
 *
 *     charm4ts-lb-replay DUMP [+balancer NAME]... [--json]
 */
import { CharmError } from '../errors.js';
import { readLbDump } from '../lb/lb-dump.js';
import { replayLbDump } from '../lb/lb-replay.js';
import { createBalancer, describeStrategies } from '../lb/strategy-registry.js';

const USAGE = 'Usage: charm4ts-lb-replay DUMP [+balancer NAME[:option=value,...]]... [--json]';

/** Runs the replay command with `argv`; resolves to the exit code. */
export async function lbReplay(argv: readonly string[]): Promise<number> {
  const balancers: string[] = [];
  let dump: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '+balancer' || arg === '--balancer') {
      const value = argv[++i];
      if (value === undefined) return usage('+balancer needs a strategy name');
      balancers.push(value);
    } else if (arg.startsWith('+balancer=')) balancers.push(arg.slice('+balancer='.length));
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') return usage(null);
    else if (dump === undefined && !arg.startsWith('-')) dump = arg;
    else return usage(`unexpected argument "${arg}"`);
  }
  if (dump === undefined) return usage('no dump file given');
  try {
    const strategy = createBalancer(balancers.length > 0 ? balancers : ['GreedyRefineLB']);
    const steps = replayLbDump(await readLbDump(dump), strategy);
    for (const step of steps) {
      if (json) process.stdout.write(`${JSON.stringify({ strategy: strategy.name, ...step })}\n`);
      else {
        process.stdout.write(
          `step ${step.step}: ${step.objects} objects on ${step.pes} PEs, max/avg ${step.ratioBefore.toFixed(3)} -> ${step.ratioAfter.toFixed(3)} (bound ${step.ratioBound.toFixed(3)}), ${step.migrations} migrations, ${strategy.name} decided in ${step.decisionMs.toFixed(3)} ms\n`,
        );
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof CharmError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`charm4ts-lb-replay: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

function usage(problem: string | null): number {
  const text = `${problem === null ? '' : `charm4ts-lb-replay: ${problem}\n`}${USAGE}\n\nStrategies:\n${describeStrategies().map((l) => `  ${l}`).join('\n')}\n`;
  (problem === null ? process.stdout : process.stderr).write(text);
  return problem === null ? 0 : 2;
}

lbReplay(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`charm4ts-lb-replay: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
