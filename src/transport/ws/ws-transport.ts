/**
 * The WebSocket transport: works anywhere Node runs. One connection per PE pair (the higher
 * rank dials the lower), binary frames, no compression, no masking (a zero mask: both ends are
 * this job's PEs), every connection authenticated with a token derived from the job's secret.
 * A connection without a valid token is refused with 401 and reported.
 *
 * Small frames sent to one peer during one turn of the event loop (a scheduler drain) are
 * coalesced into one WebSocket message, written when the turn ends (a microtask) or when the
 * batch passes 64 KiB: one system call for many messages, and no added latency for one.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { listenAuthenticated, type AuthenticatedServer } from './authenticated-server.js';
import { ProtocolError } from '../../errors.js';
import { AUTH_HEADER, authToken, PE_HEADER, verifyAuthToken } from '../auth.js';
import { batchMessages, FrameAssembler, frameToMessages } from '../frame-bytes.js';
import { TransportBase, type Frame, type TransportContext } from '../transport.js';

/** Tunables of the ws transport. */
export interface WsTransportOptions {
  /** Largest single message (header or segment) accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** How long `connect` waits for every peer, in milliseconds. */
  readonly connectTimeoutMs: number;
}

/** Defaults: 1 GiB messages, 30 s to connect. */
export const DEFAULT_WS_OPTIONS: WsTransportOptions = { maxMessageBytes: 1 << 30, connectTimeoutMs: 30_000 };

interface Peer {
  socket: WebSocket;
  assembler: FrameAssembler;
  /** Heads waiting to be written as one batch. */
  batch: Uint8Array[];
  batchBytes: number;
}

/** A batch is written as soon as it holds this many bytes. */
const BATCH_LIMIT = 64 * 1024;

/** WebSocket transport between the PEs of one job. */
export class WsTransport extends TransportBase {
  readonly name = 'ws';
  readonly #ctx: TransportContext;
  readonly #options: WsTransportOptions;
  readonly #peers = new Map<number, Peer>();
  #server: AuthenticatedServer | undefined;
  #expected = new Set<number>();
  readonly #unreachable = new Set<number>();
  #allConnected: (() => void) | undefined;

  constructor(ctx: TransportContext, options: WsTransportOptions = DEFAULT_WS_OPTIONS) {
    super();
    this.#ctx = ctx;
    this.#options = options;
  }

  async listen(): Promise<string> {
    this.#server = await listenAuthenticated(this.#ctx.listenHost, this.#options.maxMessageBytes, (req) => this.#authenticate(req), (pe, ws) => this.#adopt(pe, ws), this.#ctx.advertiseHost);
    return this.#server.url;
  }

  /** Returns the PE a connection request claims to be, or undefined (and a report) when it is not authentic. */
  #authenticate(req: IncomingMessage): number | undefined {
    const claimed = Number(req.headers[PE_HEADER]);
    const who = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    if (!Number.isInteger(claimed) || claimed < 0 || claimed >= this.#ctx.numPes || claimed === this.#ctx.pe) {
      this.#ctx.events.onProtocolError(`refused connection from ${who}: no valid PE number`);
      return undefined;
    }
    if (!verifyAuthToken(this.#ctx.secret, `data:${claimed}`, req.headers[AUTH_HEADER])) {
      this.#ctx.events.onProtocolError(`refused connection from ${who} claiming PE ${claimed}: missing or wrong job credentials`);
      return undefined;
    }
    if (this.#peers.has(claimed)) {
      this.#ctx.events.onProtocolError(`refused second connection from PE ${claimed} (${who})`);
      return undefined;
    }
    return claimed;
  }

