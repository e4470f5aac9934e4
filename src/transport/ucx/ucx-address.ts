/**
 * The address a UcxTransport publishes: the UCX worker address plus what a peer needs to tell
 * whether it runs on the same host (same kernel boot, PID and IPC namespaces) and under which
 * process id. Same-host peers talk over shared memory, where UCX cannot report a lost peer, so
 * they are watched by process id instead (see {@link LocalPeerWatch}).
 *
 * Text form: `ucx1:<host key>:<pid>:<worker address, base64url>`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

const PREFIX = 'ucx1';

/** A decoded transport address. */
export interface UcxAddress {
  /** Identifies the host and namespaces; equal keys mean shared memory and pids are shared. */
  readonly hostKey: string;
  /** Process id of the peer's PE. */
  readonly pid: number;
  /** UCX worker address bytes. */
  readonly worker: Uint8Array;
}

function readOr(read: () => string, fallback: string): string {
  try {
    return read().trim();
  } catch {
    return fallback;
  }
}

/**
 * The host key of this process. `hostId`, the launcher's identity of the host, is part of it:
 * network namespaces (and containers) on one machine share the boot id and often the hostname,
 * but are distinct hosts to the job.
 */
export function localHostKey(hostId = ''): string {
  const parts = [
    hostId,
    hostname(),
    readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), ''),
    readOr(() => readlinkSync('/proc/self/ns/pid'), ''),
    readOr(() => readlinkSync('/proc/self/ns/ipc'), ''),
  ];
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}

/** Encodes an address as text. */
export function encodeUcxAddress(address: UcxAddress): string {
  return `${PREFIX}:${address.hostKey}:${address.pid}:${Buffer.from(address.worker).toString('base64url')}`;
}

/** Decodes a text address; throws a plain Error saying what is wrong with it. */
export function decodeUcxAddress(text: string): UcxAddress {
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new Error(`not a ucx address: ${JSON.stringify(text.slice(0, 40))}`);
  const pid = Number(parts[2]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`ucx address with a bad process id: ${parts[2]}`);
  const worker = Buffer.from(parts[3]!, 'base64url');
  if (worker.byteLength === 0) throw new Error('ucx address without a worker address');
  return { hostKey: parts[1]!, pid, worker };
}
