/**
 * Sections: subsets of a collection that can be broadcast to and reduced over. The PE that
 * creates a section is its root; the PEs that are home to its members form its tree, and each
 * learns once (at creation) its members, parent, children and subtree count.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Collection } from './collection.js';
import { indexKey, type Index } from './index-space.js';
import { Kind, type BroadcastMessage, type SectionAddress, type SectionCreateMessage } from './message.js';
import type { PeContext } from './pe-context.js';
import type { SectionSlice } from './proxy-types.js';
import type { ReductionManager } from './reduction-manager.js';
import { SpanningTree } from './spanning-tree.js';

/** What one PE knows of a section. */
export interface SectionRecord {
  readonly address: SectionAddress;
  /** Members homed on this PE. */
  readonly members: readonly Index[];
  /** Child PEs in the section's tree. */
  readonly children: readonly number[];
}

/** The sections known on one PE. */
export class SectionManager {
  readonly #ctx: PeContext;
  readonly #reductions: ReductionManager;
  readonly #records = new Map<number, SectionRecord>();
  readonly #early = new Map<number, BroadcastMessage[]>();
  #nextSeq = 0;

  constructor(ctx: PeContext, reductions: ReductionManager) {
    this.#ctx = ctx;
    this.#reductions = reductions;
  }

  /** The section `id` if this PE is in its tree. */
  get(id: number): SectionRecord | undefined {
    return this.#records.get(id);
  }

  /** Creates a section of `coll` rooted at this PE; throws on invalid or duplicate members. */
  create(coll: Collection, spec: unknown): SectionAddress {
    const members = expandMembers(coll, spec);
    const { myPe, numPes } = this.#ctx;
    const address: SectionAddress = { id: -(this.#nextSeq++ * numPes + myPe) - 1, coll: coll.id, root: myPe };
    const byHome = new Map<number, Index[]>();
    for (const index of members) {
      const home = coll.homeOf(index);
      let list = byHome.get(home);
      if (list === undefined) byHome.set(home, (list = []));
      list.push(index);
    }
    const pes = [myPe, ...[...byHome.keys()].filter((pe) => pe !== myPe).sort((a, b) => a - b)];
    const tree = new SpanningTree(pes);
    const count = (pe: number): number => byHome.get(pe)?.length ?? 0;
    for (const pe of pes) {
      const message: SectionCreateMessage = {
        kind: Kind.SectionCreate,
        section: address,
        members: byHome.get(pe) ?? [],
        parent: tree.parent(pe),
        children: tree.children(pe),
        subtreeCount: tree.subtreeSum(pe, count),
      };
      if (pe === myPe) this.receiveCreate(message, () => undefined);
      else this.#ctx.send(pe, message);
    }
    return address;
  }

  /** Registers a section at this PE; `replay` re-handles broadcasts that waited for it. */
  receiveCreate(message: SectionCreateMessage, replay: (message: BroadcastMessage) => void): void {
    const { section } = message;
    this.#records.set(section.id, { address: section, members: message.members, children: message.children });
    this.#reductions.defineScope({ id: section.id, coll: section.coll, section, parent: message.parent, subtreeCount: message.subtreeCount });
    const early = this.#early.get(section.id);
    if (early === undefined) return;
    this.#early.delete(section.id);
    for (const held of early) replay(held);
  }

  /** Holds a broadcast for a section not registered here yet. */
  hold(message: BroadcastMessage): void {
    let early = this.#early.get(message.section);
    if (early === undefined) this.#early.set(message.section, (early = []));
    early.push(message);
  }
}

/** Expands a section spec (a list of indices, or per-dimension ranges) into validated, distinct indices. */
export function expandMembers(coll: Collection, spec: unknown): Index[] {
  const list = isSlice(spec) ? expandSlice(coll, spec) : spec;
  if (!Array.isArray(list)) throw new InvalidArgumentError('a section is given by a list of indices or by { ranges: [[start, stop, step?], ...] }');
  const seen = new Set<string>();
  const members: Index[] = [];
  for (const raw of list as unknown[]) {
    const index = (typeof raw === 'number' ? [raw] : raw) as unknown[];
    if (!Array.isArray(index)) throw new InvalidArgumentError(`section member ${JSON.stringify(raw)} is not an index`);
    const valid = coll.checkIndex(index);
    const key = indexKey(valid);
    if (seen.has(key)) throw new InvalidArgumentError(`section lists member [${valid.join(',')}] twice`);
    seen.add(key);
    members.push(valid);
  }
  if (members.length === 0) throw new InvalidArgumentError('a section needs at least one member');
  return members;
}

function isSlice(spec: unknown): spec is SectionSlice {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && Array.isArray((spec as SectionSlice).ranges);
}

function expandSlice(coll: Collection, slice: SectionSlice): Index[] {
  const dims = coll.spec.kind === 'group' ? [coll.numPes] : coll.spec.dims;
  if (dims === null) throw new InvalidArgumentError('sections of sparse arrays are given by a list of indices');
  if (slice.ranges.length !== dims.length) throw new InvalidArgumentError(`the section has ${slice.ranges.length} ranges for ${dims.length} dimensions`);
  let indices: number[][] = [[]];
  slice.ranges.forEach(([start, stop, step = 1], d) => {
    if (![start, stop, step].every(Number.isInteger) || step <= 0 || start < 0 || stop > dims[d]! || start >= stop) {
      throw new InvalidArgumentError(`section range ${d} [${start}, ${stop}) step ${step} is not within 0..${dims[d]} with a positive step`);
    }
    const next: number[][] = [];
    for (const prefix of indices) for (let i = start; i < stop; i += step) next.push([...prefix, i]);
    indices = next;
  });
  return indices;
}
