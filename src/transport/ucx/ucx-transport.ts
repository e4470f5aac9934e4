/**
 * The UCX transport: UCP active messages through the native addon, polled by the PE's scheduler.
 *
 * Ordering: every frame carries a per-(sender, receiver) sequence number; the receiver's
 * {@link ReorderBuffer} delivers in send order even when a small eager message overtakes a large
 * rendezvous one. Exactly once: UCX is reliable, and a repeated sequence number is dropped and
 * reported as a protocol error.
 *
 * Ownership: `send` references the frame's header and segments until UCX is done reading them
 * (large segments are never copied, so the caller must not modify them after `send`). A received
 * frame's header and segments are views on buffers from the addon's receive pool; the pool takes
 * a buffer back only when V8 frees it, i.e. when nothing in JavaScript can reach it any more, or
 * when the receiver hands the frame back with {@link UcxTransport.release}, which detaches the
 * buffers (any view left on them then reads as empty, never as someone else's data).
 *
 * Progress: `poll` runs UCX's progress engine and delivers; `arm` parks on the worker's event fd
 * through a libuv poll handle inside the addon, so the Node event loop stays free while the PE is
 * idle. While parked, a slow timer also wakes the PE now and then so UCX's keepalive can notice a
 * silent peer.
 *
 * Lost peers: UCX 1.13 gives up shared memory on endpoints in its peer error-handling mode, so by
 * default only peers on other hosts get that mode (UCX then reports their failure); peers on this
 * host use shared memory and are watched by process id (a cheap `kill(pid, 0)` on a timer). Either
 * way a lost peer is reported once through `onPeerLost`, and frames sent to it afterwards are
 * dropped.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { BadPeError, BadStateError, TransportUnavailableError } from '../../errors.js';
import { TransportBase, type Frame, type TransportContext } from '../transport.js';
import { HeaderScratch, lentHeaderBytesOption, OutgoingHeader } from '../header-scratch.js';
import { FrameAssembler } from './frame-assembler.js';
import { LocalPeerWatch } from './local-peer-watch.js';
import { decodeUcxAddress, encodeUcxAddress, localHostKey } from './ucx-address.js';
import { ReorderBuffer } from './reorder-buffer.js';
import type { NativeUcxWorker, UcxAddon, UcxPoolStats } from './ucx-native.js';
import { Kind, SCRATCH_WORDS, Word } from './wire.js';

/** Options of {@link UcxTransport}. */
export interface UcxTransportOptions {
  /** The loaded addon (from `loadUcxAddon`). */
  readonly addon: UcxAddon;
  /** Ask UCX for an event fd so `arm` works (default true). */
  readonly wakeup?: boolean;
  /**
   * UCX's peer error-handling mode for endpoints: `auto` (default) for peers on other hosts only,
   * `peer` for all (same-host traffic then goes over TCP), `none` for none.
   */
  readonly errorHandling?: 'auto' | 'peer' | 'none';
  /** How often the processes of same-host peers are checked (default 500 ms; 0: never). */
  readonly peerCheckMs?: number;
  /** Segments of at least this many bytes are sent alone, zero-copy (default 16 KiB). */
  readonly splitThreshold?: number;
  /** Most bytes of free large receive buffers kept for reuse, per size class (default 128 MiB). */
  readonly maxRetainedBytes?: number;
  /** How long `close` waits for peers to take its goodbye before it forces the endpoints shut (default 2000 ms). */
  readonly closeTimeoutMs?: number;
  /** While parked, wake at least this often so UCX can run keepalive (default 1000 ms; 0: never). */
  readonly parkedWakeMs?: number;
  /**
   * Frames without segments whose header has at most this many bytes are lent (default 0: none):
   * the addon copies the header into memory that the next message reuses, so `onFrame` must be
   * done with it when it returns (decode it, copy what it keeps). Such a frame then costs no
   * ArrayBuffer of its own. At most 64 KiB.
   */
  readonly lentHeaderBytes?: number;
}

/** Marks a goodbye in the per-sender order. */
const GOODBYE = Symbol('goodbye');
type Delivery = Frame | typeof GOODBYE;

/** 32-bit tag of the job's secret, carried by every message so that stray traffic is refused. */
export function jobTag(secret: string): number {
  return createHash('sha256').update(secret).digest().readUInt32LE(0);
}

/** A {@link Transport} over UCX active messages; see the file comment for its guarantees. */
export class UcxTransport extends TransportBase {
  readonly name = 'ucx';
  /** Memory for the header of a frame without segments, sent with {@link sendHeader}. */
  readonly outgoingHeader = new OutgoingHeader();
  readonly #context: TransportContext;
  readonly #options: UcxTransportOptions;
  readonly #scratch = new Uint32Array(SCRATCH_WORDS);
  readonly #assembler = new FrameAssembler();
  readonly #streams: (ReorderBuffer<Delivery> | undefined)[] = [];
  /** Per sender, what hands its frames on in order (made once per sender, not per message). */
  readonly #emitters: ((item: Delivery) => void)[] = [];
  readonly #lent: HeaderScratch | undefined;
  /** The frame last delivered in the lent memory (see {@link release}). */
  #lentFrame: Frame | undefined;
  readonly #lost = new Set<number>();
  readonly #watch = new LocalPeerWatch();
  readonly #hostKey: string;
  #watchTimer: NodeJS.Timeout | undefined;
  #native: NativeUcxWorker | undefined;
  #wake: (() => void) | undefined;
  #wakeTimer: NodeJS.Timeout | undefined;

