/**
 * Hosts a job runs on, as Charm++ names them: a nodelist file (`group main` then `host NAME`
 * lines) or `++hosts a,b,c`; and the placement of PE processes on them.
 *
 * Nodelist format: blank lines and `#` comments are ignored; `group NAME [++shell CMD]` starts a
 * group; `host NAME [++cpus N] [++shell CMD]` adds a host to the current group (hosts before
 * any group line belong to `main`). A host may be listed more than once.
 */
import { BadFlagError } from '../errors.js';

/** A host of the job. */
export interface NodelistHost {
  /** Name or address, as written; PEs on it publish their addresses under this name. */
  readonly name: string;
  /** `++cpus` of the host line, when given (informational). */
  readonly cpus: number | null;
  /** Remote shell of the host or its group (`++shell`), when given. */
  readonly shell: string | null;
}

/** Parses nodelist text and returns the hosts of group `group`. Throws BadFlagError naming the line. */
export function parseNodelist(text: string, group = 'main', source = 'nodelist'): NodelistHost[] {
  const groups = new Map<string, NodelistHost[]>();
  let current = 'main';
  let groupShell: string | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `${source} line ${i + 1}`;
    const [keyword, name, ...rest] = line.split(/\s+/);
    if (name === undefined) throw new BadFlagError(`${where}: "${keyword}" needs a name`);
    const options = lineOptions(rest, where);
    if (keyword === 'group') {
      if (options.cpus !== null) throw new BadFlagError(`${where}: ++cpus belongs on host lines`);
      current = name;
      groupShell = options.shell;
      if (!groups.has(current)) groups.set(current, []);
    } else if (keyword === 'host') {
      let hosts = groups.get(current);
      if (hosts === undefined) groups.set(current, (hosts = []));
      hosts.push({ name, cpus: options.cpus, shell: options.shell ?? groupShell });
    } else {
      throw new BadFlagError(`${where}: expected "group NAME" or "host NAME", got "${keyword}"`);
    }
  });
  const hosts = groups.get(group);
  if (hosts === undefined || hosts.length === 0) {
    const known = [...groups.keys()].filter((g) => groups.get(g)!.length > 0);
    throw new BadFlagError(`${source} has no hosts in group "${group}"${known.length > 0 ? ` (groups with hosts: ${known.join(', ')})` : ''}`);
  }
  return hosts;
}

function lineOptions(words: readonly string[], where: string): { cpus: number | null; shell: string | null } {
  let cpus: number | null = null;
  let shell: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = words[i + 1];
    if (word === '++cpus' && value !== undefined && /^\d+$/.test(value) && Number(value) > 0) cpus = Number(value);
    else if (word === '++shell' && value !== undefined) shell = value;
    else throw new BadFlagError(`${where}: unknown or incomplete host option "${word}"${value === undefined ? '' : ` ${value}`}`);
    i++;
  }
  return { cpus, shell };
}

/** Hosts given as `++hosts a,b,c`. */
export function parseHostsFlag(value: string): NodelistHost[] {
  const names = value.split(',').map((h) => h.trim());
  if (names.some((n) => n === '')) throw new BadFlagError(`++hosts needs comma-separated host names, got "${value}"`);
  return names.map((name) => ({ name, cpus: null, shell: null }));
}

/** One PE process of a job and where it runs. */
export interface ProcessPlacement {
  /** Index of its host in the host list. */
  readonly hostIndex: number;
  /** First PE of the process; it runs PEs firstPe .. firstPe + ppn - 1. */
  readonly firstPe: number;
}

/**
 * Places `numProcesses` processes on `numHosts` hosts as Charm++ does (process i on host
 * i mod numHosts, round robin) and numbers PEs host by host: the PEs of host 0 come first, then
 * host 1's, so that PEs of one host are contiguous. Returned in PE order.
 */
export function placeProcesses(numProcesses: number, numHosts: number, ppn: number): ProcessPlacement[] {
  const perHost = new Array<number>(numHosts).fill(0);
  for (let p = 0; p < numProcesses; p++) perHost[p % numHosts]!++;
  const result: ProcessPlacement[] = [];
  let pe = 0;
  perHost.forEach((count, hostIndex) => {
    for (let k = 0; k < count; k++, pe += ppn) result.push({ hostIndex, firstPe: pe });
  });
  return result;
}
