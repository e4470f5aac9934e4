/**
 * A PE's end of the control protocol: says hello with its transport address, receives the
 * address table, reports ready, waits for the start, and sends exit/abort requests. If the
 * controller goes away, the PE is told (it must not outlive its job).
 */
import { WebSocket } from 'ws';
import { ProtocolError } from '../errors.js';
import { AUTH_HEADER, authToken, PE_HEADER } from '../transport/auth.js';
import { parseControllerMessage, type ControllerToPe, type HelloMessage, type PeersMessage, type PeToController } from './protocol.js';

/** What the control connection reports to its PE. */
export interface ControlClientEvents {
  /** The controller says stop, exiting with `code`. */
  onShutdown(code: number): void;
  /** The control connection closed without a shutdown (the controller died). */
  onLost(reason: string): void;
}

/** A PE's control connection. */
export class ControlClient {
  readonly #socket: WebSocket;
  readonly #pe: number;
  #events: ControlClientEvents | undefined;
  readonly #waiters = new Map<ControllerToPe['t'], (message: ControllerToPe) => void>();
  readonly #rejecters = new Map<ControllerToPe['t'], (error: Error) => void>();
  #shutdownSeen = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastHeard = performance.now();

  private constructor(socket: WebSocket, pe: number) {
    this.#socket = socket;
    this.#pe = pe;
    socket.on('ping', () => (this.#lastHeard = performance.now()));
    socket.on('message', (data, isBinary) => {
      this.#lastHeard = performance.now();
      const message = isBinary ? undefined : parseControllerMessage(data.toString());
      if (message === undefined) return;
      if (message.t === 'shutdown') {
        this.#shutdownSeen = true;
        this.#events?.onShutdown(message.code);
        return;
      }
      const waiter = this.#waiters.get(message.t);
      this.#waiters.delete(message.t);
      this.#rejecters.delete(message.t);
      waiter?.(message);
    });
    socket.on('close', () => {
      clearInterval(this.#heartbeat);
      for (const reject of this.#rejecters.values()) reject(new ProtocolError('the control connection to charmrun closed'));
      this.#waiters.clear();
      this.#rejecters.clear();
      if (!this.#shutdownSeen) this.#events?.onLost('the control connection to charmrun closed');
    });
    socket.on('error', () => undefined);
  }

  /** Connects to the controller at `url` as PE `pe`. */
  static connect(url: string, secret: string, pe: number, timeoutMs: number): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        headers: { [PE_HEADER]: String(pe), [AUTH_HEADER]: authToken(secret, `control:${pe}`) },
        handshakeTimeout: timeoutMs,
      });
      socket.once('open', () => resolve(new ControlClient(socket, pe)));
      socket.once('unexpected-response', (_req, res) => reject(new ProtocolError(`the controller at ${url} refused PE ${pe} (HTTP ${res.statusCode})`)));
      socket.once('error', (error) => reject(new ProtocolError(`PE ${pe} cannot reach the controller at ${url}: ${error.message}`)));
    });
  }

  /** Sets where shutdown and loss are reported. */
  setEvents(events: ControlClientEvents): void {
    this.#events = events;
  }

  /**
   * Expects the controller's pings: when nothing (ping or message) has come for `silentMs`,
   * the controller counts as gone (its host unreachable) and the connection is dropped, which
   * reports `onLost`. A controller pings only in jobs that span hosts.
   */
  watchHeartbeat(silentMs: number): void {
    clearInterval(this.#heartbeat);
    this.#lastHeard = performance.now();
    this.#heartbeat = setInterval(() => {
      if (performance.now() - this.#lastHeard <= silentMs) return;
      clearInterval(this.#heartbeat);
      if (!this.#shutdownSeen) this.#events?.onLost(`nothing heard from charmrun for ${silentMs / 1000} s (its host is unreachable)`);
      this.#shutdownSeen = true;
      this.#socket.terminate();
    }, Math.max(50, silentMs / 4));
    this.#heartbeat.unref();
  }

  /** Publishes this PE's address; resolves to every PE's address and host. */
  hello(hello: Omit<HelloMessage, 't' | 'pe'>): Promise<PeersMessage> {
    const answer = this.#await('peers');
    this.#send({ t: 'hello', pe: this.#pe, ...hello });
    return answer as Promise<PeersMessage>;
  }

  /** Reports this PE connected; resolves when the whole job may start. */
  ready(): Promise<void> {
    const answer = this.#await('go');
    this.#send({ t: 'ready', pe: this.#pe });
    return answer.then(() => undefined);
  }

  /** Asks the controller to end the job with `code`. */
  exit(code: number): void {
    this.#send({ t: 'exit', pe: this.#pe, code });
  }

  /** Asks the controller to abort the job, saying why. */
  abort(message: string): void {
    this.#send({ t: 'abort', pe: this.#pe, message });
  }

  /** Reports a lost connection to another PE. */
  peerLost(peer: number, reason: string): void {
    this.#send({ t: 'peerLost', pe: this.#pe, peer, reason });
  }

  /** Closes the connection (the PE is exiting). */
  close(): void {
    this.#shutdownSeen = true;
    clearInterval(this.#heartbeat);
    this.#socket.terminate();
  }

  #await(type: ControllerToPe['t']): Promise<ControllerToPe> {
    return new Promise((resolve, reject) => {
      if (this.#socket.readyState !== WebSocket.OPEN) {
        reject(new ProtocolError('the control connection to charmrun is closed'));
        return;
      }
      this.#waiters.set(type, resolve);
      this.#rejecters.set(type, reject);
    });
  }

  #send(message: PeToController): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }
}
