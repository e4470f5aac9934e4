/**
 * The controller's end of the control protocol: a WebSocket server that accepts only the
 * job's PEs (token derived from the job secret), gathers every PE's transport address, checks
 * that all PEs registered the same program, hands out the address table, starts the job when
 * all are connected, and relays exit and abort requests to the launcher.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { AUTH_HEADER, PE_HEADER, verifyAuthToken } from '../transport/auth.js';
import { listenAuthenticated, type AuthenticatedServer } from '../transport/ws/authenticated-server.js';
import { parsePeMessage, type ControllerToPe, type HelloMessage } from './protocol.js';

/** What the controller tells its launcher. */
export interface ControlServerEvents {
  /** A PE asked to end the job with `code` (charm.exit). */
  onExit(pe: number, code: number): void;
  /** The job cannot go on; `message` says why (abort, rendezvous failure, registry mismatch). */
  onAbort(pe: number | null, message: string): void;
  /** A PE lost its connection to another PE. */
  onPeerLost(pe: number, peer: number, reason: string): void;
  /** The control connection of a PE closed. */
  onDisconnect(pe: number): void;
  /** Every PE is connected and the job has started. */
  onStarted(hellos: readonly HelloMessage[]): void;
  /** A connection attempt was refused (not part of this job). */
  onRefused(reason: string): void;
  /** PEs whose control connections have answered nothing for `silentMs` (with a heartbeat set): unreachable. */
  onUnresponsive?(pes: readonly number[], silentMs: number): void;
}

/** Settings of a control server. */
export interface ControlServerOptions {
  readonly numPes: number;
  readonly secret: string;
  /** Interface to listen on. */
  readonly host: string;
  /** Port to listen on; 0 or absent: one the system chooses. */
  readonly port?: number;
  /** How long to wait for every PE to say hello and connect, in ms. */
  readonly rendezvousTimeoutMs: number;
  readonly events: ControlServerEvents;
  /** With a value above 0, PEs are pinged and one silent this long (ms) is reported unresponsive. */
  readonly heartbeatMs?: number;
}

/** The control server of one job. */
export class ControlServer {
  readonly #options: ControlServerOptions;
  readonly #sockets = new Map<number, WebSocket>();
  readonly #hellos = new Map<number, HelloMessage>();
  readonly #ready = new Set<number>();
  #server: AuthenticatedServer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #lastHeard = new Map<number, number>();
  #started = false;
  #failed = false;
  #closed = false;

  constructor(options: ControlServerOptions) {
    this.#options = options;
  }

  /** Starts listening; resolves to the URL PEs connect to. The rendezvous clock starts now. */
  async listen(): Promise<string> {
    this.#server = await listenAuthenticated(this.#options.host, 1 << 20, (req) => this.#authenticate(req), (pe, ws) => this.#adopt(pe, ws), undefined, this.#options.port);
    this.#timer = setTimeout(() => this.#rendezvousTimedOut(), this.#options.rendezvousTimeoutMs);
    const heartbeatMs = this.#options.heartbeatMs ?? 0;
    if (heartbeatMs > 0) this.#heartbeat = setInterval(() => this.#checkHeartbeats(heartbeatMs), Math.max(50, heartbeatMs / 4)).unref();
    return this.#server.url;
  }