  /** Creates the transport; UCX itself starts in `listen`. */
  constructor(context: TransportContext, options: UcxTransportOptions) {
    super();
    this.#context = context;
    this.#options = options;
    this.#hostKey = localHostKey(context.hostId);
    const lentHeaderBytes = lentHeaderBytesOption('ucx', options.lentHeaderBytes);
    this.#lent = lentHeaderBytes > 0 ? new HeaderScratch(lentHeaderBytes) : undefined;
  }

  /** Creates the UCX worker; resolves to its address (base64url), opaque to peers. */
  listen(): Promise<string> {
    if (this.closed) return Promise.reject(new BadStateError('the ucx transport is closed'));
    if (this.#native !== undefined) return Promise.reject(new BadStateError('listen was already called'));
    const o = this.#options;
    try {
      this.#native = new o.addon.UcxWorker({
        pe: this.#context.pe,
        tag: jobTag(this.#context.secret),
        wakeup: o.wakeup ?? true,
        splitThreshold: o.splitThreshold ?? 16 * 1024,
        maxRetainedBytes: o.maxRetainedBytes ?? 128 * 1024 * 1024,
        scratch: this.#scratch,
        ...(this.#lent === undefined ? {} : { lent: this.#lent.bytes }),
        outgoing: this.outgoingHeader.bytes,
        onPart: this.#onPart,
        onPeerError: this.#onPeerError,
        onProtocolError: this.#onProtocolError,
      });
    } catch (error) {
      return Promise.reject(new TransportUnavailableError(`ucx: ${(error as Error).message}`));
    }
    return Promise.resolve(encodeUcxAddress({ hostKey: this.#hostKey, pid: process.pid, worker: this.#native.address() }));
  }

  /**
   * Creates an endpoint to every listed peer (UCX completes the wireup with the first messages)
   * and starts watching the same-host ones.
   */
  connect(peers: ReadonlyMap<number, string>): Promise<void> {
    let native: NativeUcxWorker;
    try {
      native = this.#worker();
    } catch (error) {
      return Promise.reject(error);
    }
    for (const [pe, address] of peers) {
      if (!Number.isInteger(pe) || pe < 0 || pe >= this.#context.numPes) {
        return Promise.reject(new BadPeError(pe, this.#context.numPes));
      }
      try {
        const peer = decodeUcxAddress(address);
        const local = peer.hostKey === this.#hostKey;
        const mode = this.#options.errorHandling ?? 'auto';
        const errorHandling = mode === 'peer' || (mode === 'auto' && !local);
        native.connect(pe, peer.worker, errorHandling);
        if (local && pe !== this.#context.pe) this.#watch.add(pe, peer.pid);
      } catch (error) {
        return Promise.reject(new TransportUnavailableError(`ucx: PE ${pe}: ${(error as Error).message}`));
      }
    }
    const every = this.#options.peerCheckMs ?? 500;
    if (every > 0 && this.#watch.size > 0 && this.#watchTimer === undefined) {
      this.#watchTimer = setInterval(this.#checkLocalPeers, every);
      this.#watchTimer.unref();
    }
    return Promise.resolve();
  }

  /**
   * Sends `frame` to `pe` without copying its segments. A frame to a lost peer is dropped (the
   * loss was reported through `onPeerLost`).
   */
  send(pe: number, frame: Frame): void {
    this.#worker().send(pe, frame.header, frame.segments);
  }

  /** Sends the frame without segments whose header is the first `length` bytes of {@link outgoingHeader}; as {@link send} otherwise. */
  sendHeader(pe: number, length: number): void {
    this.#worker().sendHeader(pe, length);
  }

  /** Runs UCX progress and delivers what arrived, in order; returns the number of events handled. */
  poll(): number {
    const native = this.#native;
    if (native === undefined || this.closed) return 0;
    const events = native.progress();
    if (events === undefined) return 0;
    if (events > 0) return events;
    // The last part is in the scratch and lent memory, left to this caller (no call from C++).
    this.#onPart();
    return -events;
  }

  /**
   * Parks: `wake` is called once, from the event loop, when the UCX event fd fires (or the parked
   * wake timer expires). Returns false when something is already pending: poll again instead.
   */
  arm(wake: () => void): boolean {
    const native = this.#worker();
    if (!native.arm(this.#onWake)) return false;
    this.#wake = wake;
    const every = this.#options.parkedWakeMs ?? 1000;
    if (every > 0 && this.#wakeTimer === undefined) {
      this.#wakeTimer = setTimeout(this.#onWake, every);
      this.#wakeTimer.unref();
    }
    return true;
  }

  /** Cancels a pending `arm` (the PE resumed for another reason). */
  disarm(): void {
    this.#wake = undefined;
    this.#clearWakeTimer();
    this.#native?.disarm();
  }

  /**
   * Hands a received frame back: its buffers are detached and their memory returns to the pool
   * at once instead of at the next garbage collection. Only for frames this transport delivered,
   * and only when the receiver keeps no view it still needs (views left behind read as empty).
   */
  release(frame: Frame): void {
    const native = this.#native;
    // A lent frame has nothing of its own to give back (and a typed array's `buffer` getter is a
    // call into C++ that the commonest frame can skip).
    if (native === undefined || frame === this.#lentFrame) return;
    let last: ArrayBufferLike = frame.header.buffer;
    if (last instanceof ArrayBuffer && last !== this.#lent?.buffer) native.release(last);
    // Indexed: iterating a frozen array (the empty segment list of a lent frame) allocates an iterator.
    const segments = frame.segments;
    for (let i = 0; i < segments.length; i++) {
      const buffer = segments[i]!.buffer;
      if (buffer !== last && buffer instanceof ArrayBuffer) native.release(buffer);
      last = buffer;
    }
  }

  /** Receive-pool counters (diagnostics and tests). */
  poolStats(): UcxPoolStats {
    return this.#worker().poolStats();
  }

  /** Says goodbye to every peer, waits (bounded) for the endpoints to flush, then frees UCX. */
  protected async doClose(): Promise<void> {
    const native = this.#native;
    if (native === undefined) return;
    this.disarm();
    clearInterval(this.#watchTimer);
    this.#watchTimer = undefined;
    await yieldToLoop();
    const deadline = Date.now() + (this.#options.closeTimeoutMs ?? 2000);
    if (native.closeEndpoints(false) > 0) {
      while (native.pendingCloses() > 0 && Date.now() < deadline) {
        native.progress(); // what arrives now is dropped (onPart ignores parts once closed)
        await yieldToLoop();
      }
    }
    native.destroy();
  }

  #worker(): NativeUcxWorker {
    if (this.closed) throw new BadStateError('the ucx transport is closed');
    if (this.#native === undefined) throw new BadStateError('call listen before using the ucx transport');
    return this.#native;
  }

  readonly #onPart = (buffer?: ArrayBuffer): void => {
    if (this.closed) return;
    const control = this.#scratch;
    const source = control[Word.Source]!;
    const sequence = control[Word.Sequence]!;
    let stream = this.#streams[source];
    if (stream === undefined) {
      stream = new ReorderBuffer<Delivery>();
      this.#streams[source] = stream;
      this.#emitters[source] = (item) => this.#emit(source, item);
    }
    let delivery: Delivery | undefined;
    if ((control[Word.Kind]! & 0xff) === Kind.Goodbye) {
      delivery = GOODBYE;
    } else if (buffer === undefined) {
      delivery = this.#assembler.lent(control, this.#lent!);
      // Held for a message still to come (overtaken by this one): it needs memory of its own.
      if (sequence !== stream.next) delivery = { header: delivery.header.slice(), segments: delivery.segments };
      else this.#lentFrame = delivery;
    } else {
      delivery = this.#assembler.add(control, buffer);
      if (delivery === undefined) return;
    }
    if (!stream.accept(sequence, delivery, this.#emitters[source]!)) {
      this.#context.events.onProtocolError(`ucx: duplicate message ${sequence} from PE ${source} dropped`);
    }
  };

  #emit(source: number, item: Delivery): void {
    if (item === GOODBYE) {
      this.#peerLost(source, `PE ${source} closed its ucx transport`);
    } else if (!this.#lost.has(source)) {
      this.#context.events.onFrame(source, item);
    }
  }

  #peerLost(pe: number, reason: string): void {
    if (this.closed || this.#lost.has(pe)) return;
    this.#lost.add(pe);
    this.#watch.delete(pe);
    this.#assembler.dropSource(pe);
    this.#context.events.onPeerLost(pe, reason);
  }

  readonly #checkLocalPeers = (): void => {
    if (this.closed) return;
    for (const { pe, pid } of this.#watch.gone()) {
      this.#native?.disconnect(pe);
      this.#peerLost(pe, `ucx: the process of PE ${pe} (pid ${pid}) is gone`);
    }
  };

  readonly #onPeerError = (pe: number, message: string): void => {
    this.#peerLost(pe, `ucx: ${message}`);
  };

  readonly #onProtocolError = (message: string): void => {
    if (!this.closed) this.#context.events.onProtocolError(message);
  };

  readonly #onWake = (): void => {
    this.#clearWakeTimer();
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = undefined;
    this.#native?.disarm();
    wake();
  };

  #clearWakeTimer(): void {
    if (this.#wakeTimer !== undefined) {
      clearTimeout(this.#wakeTimer);
      this.#wakeTimer = undefined;
    }
  }
}
