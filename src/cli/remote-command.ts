/**
 * The command charmrun hands a remote shell (ssh, or any program called as `SHELL HOST
 * COMMAND`) to start one PE process on another host. The command is one POSIX shell line, as
 * ssh expects: change to the same directory, read the job secret from standard input (so it
 * never appears on a command line, where `ps` on that host would show it), and run Node with
 * the PE's environment.
 */
import { ENV } from '../control/protocol.js';

/** Quotes `word` for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The variables a remote PE needs from charmrun's environment: CHARM4TS_*, UCX_* and GLIBC_TUNABLES (the secret excepted). */
export function forwardedEnvironment(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && /^(CHARM4TS_|UCX_|GLIBC_TUNABLES$)/.test(entry[0]) && entry[0] !== ENV.SECRET)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The shell line that runs `argv` (argv[0] is the program) in `cwd` with `env`, after reading
 * the job secret from the first line of standard input.
 */
export function remoteCommandLine(cwd: string, env: readonly [string, string][], argv: readonly string[]): string {
  const assignments = env.map(([name, value]) => shellQuote(`${name}=${value}`));
  return [
    `cd ${shellQuote(cwd)}`,
    `IFS= read -r ${ENV.SECRET}`,
    `export ${ENV.SECRET}`,
    ['exec env', ...assignments, ...argv.map(shellQuote)].join(' '),
  ].join(' && ');
}