  /** PEs that have not said hello yet. */
  missing(): number[] {
    const result: number[] = [];
    for (let pe = 0; pe < this.#options.numPes; pe++) if (!this.#hellos.has(pe)) result.push(pe);
    return result;
  }

  /** The hello of PE `pe`, if it said hello. */
  hello(pe: number): HelloMessage | undefined {
    return this.#hellos.get(pe);
  }

  /** Tells every connected PE to stop and exit with `code`. */
  shutdown(code: number): void {
    this.#broadcast({ t: 'shutdown', code });
  }

  /** Resolves once no PE is connected any more, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#sockets.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Stops the server. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
    for (const socket of this.#sockets.values()) socket.terminate();
    await this.#server?.close();
  }

  #authenticate(req: IncomingMessage): number | undefined {
    const pe = Number(req.headers[PE_HEADER]);
    const who = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    if (!Number.isInteger(pe) || pe < 0 || pe >= this.#options.numPes) {
      this.#options.events.onRefused(`refused a control connection from ${who}: no valid PE number`);
      return undefined;
    }
    if (!verifyAuthToken(this.#options.secret, `control:${pe}`, req.headers[AUTH_HEADER])) {
      this.#options.events.onRefused(`refused a control connection from ${who} claiming PE ${pe}: missing or wrong job credentials`);
      return undefined;
    }
    if (this.#sockets.has(pe)) {
      this.#options.events.onRefused(`refused a second control connection for PE ${pe} from ${who}`);
      return undefined;
    }
    return pe;
  }

  #adopt(pe: number, socket: WebSocket): void {
    this.#sockets.set(pe, socket);
    this.#lastHeard.set(pe, performance.now());
    socket.on('pong', () => this.#lastHeard.set(pe, performance.now()));
    socket.on('message', (data, isBinary) => {
      this.#lastHeard.set(pe, performance.now());
      const message = isBinary ? undefined : parsePeMessage(data.toString());
      if (message === undefined || message.pe !== pe) {
        this.#options.events.onRefused(`PE ${pe} sent a malformed control message; closing its control connection`);
        socket.terminate();
        return;
      }
      switch (message.t) {
        case 'hello':
          this.#onHello(message);
          return;
        case 'ready':
          this.#ready.add(pe);
          this.#maybeStart();
          return;
        case 'exit':
          this.#options.events.onExit(pe, message.code);
          return;
        case 'abort':
          this.#options.events.onAbort(pe, message.message);
          return;
        case 'peerLost':
          this.#options.events.onPeerLost(pe, message.peer, message.reason);
          return;
      }
    });
    socket.on('close', () => {
      this.#sockets.delete(pe);
      if (!this.#closed) this.#options.events.onDisconnect(pe);
    });
    socket.on('error', () => undefined);
  }

  /** Pings every PE; reports (once) those silent for more than `heartbeatMs`. */
  #checkHeartbeats(heartbeatMs: number): void {
    const now = performance.now();
    const silent: number[] = [];
    for (const [pe, socket] of this.#sockets) {
      if (now - (this.#lastHeard.get(pe) ?? now) > heartbeatMs) silent.push(pe);
      else if (socket.readyState === WebSocket.OPEN) socket.ping();
    }
    if (silent.length === 0) return;
    for (const pe of silent) this.#lastHeard.set(pe, Infinity);
    this.#options.events.onUnresponsive?.(silent.sort((a, b) => a - b), heartbeatMs);
  }

  #onHello(hello: HelloMessage): void {
    this.#hellos.set(hello.pe, hello);
    if (this.#failed || this.#hellos.size < this.#options.numPes) return;
    const reference = this.#hellos.get(0)!.fingerprint;
    const differing = [...this.#hellos.values()].filter((h) => h.fingerprint !== reference).map((h) => h.pe);
    if (differing.length > 0) {
      this.#failed = true;
      this.#options.events.onAbort(
        null,
        `PE${differing.length > 1 ? 's' : ''} ${differing.join(', ')} registered different chare classes, entry methods, maps or reducers than PE 0 (every PE must run the same program and register the same things)`,
      );
      return;
    }
    const ordered = [...this.#hellos.values()].sort((a, b) => a.pe - b.pe);
    this.#broadcast({ t: 'peers', addresses: ordered.map((h) => h.address), hosts: ordered.map((h) => h.host) });
  }

  #maybeStart(): void {
    if (this.#started || this.#failed || this.#ready.size < this.#options.numPes) return;
    this.#started = true;
    clearTimeout(this.#timer);
    this.#broadcast({ t: 'go' });
    this.#options.events.onStarted([...this.#hellos.values()].sort((a, b) => a.pe - b.pe));
  }

  #rendezvousTimedOut(): void {
    if (this.#started || this.#failed) return;
    this.#failed = true;
    const missing = this.missing();
    const ms = this.#options.rendezvousTimeoutMs;
    const seconds = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
    if (missing.length > 0) {
      this.#options.events.onAbort(null, `rendezvous timed out after ${seconds}: PE${missing.length > 1 ? 's' : ''} ${missing.join(', ')} never arrived`);
    } else {
      const notReady = [];
      for (let pe = 0; pe < this.#options.numPes; pe++) if (!this.#ready.has(pe)) notReady.push(pe);
      this.#options.events.onAbort(null, `rendezvous timed out after ${seconds}: PE${notReady.length > 1 ? 's' : ''} ${notReady.join(', ')} could not connect to their peers`);
    }
  }

  #broadcast(message: ControllerToPe): void {
    const text = JSON.stringify(message);
    for (const socket of this.#sockets.values()) if (socket.readyState === WebSocket.OPEN) socket.send(text);
  }
}
