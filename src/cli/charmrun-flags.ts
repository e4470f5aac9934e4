/**
 * charmrun's command line: `charmrun [+pN] [++flags] [+runtime flags] app.js [app args]`.
 * Launcher flags ("++") come before the program; "+pN" and the runtime flags ("+") may come
 * anywhere (as with Charm++); everything else after the program is the program's.
 */
import { BadFlagError } from '../errors.js';
import { extractRuntimeFlags, RUNTIME_FLAGS, type RuntimeOptions } from '../runtime/options.js';
import { TRANSPORT_NAMES } from '../transport/transport-set.js';
import { createBalancer } from '../lb/strategy-registry.js';
import { readNodelistFlag } from './nodelist-file.js';
import { parseHostsFlag, type NodelistHost } from './nodelist.js';

/** Everything charmrun needs to launch a job. */
export interface LaunchPlan {
  /** Number of PEs. */
  readonly numPes: number;
  /** PEs per process. */
  readonly ppn: number;
  readonly transport: string;
  /** Hide charmrun's own messages (errors are still printed). */
  readonly quiet: boolean;
  /** Print start-up details. */
  readonly verbose: boolean;
  /** Prefix every output line with its PE. */
  readonly prefix: boolean;
  /** Seconds to wait for every PE to start and connect. */
  readonly timeoutSec: number;
  /** The program to run. */
  readonly script: string;
  /** The program's own arguments. */
  readonly appArgs: readonly string[];
  /** Runtime flags, shared by every PE. */
  readonly runtime: RuntimeOptions;
  /** True when ++help was given (nothing is launched). */
  readonly help: boolean;
  /** Hosts from ++nodelist or ++hosts; null: every PE on this host. */
  readonly hosts: readonly NodelistHost[] | null;
  /** True when ++local was given (never delegate to a scheduler). */
  readonly local: boolean;
  /** Program (and its arguments) that runs a command on a host, as ssh does. */
  readonly remoteShell: readonly string[];
  /** Address PEs on other hosts use to reach charmrun; null: found per host from the routing table. */
  readonly serverHost: string | null;
  /** Seconds without an answer after which a PE (or charmrun, for a PE) counts as unreachable; 0: never. */
  readonly heartbeatSec: number;
  /** MiB of old-generation heap a PE process starts with before full collections (see nodeHeapArgs in launcher.ts); 0: Node's default. */
  readonly heapMb: number;
}

/** Default of `++heap-mb`: see docs/performance.md ("Kept messages and the JavaScript heap"). */
export const DEFAULT_HEAP_MB = 64;

/** A launcher flag: how it is written and what it sets. */
export interface LauncherFlag {
  readonly name: string;
  readonly value: string | null;
  readonly help: string;
}

/** Every "++" flag. */
export const LAUNCHER_FLAGS: readonly LauncherFlag[] = [
  { name: '+p', value: 'N', help: 'number of PEs (also written +pN; default 1)' },
  { name: '++ppn', value: 'K', help: 'PEs per process (worker threads sharing one process); N must be a multiple of K' },
  { name: '++transport', value: 'NAME', help: `transport between PEs: ${TRANSPORT_NAMES.join(', ')} (default auto)` },
  { name: '++local', value: null, help: 'run every PE on this host (the default outside a Slurm allocation)' },
  { name: '++nodelist', value: 'FILE', help: 'run on the hosts of FILE (Charm++ format: "group main" then "host NAME" lines)' },
  { name: '++nodegroup', value: 'NAME', help: 'group of the nodelist to use (default main)' },
  { name: '++hosts', value: 'A,B,...', help: 'run on these hosts (processes placed round robin, PEs numbered host by host)' },
  { name: '++remote-shell', value: 'CMD', help: 'command that runs a command on a host (default ssh, or $CONV_RSH)' },
  { name: '++server-host', value: 'ADDR', help: "address other hosts reach charmrun at (default: this host's address on the route to each)" },
  { name: '++heartbeat', value: 'SECONDS', help: 'with several hosts, a PE silent this long counts as unreachable (default 10; 0: never)' },
  { name: '++timeout', value: 'SECONDS', help: 'how long PEs may take to start and connect (default 60)' },
  { name: '++heap-mb', value: 'MIB', help: `heap a PE process may fill, received arrays it keeps included, before its first full garbage collection (default ${DEFAULT_HEAP_MB}; 0: Node's own)` },
  { name: '++prefix', value: null, help: 'prefix each output line with the PE that printed it' },
  { name: '++quiet', value: null, help: "print none of charmrun's own messages except errors" },
  { name: '++verbose', value: null, help: 'print start-up details (PEs, transport choice)' },
  { name: '++help', value: null, help: 'print this help and exit' },
];

const PE_FLAG = /^\+p(\d*)$/;

