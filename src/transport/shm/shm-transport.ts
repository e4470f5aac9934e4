/**
 * The shared-memory transport between PEs that are worker threads of one process (`++ppn`).
 *
 * Every ordered pair of the process's PEs has a ring ({@link ShmRegion}); a frame is written
 * straight from the sender's header and segments into the ring and copied out by the receiver
 * into memory of its own, streaming through the ring when larger than it.
 *
 * - **Reliable and FIFO per PE pair**: one ring per ordered pair, one writer and one reader
 *   each; frames are delivered whole, exactly once, in `send` order.
 * - **`send` never blocks**: what does not fit waits in a per-peer backlog (in order, behind
 *   anything already waiting) and is written by later `send`s and by `poll` (a PE that sends
 *   while parked is woken once the reader has freed space). It never spins for space: the
 *   reader may be a thread that drains only when this one returns to its loop.
 * - **Ownership**: `send` keeps references to the frame's header and segments until they are
 *   in the ring (the caller must not modify them after `send`). A received frame's header and
 *   segments are fresh memory that belongs to the receiver for good (see receive-buffers.ts),
 *   except the header of a small frame without segments when `lentHeaderBytes` asks for it
 *   (valid until `onFrame` returns; see header-scratch.ts).
 * - **Progress**: `poll` flushes backlogs and drains every incoming ring (up to a frame and a
 *   byte budget per ring: a receiver takes what it can handle, the rest waits in the ring and
 *   the sender's backlog); `arm` parks on the PE's doorbell with `Atomics.waitAsync` (see
 *   doorbell.ts for why no wake-up is lost), so an idle PE uses no CPU and its event loop stays
 *   free.
 * - **Lost peers**: a PE whose transport closed is reported once through `onPeerLost`, after
 *   the frames it sent before closing were delivered; frames sent to it are dropped.
 */
import { BadPeError, BadStateError, ProtocolError } from '../../errors.js';
import { TransportBase, type Frame, type TransportContext } from '../transport.js';
import { Doorbell, ringDoorbell } from './doorbell.js';
import { FrameReader } from './frame-reader.js';
import { HeaderScratch, lentHeaderBytesOption, OutgoingHeader } from '../header-scratch.js';
import { checkFrame } from './frame-writer.js';
import { Outbox } from './outbox.js';
import { ReceivePool, type ReceiveBuffers, type ReceivePoolStats } from './receive-buffers.js';
import { Word, type ShmRegion } from './shm-region.js';
import { RingConsumer, RingProducer } from './spsc-ring.js';

/** Tunables of {@link ShmTransport}. */
export interface ShmTransportOptions {
  /**
   * Segments at least this large are received into a buffer of their own, which the pool takes
   * back when the receiver releases it (default 16 KiB). Smaller ones share one block with the
   * header: carved from a slab up to 8 KiB, a fresh allocation above (docs/performance.md,
   * "Copies into and out of shared memory").
   */
  readonly largeSegmentBytes?: number;
  /** Both ends publish progress at least every this many bytes of a large copy (default 64 KiB, a multiple of 8). */
  readonly chunkBytes?: number;
  /** Most frames taken from one ring per `poll` (default 64), so one busy sender cannot starve the others. */
  readonly maxFramesPerPoll?: number;
  /**
   * Bytes after which one `poll` begins no further frame from a ring (default 1 MiB). Frames
   * wait in the ring (and their sender's backlog) rather than in receive memory until the
   * receiver has handled what it took, so released receive buffers are reused instead of
   * every message of a long stream getting fresh memory.
   */
  readonly maxBytesPerPoll?: number;
  /** Receive memory, shared by the incoming rings (default: a {@link ReceivePool}, see receive-buffers.ts). */
  readonly buffers?: ReceiveBuffers;
  /** Most bytes of released receive buffers the default pool keeps for reuse (default 64 MiB). */
  readonly maxRetainedBytes?: number;
  /**
   * Frames without segments whose header has at most this many bytes are lent (default 0: none):
   * the header is read into memory that the next frame from the same PE reuses, so `onFrame`
   * must be done with it when it returns (decode it, copy what it keeps). Such a frame then
   * costs no receive memory and no new view. At most 64 KiB.
   */
  readonly lentHeaderBytes?: number;
}

