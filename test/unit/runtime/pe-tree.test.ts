/** Tests PeTree (src/runtime/pe-tree.ts): every tree spans all PEs once, parents and children agree, and node-aware trees cross between hosts once per host. */
import t from 'tap';
import { PeTree } from '../../../src/runtime/pe-tree.js';
import { childrenInRotatedTree } from '../../../src/runtime/spanning-tree.js';

/** Walks the tree from `root`; returns the PEs in visiting order and the edges crossing hosts. */
function walk(tree: PeTree, root: number, hosts: readonly number[]): { seen: number[]; crossings: number; parentsAgree: boolean } {
  const seen: number[] = [];
  let crossings = 0;
  let parentsAgree = tree.parent(root, root) === -1;
  const stack = [root];
  while (stack.length > 0) {
    const pe = stack.pop()!;
    seen.push(pe);
    for (const child of tree.children(root, pe)) {
      if (hosts[child] !== hosts[pe]) crossings++;
      if (tree.parent(root, child) !== pe) parentsAgree = false;
      stack.push(child);
    }
  }
  return { seen, crossings, parentsAgree };
}

const LAYOUTS: [string, number[]][] = [
  ['3 hosts x 4 PEs, host by host', [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]],
  ['2 hosts, uneven', [0, 0, 0, 1, 1]],
  ['hosts interleaved', [0, 1, 2, 0, 1, 2, 0]],
  ['9 hosts of 2 (host tree deeper than one level)', Array.from({ length: 18 }, (_v, pe) => Math.floor(pe / 2))],
];

for (const [name, hosts] of LAYOUTS) {
  t.test(`node-aware: ${name}`, async (t) => {
    const tree = new PeTree(hosts.length);
    tree.setHosts(hosts);
    t.ok(tree.nodeAware);
    const numHosts = new Set(hosts).size;
    for (let root = 0; root < hosts.length; root++) {
      const { seen, crossings, parentsAgree } = walk(tree, root, hosts);
      t.strictSame([...seen].sort((a, b) => a - b), hosts.map((_h, pe) => pe), `root ${root}: every PE once`);
      t.equal(crossings, numHosts - 1, `root ${root}: one crossing per other host`);
      t.ok(parentsAgree, `root ${root}: parents and children agree`);
      t.equal(tree.subtreeSum(root, root, () => 1), hosts.length);
    }
  });
}

t.test('one host, or flat on request: the rotated PE-order tree', async (t) => {
  const one = new PeTree(6);
  one.setHosts([0, 0, 0, 0, 0, 0]);
  const flat = new PeTree(6);
  flat.setHosts([0, 0, 0, 1, 1, 1], false);
  const unset = new PeTree(6);
  for (const tree of [one, flat, unset]) {
    t.notOk(tree.nodeAware);
    for (let root = 0; root < 6; root++) for (let pe = 0; pe < 6; pe++) t.strictSame(tree.children(root, pe), childrenInRotatedTree(root, pe, 6));
  }
});

t.test('a flat tree over 3 hosts crosses hosts more often than the node-aware one', async (t) => {
  const hosts = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
  const flat = new PeTree(12);
  flat.setHosts(hosts, false);
  t.ok(walk(flat, 0, hosts).crossings > 2, `${walk(flat, 0, hosts).crossings} crossings`);
});
