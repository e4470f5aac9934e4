/**
 * k-ary spanning trees over a list of PEs, used by broadcasts, reductions, creation and
 * quiescence detection. The list's first PE is the root; position i has parent (i-1)/k and
 * children k*i+1 .. k*i+k. Trees are computed, never stored or sent.
 */

/** Default branching factor. */
export const DEFAULT_BRANCHING = 4;

/** A spanning tree over `pes` (root first). */
export class SpanningTree {
  readonly #pes: readonly number[];
  readonly #position: Map<number, number>;
  readonly #branching: number;

  constructor(pes: readonly number[], branching = DEFAULT_BRANCHING) {
    if (pes.length === 0) throw new RangeError('a spanning tree needs at least one PE');
    this.#pes = pes;
    this.#branching = branching;
    this.#position = new Map(pes.map((pe, i) => [pe, i]));
  }

  /** Tree over all PEs 0..numPes-1, rooted at `root` (PE order rotated so the root comes first). */
  static overAllPes(numPes: number, root: number, branching = DEFAULT_BRANCHING): SpanningTree {
    const pes = new Array<number>(numPes);
    for (let i = 0; i < numPes; i++) pes[i] = (root + i) % numPes;
    return new SpanningTree(pes, branching);
  }

  /** The root PE. */
  get root(): number {
    return this.#pes[0]!;
  }

  /** Every PE of the tree, root first. */
  get pes(): readonly number[] {
    return this.#pes;
  }

  /** True when `pe` is in the tree. */
  has(pe: number): boolean {
    return this.#position.has(pe);
  }

  /** Parent of `pe`, or -1 for the root. */
  parent(pe: number): number {
    const i = this.#indexOf(pe);
    return i === 0 ? -1 : this.#pes[Math.floor((i - 1) / this.#branching)]!;
  }

  /** Children of `pe`. */
  children(pe: number): number[] {
    const i = this.#indexOf(pe);
    const first = this.#branching * i + 1;
    const result: number[] = [];
    for (let c = first; c < first + this.#branching && c < this.#pes.length; c++) result.push(this.#pes[c]!);
    return result;
  }

  /** Sum of `weight(pe)` over the subtree rooted at `pe`. */
  subtreeSum(pe: number, weight: (pe: number) => number): number {
    let sum = weight(pe);
    for (const child of this.children(pe)) sum += this.subtreeSum(child, weight);
    return sum;
  }

  #indexOf(pe: number): number {
    const i = this.#position.get(pe);
    if (i === undefined) throw new RangeError(`PE ${pe} is not in this spanning tree`);
    return i;
  }
}

/**
 * Children of `pe` in the tree over all PEs rooted at `root` (PE order rotated so the root
 * comes first), computed without building the tree.
 */
export function childrenInRotatedTree(root: number, pe: number, numPes: number, branching = DEFAULT_BRANCHING): number[] {
  const position = (pe - root + numPes) % numPes;
  const first = branching * position + 1;
  const children: number[] = [];
  for (let c = first; c < first + branching && c < numPes; c++) children.push((root + c) % numPes);
  return children;
}

/** Parent of `pe` in the rotated tree over all PEs rooted at `root`, or -1 for the root. */
export function parentInRotatedTree(root: number, pe: number, numPes: number, branching = DEFAULT_BRANCHING): number {
  const position = (pe - root + numPes) % numPes;
  return position === 0 ? -1 : (root + Math.floor((position - 1) / branching)) % numPes;
}
