/**
 * The text of `charmrun ++help`, built from the flag tables so it never drifts from the parser.
 */
import { RUNTIME_FLAGS } from '../runtime/options.js';
import { LAUNCHER_FLAGS } from './charmrun-flags.js';

/** Extra sections of the help (e.g. the list of load balancers), each a title and lines. */
export interface HelpSection {
  readonly title: string;
  readonly lines: readonly string[];
}

function table(rows: readonly { name: string; value: string | null; help: string }[]): string[] {
  const cells = rows.map((r) => [r.value === null ? r.name : `${r.name} ${r.value}`, r.help] as const);
  const width = Math.max(...cells.map(([flag]) => flag.length)) + 2;
  return cells.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`);
}

/** The full help text. */
export function usageText(extra: readonly HelpSection[] = []): string {
  return [
    'Usage: charmrun +pN [++flags] [+runtime flags] app.js|app.ts [program arguments]',
    '',
    'Starts N PEs running the program; main runs on PE 0. The job ends when a PE calls',
    'charm.exit(code); charmrun then exits with that code. If a PE dies or aborts, every PE',
    'stops and charmrun exits with a non-zero code, saying which PE and why.',
    '',
    'Launcher flags (before the program):',
    ...table(LAUNCHER_FLAGS),
    '',
    'Runtime flags (anywhere):',
    ...table(RUNTIME_FLAGS),
    ...extra.flatMap((section) => ['', `${section.title}:`, ...section.lines.map((line) => `  ${line}`)]),
    '',
    'TypeScript programs (.ts, .mts, .cts) run directly, without a build step.',
    '',
  ].join('\n');
}