/** One peer of this PE. */
interface Peer {
  readonly pe: number;
  readonly outbox: Outbox;
  readonly reader: FrameReader;
  readonly closedSlot: number;
  /** Wakes the peer if it is parked. */
  readonly wake: () => void;
  /** Hands a frame from this peer to onFrame; false once the transport closed. */
  readonly deliver: (frame: Frame) => boolean;
  /** Closed (or its ring broke): reported once; frames to it are dropped. */
  lost: boolean;
  /** Its ring is out of step: no longer read. */
  broken: boolean;
}

/** A {@link Transport} between the PEs of one {@link ShmRegion}; see the file comment for its guarantees. */
export class ShmTransport extends TransportBase {
  readonly name = 'shm';
  /** Memory for the header of a frame without segments, sent with {@link sendHeader}. */
  readonly outgoingHeader = new OutgoingHeader();
  readonly #context: TransportContext;
  readonly #region: ShmRegion;
  readonly #local: number;
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  /** Indexed by the peer's local index in the region (undefined for this PE). */
  readonly #peers: (Peer | undefined)[] = [];
  readonly #list: Peer[] = [];
  readonly #doorbell: Doorbell;
  readonly #buffers: ReceiveBuffers;
  #epoch: number;
  /** Peers with a backlog (poll skips flushing while 0). */
  #backlogged = 0;
  #polling = false;

