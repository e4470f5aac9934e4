/**
 * HierarchicalLB: two-level balancing, between groups of PEs and then inside each group, so
 * that no single step has to look at every object on every PE at once.
 */

import type { Assignment, LbObject, LbPe, LbProblem, Strategy } from '../strategy.js';
import { solveGreedyRefine } from './greedy-refine.js';
import { solveRefine } from './refine.js';
import { numberOption } from './support.js';

/** Options of HierarchicalLB. */
export interface HierarchicalOptions {
  /**
   * PEs per group: PE p is in group floor(p / groupSize). When absent, PEs are grouped by
   * host if they span two or more hosts, else in groups of ceil(sqrt(P)).
   */
  readonly groupSize?: number;
  /**
   * Tolerance of the refinement between groups (see RefineLB). At least 1; default 1, i.e. as
   * even as the objects allow, in steps of 1%.
   */
  readonly groupTolerance?: number;
  /** Strategy run inside each group. Default: GreedyRefineLB with its default tolerance. */
  readonly inner?: Strategy;
}

/**
 * The group of every PE (indexed by PE id), numbered densely from 0 in order of each group's
 * lowest PE id; see `HierarchicalOptions.groupSize` for the rule.
 */
export function peGroups(pes: readonly LbPe[], groupSize?: number): Int32Array {
  const out = new Int32Array(pes.length);
  const hosts = new Map<number, number>();
  for (const pe of pes) if (!hosts.has(pe.host)) hosts.set(pe.host, hosts.size);
  if (groupSize === undefined && hosts.size >= 2) {
    for (const pe of pes) out[pe.id] = hosts.get(pe.host) as number;
    return out;
  }
  const size = groupSize ?? Math.max(1, Math.ceil(Math.sqrt(pes.length)));
  for (const pe of pes) out[pe.id] = Math.floor(pe.id / size);
  return out;
}

/** Which PEs form which group, and each group's capacity. */
interface Layout {
  readonly groupOf: Int32Array;
  /** PE ids of each group, ascending. */
  readonly members: number[][];
  /** Position of each PE within its group. */
  readonly local: Int32Array;
  /** Sum of the speeds of each group's available PEs. */
  readonly speed: Float64Array;
  /** Sum of background * speed over each group's available PEs. */
  readonly work: Float64Array;
}

function layout(problem: LbProblem, groupSize: number | undefined): Layout {
  const { pes } = problem;
  const groupOf = peGroups(pes, groupSize);
  const numGroups = groupOf.reduce((most, g) => Math.max(most, g + 1), 0);
  const members: number[][] = Array.from({ length: numGroups }, () => []);
  const local = new Int32Array(pes.length);
  const speed = new Float64Array(numGroups);
  const work = new Float64Array(numGroups);
  for (const pe of pes) {
    const g = groupOf[pe.id];
    local[pe.id] = members[g].length;
    members[g].push(pe.id);
    if (!pe.available) continue;
    speed[g] += pe.speed;
    work[g] += pe.background * pe.speed;
  }
  return { groupOf, members, local, speed, work };
}

/** Group level: refine objects between groups seen as PEs; returns each object's group. */
function groupLevel(problem: LbProblem, lay: Layout, tolerance: number): Int32Array {
  const { objects, pes } = problem;
  const groupPes: LbPe[] = [];
  for (let g = 0; g < lay.members.length; g++) {
    const usable = lay.speed[g] > 0;
    groupPes.push({
      id: g,
      speed: usable ? lay.speed[g] : 1,
      background: usable ? lay.work[g] / lay.speed[g] : 0,
      available: usable,
      host: g,
    });
  }
  const groupObjects: LbObject[] = objects.map((o) => ({
    id: o.id,
    load: o.migratable || pes[o.pe].available ? o.load : 0,
    pe: lay.groupOf[o.pe],
    migratable: o.migratable,
  }));
  return solveRefine({ objects: groupObjects, pes: groupPes }, tolerance);
}

/** Group interior: each group places its share with `inner`; returns the full assignment. */
function interior(problem: LbProblem, lay: Layout, toGroup: Int32Array, inner: (p: LbProblem) => Assignment): Assignment {
  const { objects, pes } = problem;
  const share: number[][] = lay.members.map(() => []);
  for (const o of objects) share[toGroup[o.id]].push(o.id);
  const assignment = new Int32Array(objects.length);
  share.forEach((ids, g) => {
    if (ids.length === 0) return;
    const own = lay.members[g];
    const outside = own.length;
    const subPes: LbPe[] = own.map((p, i) => ({ id: i, speed: pes[p].speed, background: pes[p].background, available: pes[p].available, host: pes[p].host }));
    subPes.push({ id: outside, speed: 1, background: 0, available: false, host: -1 });
    const subObjects: LbObject[] = ids.map((id, j) => {
      const o = objects[id];
      return { id: j, load: o.load, pe: lay.groupOf[o.pe] === g ? lay.local[o.pe] : outside, migratable: o.migratable };
    });
    const sub = inner({ objects: subObjects, pes: subPes });
    for (let j = 0; j < ids.length; j++) assignment[ids[j]] = sub[j] === outside ? objects[ids[j]].pe : own[sub[j]];
  });
  return assignment;
}

/**
 * Two-level balancing.
 *
 * 1. Group level. Each group becomes one virtual PE whose speed is the sum of its available
 *    PEs' speeds and whose background is their background work spread over that speed, so a
 *    group's load is the ideal load of its PEs. Objects are refined between these virtual
 *    PEs (RefineLB with `groupTolerance`): only overloaded groups give objects away, heaviest
 *    fitting object first, so few objects cross group (host) boundaries.
 * 2. Group interior. Each group then solves its own problem with the `inner` strategy: its
 *    PEs plus one unavailable stand-in PE holding the objects that arrived from other groups,
 *    which the inner strategy must therefore place on the group's PEs.
 *
 * The group step sees G virtual PEs; each interior step sees about n/G objects and P/G PEs
 * and is independent of the others, so on a running job it can be computed by one PE per
 * group in parallel, with only group summaries and the objects that change group going
 * through the top. Run in one process it costs O(n log n + n (S + log G)) per refine pass of
 * the group step plus the inner strategy on each group's share.
 *
 * Quality: each group can only split the objects it holds, so with few objects per PE the
 * result trails a global GreedyLB (a group left with a few coarse objects per PE cannot split
 * them evenly); with many objects per PE it comes close. Non-migratable objects stay;
 * unavailable PEs are vacated and get nothing.
 */
export function solveHierarchical(problem: LbProblem, options: HierarchicalOptions = {}): Assignment {
  const lay = layout(problem, options.groupSize);
  const inner = options.inner ? options.inner.solve : (p: LbProblem) => solveGreedyRefine(p);
  return interior(problem, lay, groupLevel(problem, lay, options.groupTolerance ?? 1), inner);
}

/** HierarchicalLB. Throws `InvalidArgumentError` for a bad group size or tolerance. */
export function hierarchicalLB(options: HierarchicalOptions = {}): Strategy {
  const groupSize =
    options.groupSize === undefined
      ? undefined
      : numberOption('HierarchicalLB', 'groupSize', options.groupSize, 1, { min: 1, integer: true });
  const groupTolerance = numberOption('HierarchicalLB', 'groupTolerance', options.groupTolerance, 1, { min: 1 });
  const inner = options.inner;
  return {
    name: 'HierarchicalLB',
    description: 'refines load between PE groups (hosts), then balances inside each group; scales to many PEs',
    solve: (problem) => solveHierarchical(problem, { groupSize, groupTolerance, inner }),
  };
}
