/**
 * A PE's {@link LaunchInfo} when its process is a task of an `srun` step without charmrun
 * (Slurm's environment gives the place; see src/control/slurm-launch.ts for the rendezvous).
 */
import { ENV } from '../control/protocol.js';
import { readSlurmPlace, slurmJobSecret } from '../control/slurm-launch.js';
import { BadStateError } from '../errors.js';
import { formatHost } from '../transport/ws/authenticated-server.js';
import { extractRuntimeFlags, parseOptionsJson } from './options.js';
import type { LaunchInfo } from './pe-session.js';
import { isFirstThread, threadRank } from './pe-threads.js';

/** Heartbeat of a Slurm job across nodes, ms (PEs wait twice as long as the controller). */
const SLURM_HEARTBEAT_MS = 10_000;

/** The launch of this PE under `srun` and its program arguments, or null when not in an srun step of 2+ PEs. */
export function readSlurmLaunchInfo(env: NodeJS.ProcessEnv, argv: readonly string[]): { launch: LaunchInfo; args: readonly string[] } | null {
  const place = readSlurmPlace(env);
  if (place === null) return null;
  const ppn = Number(env[ENV.PPN] ?? 1);
  if (!Number.isInteger(ppn) || ppn < 1) throw new BadStateError(`${ENV.PPN} must be a positive integer, got "${env[ENV.PPN]}"`);
  const numPes = place.tasks * ppn;
  if (numPes === 1) return null;
  // charmrun passes runtime flags already parsed; a bare srun leaves them on the command line.
  const fromCharmrun = env[ENV.OPTIONS] !== undefined;
  const { options, rest } = fromCharmrun ? { options: parseOptionsJson(env[ENV.OPTIONS]), rest: [...argv] } : extractRuntimeFlags(argv);
  const acrossNodes = place.nodes.length > 1;
  const node = place.nodes[place.nodeIndex]!;
  const local = acrossNodes ? '0.0.0.0' : '127.0.0.1';
  const heartbeatMs = acrossNodes ? SLURM_HEARTBEAT_MS : 0;
  const timeoutMs = Number(env.CHARM4TS_TIMEOUT ?? 60) * 1000;
  const secret = slurmJobSecret(env, place);
  const launch: LaunchInfo = {
    pe: threadRank() ?? place.task * ppn,
    numPes,
    controlUrl: `ws://${formatHost(acrossNodes ? place.nodes[0]! : '127.0.0.1')}:${place.port}`,
    secret,
    transport: env[ENV.TRANSPORT] ?? 'auto',
    listenHost: local,
    options,
    ppn,
    hostId: node,
    advertiseHost: acrossNodes ? node : undefined,
    heartbeatMs: 2 * heartbeatMs,
    connectRetryMs: timeoutMs,
    controller:
      place.task === 0 && isFirstThread()
        ? { numPes, secret, host: local, port: place.port, rendezvousTimeoutMs: timeoutMs, heartbeatMs, report: (line) => process.stderr.write(`charm4ts: ${line}\n`) }
        : null,
  };
  return { launch, args: rest };
}
