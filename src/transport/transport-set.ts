/**
 * The transports of one PE and the choice of one per peer. A PE publishes one composite
 * address listing every transport it offers (`shm=...|ucx=...|ws=...`); each pair of PEs then
 * picks, from the two address lists alone (so both ends agree), the best transport they share:
 * the shared-memory rings for threads of one process (same region), UCX when both offer it,
 * else ws. `++transport ws|ucx` restricts what PEs offer to that one transport (threads of one
 * process then use it too); `auto` offers everything available here and says why a faster
 * transport is missing.
 *
 * Frames come to `ctx.events.onFrame`, which must be done with the header of a frame without
 * segments when it returns (the runtime decodes it at once, copying what it keeps): the shm rings
 * and UCX lend such headers up to {@link LENT_HEADER_BYTES} bytes instead of giving each its own
 * memory.
 */
import { BadFlagError, TransportUnavailableError } from '../errors.js';
import { attachShmRegion, ShmTransport, type ShmRegionDescription } from './shm/index.js';
import type { Transport, TransportContext } from './transport.js';
import { applyUcxEnvironment, loadUcxAddon, UcxTransport } from './ucx/index.js';
import { WsTransport } from './ws/ws-transport.js';

/** Transport names `++transport` accepts. */
export const TRANSPORT_NAMES = ['auto', 'ucx', 'ws'] as const;

/** Headers of frames without segments up to this size are lent by the shm and UCX transports (a compact call with small arguments). */
export const LENT_HEADER_BYTES = 4096;

/** Transports in order of preference between two PEs that both offer them. */
const PREFERENCE = ['shm', 'ucx', 'ws'] as const;
type Kind = (typeof PREFERENCE)[number];

/** Parses a composite address into its parts by transport kind. */
export function parseCompositeAddress(address: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of address.split('|')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return parts;
}

/** The shared-memory region an `shm` address names ("shm:<region id>:<pe>"). */
function shmRegionOf(address: string | undefined): string | undefined {
  return address?.split(':')[1];
}

/**
 * The kind two PEs use, from their composite addresses; undefined when they share none. Shared
 * memory needs the same region (threads of one process), not only both offering it.
 */
export function chooseKind(mine: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>): Kind | undefined {
  return PREFERENCE.find((kind) => mine.has(kind) && theirs.has(kind) && (kind !== 'shm' || shmRegionOf(mine.get(kind)) === shmRegionOf(theirs.get(kind))));
}

/** The transports of one PE. */
export class TransportSet {
  readonly #transports = new Map<Kind, Transport>();
  readonly #byPe: (Transport | undefined)[] = [];
  readonly #ctx: TransportContext;
  /** How the set was chosen, e.g. "ucx (ws as fallback)" or "ws (ucx unavailable: ...)". */
  readonly description: string;
  /** Why UCX is not offered, when it was wanted and is missing. */
  readonly ucxUnavailable: string | null;
  #myAddress: Map<string, string> | undefined;

  /**
   * Builds the transports `name` allows; with `auto`, `shmRegion` (the rings of this process's
   * PE threads, when it has more than one) carries frames between them. Throws BadFlagError for
   * an unknown name and TransportUnavailableError when `ucx` is forced and cannot be used
   * (saying why).
   */
  constructor(name: string, ctx: TransportContext, shmRegion?: ShmRegionDescription) {
    this.#ctx = ctx;
    if (!(TRANSPORT_NAMES as readonly string[]).includes(name)) throw new BadFlagError(`unknown transport "${name}" (known: ${TRANSPORT_NAMES.join(', ')})`);
    let ucxUnavailable: string | null = null;
    if (name === 'auto' && shmRegion !== undefined && shmRegion.count > 1) {
      this.#transports.set('shm', new ShmTransport(this.#ctx, attachShmRegion(shmRegion), { lentHeaderBytes: LENT_HEADER_BYTES }));
    }
    if (name === 'ucx' || name === 'auto') {
      applyUcxEnvironment(process.env);
      const ucx = loadUcxAddon();
      if (ucx.available) this.#transports.set('ucx', new UcxTransport(this.#ctx, { addon: ucx.addon, lentHeaderBytes: LENT_HEADER_BYTES }));
      else if (name === 'ucx') throw new TransportUnavailableError(`++transport ucx: ucx unavailable: ${ucx.reason}`);
      else ucxUnavailable = ucx.reason;
    }
    if (name === 'ws' || name === 'auto') this.#transports.set('ws', new WsTransport(this.#ctx));
    this.ucxUnavailable = ucxUnavailable;
    const threads = this.#transports.has('shm') ? 'shm between threads, ' : '';
    this.description =
      name === 'auto'
        ? ucxUnavailable === null
          ? `auto: ${threads}ucx between processes (ws where a peer has no ucx)`
          : `auto: ${threads}ws (ucx unavailable: ${ucxUnavailable})`
        : name;
  }

  /** Every transport of the set. */
  get transports(): readonly Transport[] {
    return [...this.#transports.values()];
  }

  /** The transport serving PE `pe` (after `connect`). */
  transportFor(pe: number): Transport | undefined {
    return this.#byPe[pe];
  }

  /** Starts every transport; resolves to the composite address to publish. */
  async listen(): Promise<string> {
    const parts: string[] = [];
    for (const [kind, transport] of this.#transports) parts.push(`${kind}=${await transport.listen()}`);
    this.#myAddress = parseCompositeAddress(parts.join('|'));
    return parts.join('|');
  }

  /**
   * Picks a transport for every other PE from the published addresses and connects them.
   * Throws TransportUnavailableError when some peer shares no transport with this PE.
   */
  async connect(addresses: readonly string[]): Promise<void> {
    const groups = new Map<Kind, Map<number, string>>();
    addresses.forEach((address, pe) => {
      if (pe === this.#ctx.pe) return;
      const theirs = parseCompositeAddress(address);
      const kind = chooseKind(this.#myAddress!, theirs);
      if (kind === undefined) throw new TransportUnavailableError(`PE ${this.#ctx.pe} and PE ${pe} have no transport in common (${[...this.#myAddress!.keys()].join(', ')} vs ${[...theirs.keys()].join(', ')})`);
      let group = groups.get(kind);
      if (group === undefined) groups.set(kind, (group = new Map()));
      group.set(pe, theirs.get(kind)!);
      this.#byPe[pe] = this.#transports.get(kind);
    });
    await Promise.all([...groups].map(([kind, peers]) => this.#transports.get(kind)!.connect(peers)));
  }

  /** One line per transport in use: which peers it serves. */
  summary(): string {
    const served = new Map<Transport, number[]>();
    this.#byPe.forEach((transport, pe) => {
      if (transport === undefined) return;
      let list = served.get(transport);
      if (list === undefined) served.set(transport, (list = []));
      list.push(pe);
    });
    return [...served].map(([transport, pes]) => `${transport.name} to PE${pes.length > 1 ? 's' : ''} ${pes.join(', ')}`).join('; ') || 'no peers';
  }

  /** Closes every transport. */
  async close(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close()));
  }
}
