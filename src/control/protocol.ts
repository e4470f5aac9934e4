/**
 * The control protocol between PEs and the job's controller (charmrun, or rank 0 under a
 * scheduler): rendezvous, start, exit and abort. JSON text messages over an authenticated
 * WebSocket; low volume, never on a hot path.
 */

/** PE -> controller: this PE is up; here is its transport address. */
export interface HelloMessage {
  readonly t: 'hello';
  readonly pe: number;
  readonly pid: number;
  readonly host: string;
  /** Transport address peers connect to. */
  readonly address: string;
  /** Fingerprint of the PE's registry (classes, entry methods, maps, reducers). */
  readonly fingerprint: string;
}

/** Controller -> PE: every PE's address and host, once all said hello. */
export interface PeersMessage {
  readonly t: 'peers';
  readonly addresses: readonly string[];
  readonly hosts: readonly string[];
}

/** PE -> controller: connected to its peers, ready to run. */
export interface ReadyMessage {
  readonly t: 'ready';
  readonly pe: number;
}

/** Controller -> PE: every PE is ready; PE 0 starts main. */
export interface GoMessage {
  readonly t: 'go';
}

/** PE -> controller: `charm.exit(code)` was called. */
export interface ExitMessage {
  readonly t: 'exit';
  readonly pe: number;
  readonly code: number;
}

/** PE -> controller: the job cannot go on (charm.abort, an uncaught error, a broken invariant). */
export interface AbortMessage {
  readonly t: 'abort';
  readonly pe: number;
  readonly message: string;
}

/** PE -> controller: the connection to another PE was lost. */
export interface PeerLostMessage {
  readonly t: 'peerLost';
  readonly pe: number;
  readonly peer: number;
  readonly reason: string;
}

/** Controller -> PE: stop now and exit with `code`. */
export interface ShutdownMessage {
  readonly t: 'shutdown';
  readonly code: number;
}

/** Messages a PE sends. */
export type PeToController = HelloMessage | ReadyMessage | ExitMessage | AbortMessage | PeerLostMessage;
/** Messages the controller sends. */
export type ControllerToPe = PeersMessage | GoMessage | ShutdownMessage;

/** Environment variables through which a launcher hands a PE its place in the job. */
export const ENV = {
  PE: 'CHARM4TS_PE',
  NUM_PES: 'CHARM4TS_NUM_PES',
  CONTROL: 'CHARM4TS_CONTROL',
  SECRET: 'CHARM4TS_SECRET',
  TRANSPORT: 'CHARM4TS_TRANSPORT',
  OPTIONS: 'CHARM4TS_OPTIONS',
  LISTEN_HOST: 'CHARM4TS_LISTEN_HOST',
  /** PEs per process: the process's first PE starts the others as threads. */
  PPN: 'CHARM4TS_PPN',
  /** "1" when charmrun's own stderr is a terminal (PE output goes through pipes). */
  STDERR_TTY: 'CHARM4TS_STDERR_TTY',
  /** The host's identity within the job (its nodelist name); hosts differ when identities do. */
  HOST_ID: 'CHARM4TS_HOST',
  /** Name or address other hosts reach this PE by (its transports listen on LISTEN_HOST). */
  ADVERTISE_HOST: 'CHARM4TS_ADVERTISE_HOST',
  /** Milliseconds of silence from the controller after which a PE gives up (0 or unset: never). */
  HEARTBEAT_MS: 'CHARM4TS_HEARTBEAT_MS',
} as const;

/** The JSON object in `text`, or undefined when it holds none. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses and checks a message a PE sent; returns undefined when it is not one. */
export function parsePeMessage(text: string): PeToController | undefined {
  const m = jsonObject(text);
  if (m === undefined) return undefined;
  const int = (v: unknown): boolean => Number.isInteger(v);
  switch (m.t) {
    case 'hello':
      return int(m.pe) && int(m.pid) && typeof m.host === 'string' && typeof m.address === 'string' && typeof m.fingerprint === 'string'
        ? (m as unknown as HelloMessage)
        : undefined;
    case 'ready':
      return int(m.pe) ? (m as unknown as ReadyMessage) : undefined;
    case 'exit':
      return int(m.pe) && int(m.code) ? (m as unknown as ExitMessage) : undefined;
    case 'abort':
      return int(m.pe) && typeof m.message === 'string' ? (m as unknown as AbortMessage) : undefined;
    case 'peerLost':
      return int(m.pe) && int(m.peer) && typeof m.reason === 'string' ? (m as unknown as PeerLostMessage) : undefined;
    default:
      return undefined;
  }
}

/** Parses a message from the controller; returns undefined when it is not one. */
export function parseControllerMessage(text: string): ControllerToPe | undefined {
  const m = jsonObject(text);
  if (m === undefined) return undefined;
  switch (m.t) {
    case 'peers':
      return Array.isArray(m.addresses) && Array.isArray(m.hosts) ? (m as unknown as PeersMessage) : undefined;
    case 'go':
      return m as unknown as GoMessage;
    case 'shutdown':
      return Number.isInteger(m.code) ? (m as unknown as ShutdownMessage) : undefined;
    default:
      return undefined;
  }
}
