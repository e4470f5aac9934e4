/** Tests SpanningTree and the rotated-tree helpers (src/runtime/spanning-tree.ts): every PE reached once, parent/child consistency, agreement between the two forms. */
import t from 'tap';
import { childrenInRotatedTree, DEFAULT_BRANCHING, parentInRotatedTree, SpanningTree } from '../../../src/runtime/spanning-tree.js';

/** PEs reached from the root by following children, in visiting order. */
function walk(tree: SpanningTree): number[] {
  const seen: number[] = [];
  const stack = [tree.root];
  while (stack.length > 0) {
    const pe = stack.pop()!;
    seen.push(pe);
    if (seen.length > tree.pes.length) break; // a cycle: stop, the caller sees too many
    stack.push(...tree.children(pe));
  }
  return seen;
}

const SIZES = [1, 2, 3, 4, 5, 7, 16, 17, 33, 64, 100];

t.test('default branching is 4', async (t) => {
  t.equal(DEFAULT_BRANCHING, 4);
  t.strictSame(SpanningTree.overAllPes(6, 0).children(0), [1, 2, 3, 4]);
});

t.test('every PE is reached exactly once, for many sizes, roots and branchings', async (t) => {
  let checked = 0;
  for (const n of SIZES) {
    for (const root of new Set([0, 1, n - 1, Math.floor(n / 2)])) {
      if (root >= n) continue;
      for (const k of [1, 2, 3, 4, 8]) {
        const tree = SpanningTree.overAllPes(n, root, k);
        const seen = walk(tree);
        const sorted = [...seen].sort((a, b) => a - b);
        if (seen.length !== n || sorted.some((pe, i) => pe !== i)) {
          t.fail(`n=${n} root=${root} k=${k}: reached [${seen.join(',')}]`);
          return;
        }
        checked++;
      }
    }
  }
  t.pass(`${checked} trees`);
});

t.test('the root has no parent; every other PE is a child of its parent; children counts are bounded', async (t) => {
  for (const n of SIZES) {
    for (const k of [1, 2, 4]) {
      const root = n > 3 ? 3 : 0;
      const tree = SpanningTree.overAllPes(n, root, k);
      if (tree.root !== root || tree.parent(root) !== -1) {
        t.fail(`n=${n} k=${k}: root ${tree.root}, parent of root ${tree.parent(root)}`);
        return;
      }
      for (const pe of tree.pes) {
        const children = tree.children(pe);
        if (children.length > k) t.fail(`n=${n}: PE ${pe} has ${children.length} children`);
        for (const child of children) if (tree.parent(child) !== pe) t.fail(`n=${n}: parent(${child}) is not ${pe}`);
        if (pe !== root && !tree.children(tree.parent(pe)).includes(pe)) t.fail(`n=${n}: ${pe} missing from its parent's children`);
      }
    }
  }
  t.pass('consistent');
});

t.test('depth is logarithmic in the branching factor', async (t) => {
  const tree = SpanningTree.overAllPes(1000, 0, 4);
  let deepest = 0;
  for (const pe of tree.pes) {
    let depth = 0;
    for (let p = pe; p !== 0; p = tree.parent(p)) depth++;
    deepest = Math.max(deepest, depth);
  }
  t.ok(deepest <= 5, `depth ${deepest} for 1000 PEs, branching 4`);
});

t.test('a tree over an arbitrary PE list roots at its first PE', async (t) => {
  const tree = new SpanningTree([7, 2, 9, 4, 11, 3], 2);
  t.equal(tree.root, 7);
  t.strictSame(tree.children(7), [2, 9]);
  t.strictSame(tree.children(2), [4, 11]);
  t.strictSame(tree.children(9), [3]);
  t.equal(tree.parent(3), 9);
  t.ok(tree.has(11));
  t.notOk(tree.has(0));
  t.throws(() => tree.parent(0), RangeError, 'a PE not in the tree');
  t.throws(() => tree.children(5), RangeError);
  t.throws(() => new SpanningTree([]), RangeError, 'an empty tree');
});

t.test('subtreeSum adds weights over each subtree', async (t) => {
  const n = 13;
  const tree = SpanningTree.overAllPes(n, 5, 3);
  const weight = (pe: number): number => pe + 1;
  t.equal(tree.subtreeSum(5, weight), (n * (n + 1)) / 2, 'the root sees everything');
  for (const pe of tree.pes) {
    const own = tree.children(pe).reduce((sum, child) => sum + tree.subtreeSum(child, weight), weight(pe));
    t.equal(tree.subtreeSum(pe, weight), own, `PE ${pe}`);
  }
});

t.test('rotated-tree helpers agree with SpanningTree.overAllPes', async (t) => {
  let mismatches = 0;
  for (const n of SIZES) {
    for (let root = 0; root < n; root += Math.max(1, Math.floor(n / 5))) {
      for (const k of [2, 4]) {
        const tree = SpanningTree.overAllPes(n, root, k);
        for (let pe = 0; pe < n; pe++) {
          const children = childrenInRotatedTree(root, pe, n, k);
          const parent = parentInRotatedTree(root, pe, n, k);
          if (JSON.stringify(children) !== JSON.stringify(tree.children(pe)) || parent !== tree.parent(pe)) {
            mismatches++;
            if (mismatches < 5) t.fail(`n=${n} root=${root} k=${k} pe=${pe}: children [${children}] vs [${tree.children(pe)}], parent ${parent} vs ${tree.parent(pe)}`);
          }
        }
      }
    }
  }
  t.equal(mismatches, 0, 'no mismatches');
  t.strictSame(childrenInRotatedTree(2, 2, 4), [3, 0, 1], 'default branching, root 2 of 4');
  t.equal(parentInRotatedTree(2, 1, 4), 2);
  t.equal(parentInRotatedTree(0, 0, 1), -1, 'a one-PE job');
  t.strictSame(childrenInRotatedTree(0, 0, 1), []);
});
