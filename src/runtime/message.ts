/**
 * The envelope: every message one PE sends another (or itself) is one of these kinds.
 * The codec turns them into frames positionally (see {@link MESSAGE_FIELDS}); the runtime
 * dispatches on `kind`.
 */
import type { ReceivedFrame } from './lent-buffers.js';

/** Message kind tags. Values are part of the wire format. */
export const Kind = {
  /** Entry-method call on one chare (array element, group member or singleton). */
  Invoke: 1,
  /** Entry-method call on every element of a collection or section, spread along a PE tree. */
  Broadcast: 2,
  /** Creation of a collection on every PE (spread along a PE tree). */
  Create: 3,
  /** Insertion of one element into a sparse array, sent to the element's home PE. */
  Insert: 4,
  /** A value (or an error) for a future, sent to the PE that owns the future. */
  FutureValue: 5,
  /** A partial reduction result travelling up a reduction tree. */
  Contribute: 6,
  /** "Element X now lives on PE p": updates a sender's location cache. */
  LocationUpdate: 7,
  /** Registration of a section with one of the PEs that are home to its members. */
  SectionCreate: 8,
  /** Quiescence-detection wave, down (probe) or up (report). */
  Quiescence: 9,
  /** Sparse-array insertion is finished: count elements per subtree. */
  DoneInserting: 10,
  /** An array element moving to another PE, with its state. */
  Migrate: 11,
  /** The load-balancing protocol (statistics up, moves down, arrivals, resume). */
  LoadBalance: 12,
  /** Checkpoint: PE 0 asks every PE to write its chares; each answers when done. */
  Checkpoint: 13,
} as const;

/** One of the {@link Kind} values. */
export type KindValue = (typeof Kind)[keyof typeof Kind];

/** Where a future lives: the PE that created it and its number there. */
export interface FutureRef {
  readonly pe: number;
  readonly id: number;
}

/**
 * The target of a reduction result or a callback: a future, one element's entry method, or a
 * broadcast to a collection (or section) entry method.
 */
export type CallbackTarget =
  | { readonly t: 'future'; readonly pe: number; readonly id: number }
  | { readonly t: 'element'; readonly coll: number; readonly index: readonly number[]; readonly ep: number }
  | { readonly t: 'broadcast'; readonly coll: number; readonly section: SectionAddress | null; readonly ep: number }
  | { readonly t: 'allreduce' }
  | { readonly t: 'ack'; readonly pe: number; readonly id: number };

/**
 * Completion acknowledgement of an awaitable broadcast: every member contributes to the
 * reduction `tag` of `scope` when its call completes; the result settles future (pe, id).
 */
export interface AckRequest {
  readonly scope: number;
  readonly tag: string;
  readonly pe: number;
  readonly id: number;
}

/** Enough to route to a section: its id, its collection, and the PE at its root. */
export interface SectionAddress {
  readonly id: number;
  readonly coll: number;
  readonly root: number;
}

/** Collection kinds. */
export type CollectionKind = 'chare' | 'group' | 'array';

/** How a collection is laid out; sent once at creation, identical on every PE. */
export interface CollectionSpec {
  readonly kind: CollectionKind;
  /** Registered class name. */
  readonly cls: string;
  /** Dense array dimensions; [] for groups and singletons; null for sparse arrays. */
  readonly dims: readonly number[] | null;
  /** Number of index dimensions of a sparse array (dims === null). */
  readonly ndims: number;
  /** Registered map name ("block" by default) placing elements on PEs. */
  readonly map: string;
  /** PE of a singleton chare. */
  readonly pe: number;
}

/** Entry-method call on one chare. */
export interface InvokeMessage {
  readonly kind: typeof Kind.Invoke;
  readonly coll: number;
  readonly index: readonly number[];
  /** Entry-method id; negative ids are runtime-internal (see internal-entries). */
  readonly ep: number;
  readonly args: unknown[];
  /** PE that first sent the message (for per-sender ordering across forwarding). */
  readonly src: number;
  /** Per (src PE, element) sequence number; -1 when the target is not an array element. */
  readonly seq: number;
  /** Future that receives the return value (or thrown error); null for fire-and-forget. */
  readonly reply: FutureRef | null;
  /** Set when this call is one member's part of an awaitable broadcast. */
  readonly ack: AckRequest | null;
  /** Number of times this message was forwarded (guards against loops). */
  readonly hops: number;
  /** Set on this PE for a call decoded from a frame with segments (never sent): see lent-buffers.ts. */
  readonly received?: ReceivedFrame;
}