function positiveInteger(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new BadFlagError(`${flag} needs a positive integer, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  }
  return Number(value);
}

/** A flag's value where 0 means "off" and anything else must be a positive integer. */
function zeroOrPositiveInteger(flag: string, value: string | undefined): number {
  return value === '0' ? 0 : positiveInteger(flag, value);
}

function stringValue(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new BadFlagError(`${flag} needs a value`);
  return value;
}

/** Parses charmrun's arguments. Throws BadFlagError naming the offending flag. */
export function parseCharmrunArgs(argv: readonly string[]): LaunchPlan {
  let numPes: number | undefined;
  let ppn = 1;
  let transport = 'auto';
  let quiet = false;
  let verbose = false;
  let prefix = false;
  let help = false;
  let timeoutSec = 60;
  let nodelist: string | undefined;
  let nodegroup = 'main';
  let hostsFlag: string | undefined;
  let local = false;
  let remoteShell: string | undefined;
  let serverHost: string | null = null;
  let heartbeatSec = 10;
  let heapMb = DEFAULT_HEAP_MB;
  let script: string | undefined;
  const rest: string[] = [];
  const setPes = (value: number): void => {
    if (numPes !== undefined && numPes !== value) throw new BadFlagError(`+p given twice (${numPes} and ${value})`);
    numPes = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const pe = PE_FLAG.exec(arg);
    if (pe !== null) {
      setPes(positiveInteger('+p', pe[1] !== '' ? pe[1] : argv[++i]));
      continue;
    }
    if (script !== undefined) {
      rest.push(arg);
      continue;
    }
    if (!arg.startsWith('+')) {
      script = arg;
      continue;
    }
    if (!arg.startsWith('++')) {
      // A runtime flag before the program: keep it (and its value) for the runtime parser.
      rest.push(arg);
      const flag = RUNTIME_FLAGS.find((f) => f.name === arg);
      if (flag?.value != null && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const takeValue = (): string | undefined => (eq >= 0 ? arg.slice(eq + 1) : argv[++i]);
    const flag = LAUNCHER_FLAGS.find((f) => f.name === name);
    if (flag !== undefined && flag.value === null && eq >= 0) throw new BadFlagError(`${name} takes no value`);
    switch (name) {
      case '++ppn':
        ppn = positiveInteger('++ppn', takeValue());
        break;
      case '++transport': {
        const value = takeValue();
        if (value === undefined || !(TRANSPORT_NAMES as readonly string[]).includes(value)) {
          throw new BadFlagError(`++transport needs one of ${TRANSPORT_NAMES.join(', ')}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
        }
        transport = value;
        break;
      }
      case '++timeout':
        timeoutSec = positiveInteger('++timeout', takeValue());
        break;
      case '++local':
        local = true;
        break;
      case '++nodelist':
        nodelist = stringValue(name, takeValue());
        break;
      case '++nodegroup':
        nodegroup = stringValue(name, takeValue());
        break;
      case '++hosts':
        hostsFlag = stringValue(name, takeValue());
        break;
      case '++remote-shell':
        remoteShell = stringValue(name, takeValue());
        break;
      case '++server-host':
        serverHost = stringValue(name, takeValue());
        break;
      case '++heartbeat':
        heartbeatSec = zeroOrPositiveInteger('++heartbeat', takeValue());
        break;
      case '++heap-mb':
        heapMb = zeroOrPositiveInteger('++heap-mb', takeValue());
        break;
      case '++prefix':
        prefix = true;
        break;
      case '++quiet':
        quiet = true;
        break;
      case '++verbose':
        verbose = true;
        break;
      case '++help':
        help = true;
        break;
      default:
        throw new BadFlagError(`unknown charmrun flag ${name} (see charmrun ++help)`);
    }
  }
  const { options, rest: afterRuntime } = extractRuntimeFlags(rest);
  if (options.balancers.length > 0) createBalancer(options.balancers);
  const pes = numPes ?? 1;
  if (!help && script === undefined) throw new BadFlagError('no program given: charmrun +pN [flags] app.js [args]');
  if (pes % ppn !== 0) throw new BadFlagError(`+p${pes} is not a multiple of ++ppn ${ppn}`);
  if ([nodelist, hostsFlag].filter((v) => v !== undefined).length + (local ? 1 : 0) > 1) {
    throw new BadFlagError('give at most one of ++nodelist, ++hosts and ++local');
  }
  const hosts = nodelist !== undefined ? readNodelistFlag(nodelist, nodegroup) : hostsFlag !== undefined ? parseHostsFlag(hostsFlag) : null;
  const shell = remoteShell ?? process.env.CONV_RSH ?? 'ssh';
  return {
    numPes: pes,
    ppn,
    transport,
    quiet,
    verbose: verbose || options.verbose,
    prefix,
    timeoutSec,
    script: script ?? '',
    appArgs: afterRuntime,
    runtime: { ...options, verbose: verbose || options.verbose, quiet },
    help,
    hosts,
    local,
    remoteShell: shell.split(/\s+/).filter((w) => w !== ''),
    serverHost,
    heartbeatSec,
    heapMb,
  };
}