  /** The transport of PE `context.pe`, which must be one of `region`'s PEs. */
  constructor(context: TransportContext, region: ShmRegion, options: ShmTransportOptions = {}) {
    super();
    if (!region.has(context.pe)) throw new BadPeError(context.pe, context.numPes);
    const chunkBytes = options.chunkBytes ?? 64 * 1024;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 8 || chunkBytes % 8 !== 0) throw new RangeError('shm: chunkBytes must be a positive multiple of 8');
    this.#context = context;
    this.#region = region;
    this.#local = context.pe - region.firstPe;
    this.#maxFrames = options.maxFramesPerPoll ?? 64;
    this.#maxBytes = options.maxBytesPerPoll ?? 1 << 20;
    const control = region.control;
    this.#doorbell = new Doorbell(control, region.peWord(this.#local, Word.Parked), region.peWord(this.#local, Word.Doorbell));
    this.#epoch = Atomics.load(control, Word.CloseEpoch);
    this.#buffers = options.buffers ?? new ReceivePool({ maxRetainedBytes: options.maxRetainedBytes });
    const largeSegmentBytes = options.largeSegmentBytes ?? 16 * 1024;
    const lentHeaderBytes = lentHeaderBytesOption('shm', options.lentHeaderBytes);
    for (let local = 0; local < region.count; local++) {
      if (local === this.#local) continue;
      const pe = region.firstPe + local;
      const parkedSlot = region.peWord(local, Word.Parked);
      const bellSlot = region.peWord(local, Word.Doorbell);
      const wake = (): void => ringDoorbell(control, parkedSlot, bellSlot);
      const inbound = new RingConsumer(region, region.ringIndex(local, this.#local));
      const peer: Peer = {
        pe,
        outbox: new Outbox(new RingProducer(region, region.ringIndex(this.#local, local)), control, parkedSlot, bellSlot, chunkBytes),
        reader: new FrameReader(inbound, {
          buffers: this.#buffers,
          largeSegmentBytes,
          chunkBytes,
          onSpaceFreed: wake,
          scratch: lentHeaderBytes > 0 ? new HeaderScratch(lentHeaderBytes) : undefined,
        }),
        closedSlot: region.peWord(local, Word.Closed),
        wake,
        deliver: (frame) => {
          context.events.onFrame(pe, frame);
          return !this.closed;
        },
        lost: false,
        broken: false,
      };
      this.#peers[local] = peer;
      this.#list.push(peer);
    }
  }

  /** The PEs this transport serves (the region's PEs other than this one), in rank order. */
  get peers(): readonly number[] {
    return this.#list.map((p) => p.pe);
  }

  /** True when this transport carries frames to `pe` (a PE of the region other than this one). */
  serves(pe: number): boolean {
    return pe !== this.#context.pe && this.#region.has(pe);
  }

  /** Frames waiting in backlogs because their rings were full (diagnostics and tests). */
  get backlogFrames(): number {
    let frames = 0;
    for (const peer of this.#list) frames += peer.outbox.waiting;
    return frames;
  }

  /** Counters of the default receive pool (undefined with custom `buffers`). */
  get receiveStats(): ReceivePoolStats | undefined {
    return this.#buffers instanceof ReceivePool ? this.#buffers.stats : undefined;
  }

  /** Nothing to open: resolves to "shm:<region id>:<pe>", for diagnostics only. */
  listen(): Promise<string> {
    if (this.closed) return Promise.reject(new BadStateError('the shm transport is closed'));
    return Promise.resolve(`shm:${this.#region.id}:${this.#context.pe}`);
  }

  /** The rings exist already; checks that every listed PE is served by this region (addresses are not needed). */
  connect(peers: ReadonlyMap<number, string>): Promise<void> {
    if (this.closed) return Promise.reject(new BadStateError('the shm transport is closed'));
    for (const pe of peers.keys()) {
      if (pe === this.#context.pe || !this.#region.has(pe)) return Promise.reject(new BadPeError(pe, this.#context.numPes));
    }
    return Promise.resolve();
  }

  /**
   * Writes `frame` into the ring to `pe`, or as much of it as fits, the rest (and any later
   * frame to `pe`) waiting in the backlog. Never blocks. A frame to a closed peer is dropped
   * (the loss is reported once through `onPeerLost`). Throws BadPeError for a PE outside the
   * region and RangeError for a frame no ring can carry.
   */
  send(pe: number, frame: Frame): void {
    checkFrame(frame);
    const peer = this.#openPeer(pe);
    if (peer === undefined) return;
    const waiting = peer.outbox.waiting;
    if (peer.outbox.send(frame)) this.#waited(peer, waiting);
  }

  /**
   * Writes the frame without segments whose header is the first `length` bytes of
   * {@link outgoingHeader} into the ring to `pe`, copying it into a frame of its own when it
   * must wait; otherwise as {@link send}.
   */
  sendHeader(pe: number, length: number): void {
    this.outgoingHeader.check(length);
    const peer = this.#openPeer(pe);
    if (peer === undefined) return;
    const waiting = peer.outbox.waiting;
    if (peer.outbox.sendHeader(this.outgoingHeader, length)) this.#waited(peer, waiting);
  }

  /**
   * The peer `pe`, or undefined when it closed (the loss is reported once). Throws when this
   * transport is closed or `pe` is outside the region.
   */
  #openPeer(pe: number): Peer | undefined {
    if (this.closed) throw new BadStateError('the shm transport is closed');
    const peer = this.#peers[pe - this.#region.firstPe];
    if (peer === undefined || peer.pe !== pe) throw new BadPeError(pe, this.#context.numPes);
    if (peer.lost || Atomics.load(this.#region.control, peer.closedSlot) !== 0) {
      this.#lose(peer, `PE ${pe} closed its shm transport; messages to it are dropped`);
      return undefined;
    }
    return peer;
  }

  /** Something was left waiting for `peer`, whose backlog held `waiting` frames before. */
  #waited(peer: Peer, waiting: number): void {
    if (waiting === 0) this.#backlogged++;
    // Sent while parked (from a timer or a promise continuation, outside a scheduler turn):
    // nothing polls until the doorbell rings, so ask the reader to ring it when it frees space,
    // as arm does, and ring it now if the space is already there.
    if (this.#doorbell.parked) {
      peer.outbox.requestSpace();
      if (peer.outbox.canMove()) this.#doorbell.ring();
    }
  }

  /**
   * Writes backlogs, then drains every incoming ring (at most `maxFramesPerPoll` frames each),
   * delivering frames through `onFrame` in per-sender order. Returns the number of frames
   * delivered, plus one when bytes moved without completing a frame (a large frame streaming
   * through), so that a scheduler keeps polling while there is progress. Re-entrant calls
   * (from inside `onFrame`) return 0.
   */
  poll(): number {
    if (this.closed || this.#polling) return 0;
    this.#polling = true;
    try {
      this.#doorbell.unpark();
      let moved = this.#backlogged > 0 ? this.#flush() : 0;
      let frames = 0;
      for (const peer of this.#list) {
        if (peer.broken) continue;
        frames += this.#read(peer);
        moved += peer.reader.moved;
        if (this.closed) return frames;
      }
      if (Atomics.load(this.#region.control, Word.CloseEpoch) !== this.#epoch) this.#checkClosedPeers();
      return frames + (frames === 0 && moved > 0 ? 1 : 0);
    } finally {
      this.#polling = false;
    }
  }

  /**
   * Parks until something may have arrived: `wake` is called once, from the event loop, after a
   * peer wrote to an incoming ring, freed space this PE's backlog waits for, or closed. Returns
   * false (not parked) when something is already pending: poll again instead.
   */
  arm(wake: () => void): boolean {
    if (this.closed) return true;
    for (const peer of this.#list) peer.reader.releaseConsumed();
    if (!this.#doorbell.park(wake)) return false;
    for (const peer of this.#list) peer.outbox.requestSpace();
    if (this.#pending()) {
      this.#doorbell.unpark();
      return false;
    }
    return true;
  }

  /** Withdraws a successful `arm` (the PE resumed for another reason); `wake` will not be called. */
  disarm(): void {
    this.#doorbell.unpark();
  }

  /**
   * Hands a received frame back: each large segment's memory returns to the receive pool at
   * once, for the next large segment of the same size, and its ArrayBuffer is detached (views
   * left on it read as empty, never as someone else's data). Only for frames this transport
   * delivered, and only when the receiver no longer needs their segments; the header and small
   * segments are left alone. Without it, a frame's memory is simply garbage once unreachable.
   */
  release(frame: Frame): void {
    const segments = frame.segments;
    for (let i = 0; i < segments.length; i++) this.#buffers.release(segments[i]!);
  }

  /** Marks this PE closed for its peers, wakes the parked ones so they notice, drops backlogs. */
  protected doClose(): Promise<void> {
    const control = this.#region.control;
    Atomics.store(control, this.#region.peWord(this.#local, Word.Closed), 1);
    Atomics.add(control, Word.CloseEpoch, 1);
    for (const peer of this.#list) {
      peer.outbox.clear();
      peer.wake();
    }
    this.#backlogged = 0;
    this.#doorbell.release();
    return Promise.resolve();
  }

  /** True when an incoming ring has bytes, a backlog can move, or a peer closed (checked after parking). */
  #pending(): boolean {
    for (const peer of this.#list) {
      if (!peer.broken && peer.reader.pending()) return true;
      if (peer.outbox.canMove()) return true;
    }
    return Atomics.load(this.#region.control, Word.CloseEpoch) !== this.#epoch;
  }

  #flush(): number {
    let moved = 0;
    for (const peer of this.#list) {
      if (peer.outbox.waiting === 0) continue;
      moved += peer.outbox.flush();
      if (peer.outbox.waiting === 0) this.#backlogged--;
    }
    return moved;
  }

  #read(peer: Peer): number {
    try {
      return peer.reader.read(this.#maxFrames, this.#maxBytes, peer.deliver);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      // Both ends are this code: a ring out of step is a bug, and nothing after it can be trusted.
      peer.broken = true;
      this.#context.events.onProtocolError(`${error.message} (from PE ${peer.pe})`);
      this.#lose(peer, `the shm ring from PE ${peer.pe} is corrupt`);
      return 0;
    }
  }

  #checkClosedPeers(): void {
    const control = this.#region.control;
    this.#epoch = Atomics.load(control, Word.CloseEpoch);
    for (const peer of this.#list) {
      if (peer.lost || Atomics.load(control, peer.closedSlot) === 0) continue;
      // Deliver what it sent before closing first; look again at the next poll.
      if (!peer.broken && peer.reader.pending()) {
        this.#epoch = -1;
        continue;
      }
      this.#lose(peer, `PE ${peer.pe} closed its shm transport`);
    }
  }

  #lose(peer: Peer, reason: string): void {
    if (peer.lost) return;
    peer.lost = true;
    if (peer.outbox.clear()) this.#backlogged--;
    if (!this.closed) this.#context.events.onPeerLost(peer.pe, reason);
  }
}
