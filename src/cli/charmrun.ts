#!/usr/bin/env node
/**
 * charmrun: launches a charm4ts program on N PEs. See `charmrun ++help`.
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { BadFlagError, CharmError } from '../errors.js';
import { parseCharmrunArgs } from './charmrun-flags.js';
import { Job, nodeArgsFor } from './launcher.js';
import { delegatesToSrun, runUnderSrun } from './srun-delegate.js';
import { usageText } from './usage.js';
import { describeStrategies } from '../lb/strategy-registry.js';

/** Runs charmrun with `argv`; resolves to the exit code. */
export async function charmrun(argv: readonly string[]): Promise<number> {
  let plan;
  try {
    plan = parseCharmrunArgs(argv);
  } catch (error) {
    if (error instanceof CharmError) {
      process.stderr.write(`charmrun: ${error.message} [${error.code}]\n\n${usageText()}`);
      return 2;
    }
    throw error;
  }
  if (plan.help) {
    process.stdout.write(usageText([{ title: 'Load balancers (+balancer NAME[:option=value,...]; default GreedyRefineLB)', lines: describeStrategies() }]));
    return 0;
  }
  try {
    if (delegatesToSrun(plan, process.env)) {
      const script = resolvePath(plan.script);
      if (!existsSync(script)) throw new BadFlagError(`program not found: ${plan.script}`);
      return await runUnderSrun(plan, [process.execPath, ...nodeArgsFor(script, plan.heapMb), script, ...plan.appArgs], (line) => process.stderr.write(`${line}\n`));
    }
    return await new Job(plan, process.stdout, process.stderr).run();
  } catch (error) {
    if (error instanceof CharmError) {
      process.stderr.write(`charmrun: ${error.message} [${error.code}]\n`);
      return 2;
    }
    throw error;
  }
}

charmrun(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`charmrun: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
