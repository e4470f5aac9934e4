/**
 * The one interface every transport implements, and the lifecycle base class they share.
 *
 * A transport moves {@link Frame}s between PEs. It knows nothing of chares, entry methods or
 * the envelope: the codec turns messages into frames, the runtime picks a transport per
 * destination PE. Contract every transport must keep:
 *
 * - **Reliable and FIFO per PE pair**: frames from PE a to PE b arrive exactly once, complete,
 *   and in the order `send` was called. A transport whose wire does not keep that order (UCX
 *   lets a small eager message overtake a large rendezvous one) restores it itself.
 * - **Ownership**: a frame's segments are handed over by `send`; the caller must not modify
 *   them afterwards (the transport may write them out later, without copying). A received
 *   frame's segments belong to the receiver: the transport never reuses that memory.
 * - **Errors are reported, not thrown across the wire**: a peer that vanishes or sends garbage
 *   is reported through {@link TransportEvents.onPeerLost} / {@link TransportEvents.onProtocolError}.
 */

import type { OutgoingHeader } from './header-scratch.js';

/** One message on the wire: a small header and zero or more raw byte segments (views, never copied by the codec). */
export interface Frame {
  /** Encoded envelope (msgpack plus segment table). */
  readonly header: Uint8Array;
  /** Raw payload segments (typed-array bytes), in the order the header's segment table lists them. */
  readonly segments: readonly Uint8Array[];
  /**
   * The header's memory as 32-bit words from its first byte, where the transport has such a view
   * (headers it lends, which start aligned): decoders read aligned fields with one load each.
   */
  readonly words?: Uint32Array;
}

/** What a transport reports to the runtime that owns it. */
export interface TransportEvents {
  /**
   * A complete frame from PE `from`. Called on the PE's thread, in per-sender order. A transport
   * configured to lend headers (the shm transport's `lentHeaderBytes`) reuses the header of a
   * frame without segments once this returns: decode it here, and copy what is kept.
   */
  onFrame(from: number, frame: Frame): void;
  /** The connection to `pe` is gone (closed, reset, timed out). Fatal for the job. */
  onPeerLost(pe: number, reason: string): void;
  /** Something arrived that is not a valid frame, or an unauthenticated party tried to connect. Logged; not fatal. */
  onProtocolError(reason: string): void;
}

/** Identity and secrets a transport needs to start. */
export interface TransportContext {
  /** This PE's rank. */
  readonly pe: number;
  /** Total PEs in the job. */
  readonly numPes: number;
  /** Per-job secret (hex). Connections that do not prove knowledge of it are refused. */
  readonly secret: string;
  /** Interface to listen on, e.g. "127.0.0.1" on a single host, "0.0.0.0" for a job across hosts. */
  readonly listenHost: string;
  /** Name or address peers on other hosts reach this PE by, when it differs from `listenHost`. */
  readonly advertiseHost?: string;
  /**
   * Identity of this PE's host within the job (e.g. its nodelist name), when the launcher knows
   * it: PEs with different identities are on different hosts even if they share a hostname.
   */
  readonly hostId?: string;
  /** Event sink. */
  readonly events: TransportEvents;
}

/**
 * A transport between PEs. Lifecycle: `listen` (publish the returned address through the
 * rendezvous) -> `connect` (all peers' addresses) -> `send` / `poll` -> `close`.
 */
export interface Transport {
  /** Short name used by `++transport` and in diagnostics ("ws", "ucx", ...). */
  readonly name: string;
  /** Starts accepting connections; resolves to this PE's address, an opaque string for peers. */
  listen(): Promise<string>;
  /**
   * Establishes connectivity with the peers this transport will serve. `peers` maps PE rank to
   * the address that PE's `listen` returned. Resolves once every listed peer can be sent to.
   */
  connect(peers: ReadonlyMap<number, string>): Promise<void>;
  /** Queues `frame` for PE `pe`. Never blocks; never throws for a remote failure (see onPeerLost). */
  send(pe: number, frame: Frame): void;
  /**
   * Optional, together with {@link sendHeader}: memory a sender may encode the header of a
   * frame without segments into, instead of allocating one per message.
   */
  readonly outgoingHeader?: OutgoingHeader;
  /**
   * Sends, as `send` would, the frame without segments whose header is the first `length`
   * bytes of {@link outgoingHeader}; the bytes are copied (into the wire, or into a waiting
   * frame of their own) before it returns.
   */
  sendHeader?(pe: number, length: number): void;
  /**
   * Makes progress on a polled transport and delivers whatever arrived; returns how many
   * events it handled. Event-driven transports (ws) do not define it.
   */
  poll?(): number;
  /**
   * For polled transports: arranges for `wake` to be called once, from the event loop, when
   * something may have arrived, so an idle PE can stop polling. Returns false when the caller
   * must poll again right away instead (something is already pending).
   */
  arm?(wake: () => void): boolean;
  /**
   * Takes back a frame this transport delivered, when the receiver keeps nothing of it: its
   * memory may serve the next message (views left on it read as empty). Transports without
   * receive pools do not define it.
   */
  release?(frame: Frame): void;
  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Lifecycle base: makes `close` idempotent and refuses use after close, so concrete
 * transports only fill in `doClose`.
 */
export abstract class TransportBase implements Transport {
  abstract readonly name: string;
  #closing: Promise<void> | undefined;

  /** True once `close` was called. */
  protected get closed(): boolean {
    return this.#closing !== undefined;
  }

  abstract listen(): Promise<string>;
  abstract connect(peers: ReadonlyMap<number, string>): Promise<void>;
  abstract send(pe: number, frame: Frame): void;

  /** Closes the transport once; later calls return the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.doClose();
    return this.#closing;
  }

  /** Releases the concrete transport's resources. Called at most once. */
  protected abstract doClose(): Promise<void>;
}