/** Entry-method call on every element of a collection or section. */
export interface BroadcastMessage {
  readonly kind: typeof Kind.Broadcast;
  readonly coll: number;
  /** Section id (always negative), or 0 for the whole collection. */
  readonly section: number;
  readonly ep: number;
  readonly args: unknown[];
  /** PE at the root of the spanning tree this broadcast travels along. */
  readonly root: number;
  /** Completion acknowledgement; null when not awaited. */
  readonly ack: AckRequest | null;
}

/** Creation of a collection. */
export interface CreateMessage {
  readonly kind: typeof Kind.Create;
  readonly coll: number;
  readonly spec: CollectionSpec;
  /** Constructor arguments for every element. */
  readonly args: unknown[];
  /** PE at the root of the creation tree. */
  readonly root: number;
}

/** Insertion of one sparse-array element, handled by its home PE. */
export interface InsertMessage {
  readonly kind: typeof Kind.Insert;
  readonly coll: number;
  readonly index: readonly number[];
  readonly args: unknown[];
  /** PE the element should live on; -1 for its home. */
  readonly pe: number;
  /** Once at the home, the home sets this to true and forwards to `pe`. */
  readonly placed: boolean;
}

/** A value or an error for a future. */
export interface FutureValueMessage {
  readonly kind: typeof Kind.FutureValue;
  readonly id: number;
  /** True for a value, false for an error (then `value` is a {@link SerializedError}). */
  readonly ok: boolean;
  readonly value: unknown;
}

/** An error as it travels: enough to rebuild a useful RemoteError. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  readonly code?: string;
  readonly pe: number;
  readonly where: string;
}

/** A partial reduction result. */
export interface ContributeMessage {
  readonly kind: typeof Kind.Contribute;
  /** Reduction scope: a collection id or a section id. */
  readonly scope: number;
  /** Distinguishes reductions within a scope: "r<redNo>" for user reductions, "a..." for broadcast acks. */
  readonly tag: string;
  readonly reducer: string;
  readonly value: unknown;
  /** Number of element contributions folded into `value`. */
  readonly count: number;
  readonly target: CallbackTarget;
  /** True when this partial comes from a child PE in the tree (false: an element contributing at its home). */
  readonly fromTree: boolean;
}

/** Location-cache update. */
export interface LocationUpdateMessage {
  readonly kind: typeof Kind.LocationUpdate;
  readonly coll: number;
  readonly index: readonly number[];
  readonly pe: number;
  /** Migration count of the element when it was at `pe` (older news is ignored). */
  readonly epoch: number;
}

/** Registration of a section at one PE of its tree. */
export interface SectionCreateMessage {
  readonly kind: typeof Kind.SectionCreate;
  readonly section: SectionAddress;
  /** Members whose home is the receiving PE. */
  readonly members: readonly (readonly number[])[];
  /** Parent PE in the section tree, -1 at the root. */
  readonly parent: number;
  /** Child PEs in the section tree. */
  readonly children: readonly number[];
  /** Members homed in the receiving PE's whole subtree. */
  readonly subtreeCount: number;
}

/** Counting wave: quiescence detection, or the deadlock watchdog's check. */
export interface QuiescenceMessage {
  readonly kind: typeof Kind.Quiescence;
  /** Which detector the wave belongs to. */
  readonly purpose: 'qd' | 'deadlock';
  /** "probe" travels down the PE tree, "report" up, "request" asks PE 0 to detect quiescence. */
  readonly phase: 'probe' | 'report' | 'request';
  readonly wave: number;
  readonly created: number;
  readonly processed: number;
  /** Values awaited in the reporting subtree that only a message could deliver. */
  readonly awaited: number;
  /** Timers (charm.sleep) pending in the reporting subtree. */
  readonly timers: number;
  /** A few descriptions of what is awaited. */
  readonly notes: readonly string[];
  /** On "request": the future to resolve at quiescence. */
  readonly future: FutureRef | null;
}

