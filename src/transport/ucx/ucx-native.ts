/**
 * Types of the native UCX addon (native/ucx/, built to build/Release/charm4ts_ucx.node). Only this
 * folder uses them; the rest of charm4ts sees {@link UcxTransport} and the availability loader.
 */

/** Options of the native worker. */
export interface NativeWorkerOptions {
  /** This PE's rank; written into every message as the sender. */
  readonly pe: number;
  /** 32-bit tag derived from the job secret; messages with another tag are refused. */
  readonly tag: number;
  /** Request UCX wakeup support (an event fd), needed by `arm`. */
  readonly wakeup: boolean;
  /** Chunks of at least this many bytes travel alone, zero-copy. */
  readonly splitThreshold: number;
  /** Most bytes of free large receive buffers the pool keeps for reuse, per size class. */
  readonly maxRetainedBytes: number;
  /** Where the control header of each delivered part is written before `onPart` is called. */
  readonly scratch: Uint32Array;
  /**
   * Where the data of a part that is a whole frame of one chunk (a header without segments) is
   * copied when it fits, instead of coming in a buffer of its own.
   */
  readonly lent?: Uint8Array;
  /** Where JavaScript encodes the header that `sendHeader` sends (at most 4096 bytes). */
  readonly outgoing?: Uint8Array;
  /**
   * A part arrived; its control header is in `scratch`, its data is `buffer` (owned by
   * JavaScript), or, without `buffer`, in `lent`. Not called for a lent part that is the last
   * event of a `progress` call (see there).
   */
  readonly onPart: (buffer?: ArrayBuffer) => void;
  /** The endpoint to `pe` failed. Reported once per PE. */
  readonly onPeerError: (pe: number, message: string) => void;
  /** A malformed or foreign message was dropped. */
  readonly onProtocolError: (message: string) => void;
}

/** Receive-buffer pool counters. */
export interface UcxPoolStats {
  /** Blocks handed out since the start. */
  readonly lent: number;
  /** Blocks given back (their ArrayBuffer was freed or detached). */
  readonly returned: number;
  /** Blocks that needed fresh memory. */
  readonly created: number;
  /** Free memory kept for reuse. */
  readonly bytesRetained: number;
  /** Capacity of blocks still reachable from JavaScript or in flight. */
  readonly bytesOutstanding: number;
}

/** What `info()` reports. */
export interface NativeWorkerInfo {
  readonly ucxVersion: string;
  readonly maxChunksPerPart: number;
  readonly maxChunks: number;
  readonly eventFd: number;
}

/** One UCP context and worker. All methods run on the calling (JavaScript) thread. */
export interface NativeUcxWorker {
  /** The worker's address, to be given to peers. */
  address(): Uint8Array;
  info(): NativeWorkerInfo;
  /**
   * Creates the endpoint to `pe` from its worker address. With `errorHandling` the endpoint is in
   * UCX's peer error mode and a failure is reported through `onPeerError`; UCX 1.13 then avoids
   * shared memory, so same-host peers are connected without it. Throws when UCX cannot reach `pe`.
   */
  connect(pe: number, address: Uint8Array, errorHandling: boolean): void;
  /** Closes the endpoint to `pe` at once (it is lost); later sends to it are dropped. */
  disconnect(pe: number): void;
  /** Sends a frame; the chunks are referenced, not copied, until UCX is done with them. */
  send(pe: number, header: Uint8Array, segments: readonly Uint8Array[]): void;
  /** Sends the frame without segments whose header is the first `length` bytes of `outgoing` (copied before it returns). */
  sendHeader(pe: number, length: number): void;
  /**
   * Runs ucp_worker_progress and delivers what arrived; returns the number of events, undefined
   * for none. A negative number -n means n events, the last of which was not delivered: a part
   * that came in the lent memory, whose control header is in the scratch. The caller hands it
   * to its `onPart` (without a buffer) before anything else touches the worker.
   */
  progress(): number | undefined;
  /** Arms the event fd; `wake` is called once from the event loop. False: poll again first. */
  arm(wake: () => void): boolean;
  /** Cancels an `arm`. */
  disarm(): void;
  /** Starts closing every endpoint (graceful: a goodbye then a flush); returns how many are pending. */
  closeEndpoints(force: boolean): number;
  /** Endpoint closes not yet complete. */
  pendingCloses(): number;
  /** Releases every UCX resource now. Idempotent. */
  destroy(): void;
  poolStats(): UcxPoolStats;
  /** Detaches `buffer`, so its memory returns to the pool at once. */
  release(buffer: ArrayBuffer): void;
}

/** The loaded addon module. */
export interface UcxAddon {
  readonly UcxWorker: new (options: NativeWorkerOptions) => NativeUcxWorker;
  /** Version of the libucx the addon runs on, e.g. "1.13.1". */
  readonly ucxVersion: string;
}