  async connect(peers: ReadonlyMap<number, string>): Promise<void> {
    const me = this.#ctx.pe;
    for (const pe of peers.keys()) if (pe !== me && !this.#peers.has(pe)) this.#expected.add(pe);
    const done = new Promise<void>((resolve) => {
      this.#allConnected = resolve;
    });
    this.#checkAllConnected();
    const dials: Promise<void>[] = [];
    for (const [pe, address] of peers) if (pe < me) dials.push(this.#dial(pe, address));
    await Promise.all(dials);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new ProtocolError(`PE ${me}: no connection from PEs ${[...this.#expected].join(', ')} within ${this.#options.connectTimeoutMs} ms`));
      }, this.#options.connectTimeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #dial(pe: number, address: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(address, {
        perMessageDeflate: false,
        maxPayload: this.#options.maxMessageBytes,
        headers: { [PE_HEADER]: String(this.#ctx.pe), [AUTH_HEADER]: authToken(this.#ctx.secret, `data:${this.#ctx.pe}`) },
        generateMask: (mask: Buffer) => {
          mask.fill(0);
        },
        handshakeTimeout: this.#options.connectTimeoutMs,
      });
      ws.once('open', () => {
        this.#adopt(pe, ws);
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => reject(new ProtocolError(`PE ${pe} refused the connection (HTTP ${res.statusCode})`)));
      ws.once('error', (error) => reject(new ProtocolError(`cannot connect to PE ${pe} at ${address}: ${error.message}`)));
    });
  }

  #adopt(pe: number, socket: WebSocket): void {
    const peer: Peer = { socket, assembler: new FrameAssembler(this.#options.maxMessageBytes), batch: [], batchBytes: 0 };
    this.#peers.set(pe, peer);
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      let frames: Frame[];
      try {
        if (!isBinary) throw new ProtocolError('text message on a data connection');
        frames = peer.assembler.pushBatch(data);
      } catch (error) {
        this.#ctx.events.onProtocolError(`from PE ${pe}: ${(error as Error).message}; closing the connection`);
        socket.terminate();
        return;
      }
      for (const frame of frames) this.#ctx.events.onFrame(pe, frame);
    });
    socket.on('close', (code, reason) => {
      this.#peers.delete(pe);
      this.#unreachable.add(pe);
      if (!this.closed) this.#ctx.events.onPeerLost(pe, `connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`);
    });
    socket.on('error', (error) => {
      if (!this.closed) this.#ctx.events.onPeerLost(pe, `connection error: ${error.message}`);
    });
    this.#expected.delete(pe);
    this.#checkAllConnected();
  }

  #checkAllConnected(): void {
    if (this.#expected.size === 0 && this.#allConnected) {
      const resolve = this.#allConnected;
      this.#allConnected = undefined;
      resolve();
    }
  }

  send(pe: number, frame: Frame): void {
    const peer = this.#peers.get(pe);
    if (peer === undefined) {
      // The connection is gone (already reported when it closed) or never existed: report once, drop.
      if (!this.#unreachable.has(pe)) {
        this.#unreachable.add(pe);
        if (!this.closed) this.#ctx.events.onPeerLost(pe, `no connection to PE ${pe}; messages to it are dropped`);
      }
      return;
    }
    const messages = frameToMessages(frame);
    if (messages.length === 1 && messages[0]!.length < BATCH_LIMIT) {
      if (peer.batch.length === 0) this.#flushSoon(peer);
      peer.batch.push(messages[0]!);
      peer.batchBytes += messages[0]!.length;
      if (peer.batchBytes >= BATCH_LIMIT) this.#flush(peer);
      return;
    }
    this.#flush(peer);
    for (const message of messages) peer.socket.send(message, { binary: true });
  }

  #flushSoon(peer: Peer): void {
    queueMicrotask(() => this.#flush(peer));
  }

  /** Writes the peer's pending batch (if any) as one message. */
  #flush(peer: Peer): void {
    if (peer.batch.length === 0) return;
    const message = batchMessages(peer.batch);
    peer.batch = [];
    peer.batchBytes = 0;
    if (peer.socket.readyState === WebSocket.OPEN) peer.socket.send(message, { binary: true });
  }

  protected async doClose(): Promise<void> {
    for (const { socket } of this.#peers.values()) socket.terminate();
    this.#peers.clear();
    await this.#server?.close();
  }
}
