/**
 * The spanning trees over all PEs that creation, broadcasts and collection reductions travel
 * along, rooted at any PE. Flat (PE order rotated to the root, 4-ary) on one host; across hosts
 * node-aware by default: a tree over hosts joins one leader PE per host (the root on its own
 * host, the lowest PE elsewhere), and each leader heads a tree over its own host's PEs. A
 * message then crosses between hosts once per host, and the deep, many-message part of every
 * tree stays inside a host (as Charm++'s and pPython's node-aware collectives do). Every PE
 * computes the same tree from the same host table; nothing is stored per root.
 */
import { childrenInRotatedTree, DEFAULT_BRANCHING, parentInRotatedTree } from './spanning-tree.js';

interface HostLayout {
  /** Host of each PE, dense from 0. */
  readonly hostOf: Int32Array;
  /** PEs of each host, ascending. */
  readonly pes: readonly (readonly number[])[];
  /** Position of each PE within its host's list. */
  readonly slot: Int32Array;
}

/** Spanning trees over the PEs of one job. */
export class PeTree {
  readonly #numPes: number;
  readonly #branching: number;
  #layout: HostLayout | null = null;

  constructor(numPes: number, branching = DEFAULT_BRANCHING) {
    this.#numPes = numPes;
    this.#branching = branching;
  }

  /**
   * Sets the host of every PE (any numbering); trees become node-aware when there are two or
   * more hosts and `nodeAware` holds. Every PE must be given the same table before any tree is used.
   */
  setHosts(hosts: readonly number[], nodeAware = true): void {
    const dense = new Map<number, number>();
    const hostOf = new Int32Array(hosts.length);
    hosts.forEach((h, pe) => {
      if (!dense.has(h)) dense.set(h, dense.size);
      hostOf[pe] = dense.get(h)!;
    });
    if (!nodeAware || dense.size < 2 || hosts.length !== this.#numPes) {
      this.#layout = null;
      return;
    }
    const pes: number[][] = Array.from({ length: dense.size }, () => []);
    const slot = new Int32Array(hosts.length);
    hostOf.forEach((h, pe) => {
      slot[pe] = pes[h]!.length;
      pes[h]!.push(pe);
    });
    this.#layout = { hostOf, pes, slot };
  }

  /** True when trees go host by host. */
  get nodeAware(): boolean {
    return this.#layout !== null;
  }

  /** Children of `pe` in the tree rooted at `root`. */
  children(root: number, pe: number): number[] {
    const layout = this.#layout;
    if (layout === null) return childrenInRotatedTree(root, pe, this.#numPes, this.#branching);
    const host = layout.hostOf[pe]!;
    const within = this.#hostPes(layout, root, host);
    const result: number[] = [];
    if (pe === within.leader) {
      const hosts = layout.pes.length;
      const rootHost = layout.hostOf[root]!;
      for (const childHost of childrenInRotatedTree(rootHost, host, hosts, this.#branching)) result.push(this.#leader(layout, root, childHost));
    }
    for (const position of childPositions(within.position(pe), within.size, this.#branching)) result.push(within.at(position));
    return result;
  }

  /** Parent of `pe` in the tree rooted at `root`, or -1 for the root. */
  parent(root: number, pe: number): number {
    const layout = this.#layout;
    if (layout === null) return parentInRotatedTree(root, pe, this.#numPes, this.#branching);
    const host = layout.hostOf[pe]!;
    const within = this.#hostPes(layout, root, host);
    if (pe !== within.leader) return within.at(Math.floor((within.position(pe) - 1) / this.#branching));
    const parentHost = parentInRotatedTree(layout.hostOf[root]!, host, layout.pes.length, this.#branching);
    return parentHost < 0 ? -1 : this.#leader(layout, root, parentHost);
  }

  /** Sum of `weight` over the subtree of `pe` in the tree rooted at `root`. */
  subtreeSum(root: number, pe: number, weight: (pe: number) => number): number {
    let sum = weight(pe);
    for (const child of this.children(root, pe)) sum += this.subtreeSum(root, child, weight);
    return sum;
  }

  /** The leader of `host` in trees rooted at `root`: the root on its host, else the host's lowest PE. */
  #leader(layout: HostLayout, root: number, host: number): number {
    return layout.hostOf[root] === host ? root : layout.pes[host]![0]!;
  }

  /** The PEs of `host` as a list rotated so that its leader comes first. */
  #hostPes(layout: HostLayout, root: number, host: number) {
    const pes = layout.pes[host]!;
    const leader = this.#leader(layout, root, host);
    const offset = layout.slot[leader]!;
    const size = pes.length;
    return {
      leader,
      size,
      position: (pe: number) => (layout.slot[pe]! - offset + size) % size,
      at: (position: number) => pes[(position + offset) % size]!,
    };
  }
}

function childPositions(position: number, size: number, branching: number): number[] {
  const result: number[] = [];
  for (let c = branching * position + 1; c <= branching * position + branching && c < size; c++) result.push(c);
  return result;
}