/** Sparse-array insertion done: subtree counts travel up, the totals come back down. */
export interface DoneInsertingMessage {
  readonly kind: typeof Kind.DoneInserting;
  readonly coll: number;
  /** "start" travels down from the root; "count" travels up with a subtree's number of homed elements. */
  readonly phase: 'start' | 'count';
  readonly count: number;
  readonly root: number;
}

/** An array element moving to the receiving PE. */
export interface MigrateMessage {
  readonly kind: typeof Kind.Migrate;
  readonly coll: number;
  readonly index: readonly number[];
  /** The chare's state: its fields, or what its pack() returned. */
  readonly state: unknown;
  /** True when `state` came from the chare's own pack(). */
  readonly packed: boolean;
  /** The runtime's state of the element (ordering, reductions, held messages, channels). */
  readonly runtime: unknown;
  /** PE to tell when the element has arrived (load balancing), or -1. */
  readonly notify: number;
  /** The element's migration count after this move. */
  readonly epoch: number;
}

/** One object's measurement in a load-balancing step. */
export interface LbObjectReport {
  readonly index: readonly number[];
  /** Seconds of entry-method time since the last step. */
  readonly load: number;
}

/** The load-balancing protocol of one array. */
export interface LoadBalanceMessage {
  readonly kind: typeof Kind.LoadBalance;
  readonly coll: number;
  /** "stats": a PE's objects and background load, to the root; "moves": migrations to make, from the root; "arrived": a moved element landed; "resume": the step is over. */
  readonly phase: 'stats' | 'moves' | 'arrived' | 'resume';
  /** PE that sent the message. */
  readonly from: number;
  readonly step: number;
  readonly objects: readonly LbObjectReport[];
  /** "stats": seconds the PE was busy outside entry methods; "moves": unused. */
  readonly background: number;
  /** "moves": [index, destination PE] pairs. */
  readonly moves: readonly (readonly [readonly number[], number])[];
}

/** Checkpoint writing. */
export interface CheckpointMessage {
  readonly kind: typeof Kind.Checkpoint;
  /** "write": PE 0 asks; "written": a PE answers (ok, or the error that stopped it). */
  readonly phase: 'write' | 'written';
  readonly dir: string;
  readonly from: number;
  readonly ok: boolean;
  readonly error: string;
}

/** Every message kind. */
export type Message =
  | InvokeMessage
  | BroadcastMessage
  | CreateMessage
  | InsertMessage
  | FutureValueMessage
  | ContributeMessage
  | LocationUpdateMessage
  | SectionCreateMessage
  | QuiescenceMessage
  | DoneInsertingMessage
  | MigrateMessage
  | LoadBalanceMessage
  | CheckpointMessage;

/** Field order of each kind on the wire (after the kind tag). */
export const MESSAGE_FIELDS: { readonly [K in KindValue]: readonly string[] } = {
  [Kind.Invoke]: ['coll', 'index', 'ep', 'args', 'src', 'seq', 'reply', 'ack', 'hops'],
  [Kind.Broadcast]: ['coll', 'section', 'ep', 'args', 'root', 'ack'],
  [Kind.Create]: ['coll', 'spec', 'args', 'root'],
  [Kind.Insert]: ['coll', 'index', 'args', 'pe', 'placed'],
  [Kind.FutureValue]: ['id', 'ok', 'value'],
  [Kind.Contribute]: ['scope', 'tag', 'reducer', 'value', 'count', 'target', 'fromTree'],
  [Kind.LocationUpdate]: ['coll', 'index', 'pe', 'epoch'],
  [Kind.SectionCreate]: ['section', 'members', 'parent', 'children', 'subtreeCount'],
  [Kind.Quiescence]: ['purpose', 'phase', 'wave', 'created', 'processed', 'awaited', 'timers', 'notes', 'future'],
  [Kind.DoneInserting]: ['coll', 'phase', 'count', 'root'],
  [Kind.Migrate]: ['coll', 'index', 'state', 'packed', 'runtime', 'notify', 'epoch'],
  [Kind.LoadBalance]: ['coll', 'phase', 'from', 'step', 'objects', 'background', 'moves'],
  [Kind.Checkpoint]: ['phase', 'dir', 'from', 'ok', 'error'],
};

/** Kinds that count as application activity for quiescence detection. */
export function countsForQuiescence(kind: KindValue): boolean {
  return kind !== Kind.Quiescence;
}
