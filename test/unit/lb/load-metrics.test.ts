import t from 'tap';
import {
  assignmentErrors,
  countMigrations,
  currentAssignment,
  idealLoad,
  loadMetrics,
  lowerBound,
  peLoads,
} from '../../../src/lb/load-metrics.js';
import type { LbProblem } from '../../../src/lb/strategy.js';

// PE 0: speed 1, background 1. PE 1: speed 2. PE 2: unavailable, holds a fixed object.
const problem: LbProblem = {
  objects: [
    { id: 0, load: 4, pe: 0, migratable: true },
    { id: 1, load: 2, pe: 0, migratable: true },
    { id: 2, load: 2, pe: 1, migratable: true },
    { id: 3, load: 3, pe: 2, migratable: false },
    { id: 4, load: 1, pe: 2, migratable: true },
  ],
  pes: [
    { id: 0, speed: 1, background: 1, available: true, host: 0 },
    { id: 1, speed: 2, background: 0, available: true, host: 0 },
    { id: 2, speed: 1, background: 0, available: false, host: 1 },
  ],
};

t.test('PE loads: background plus load / speed', async (t) => {
  t.same(Array.from(peLoads(problem)), [7, 1, 4]);
  t.same(Array.from(peLoads(problem, Int32Array.from([1, 0, 1, 2, 0]))), [4, 3, 3]);
});

t.test('ideal load: available PEs only, without fixed objects stuck on unavailable PEs', async (t) => {
  // (1 * 1 + 0 * 2 + 4 + 2 + 2 + 1) / (1 + 2) = 10 / 3
  t.equal(idealLoad(problem), 10 / 3);
  t.equal(idealLoad({ objects: [], pes: [{ id: 0, speed: 1, background: 0, available: false, host: 0 }] }), 0);
});

t.test('lower bound: the largest of ideal load, fixed load, and the heaviest object alone', async (t) => {
  // Fixed: PE 2 holds 3. Heaviest migratable (4) finishes at min(1 + 4, 0 + 2) = 2.
  t.equal(lowerBound(problem), Math.max(10 / 3, 3, 2));
});

t.test('metrics of the current placement and of a decision', async (t) => {
  const now = loadMetrics(problem);
  t.equal(now.maxLoad, 7);
  t.equal(now.minLoad, 1);
  t.equal(now.maxAvgRatio, 7 / (10 / 3));
  t.equal(now.migrations, 0);
  const decision = Int32Array.from([1, 0, 0, 2, 1]);
  const after = loadMetrics(problem, decision);
  t.same(Array.from(peLoads(problem, decision)), [5, 2.5, 3]);
  t.equal(after.maxLoad, 5);
  t.equal(after.migrations, 4 - 1, 'objects 0, 1, 4 move; 2 and 3 stay');
  t.equal(after.migratedLoad, 7);
  t.equal(countMigrations(problem, decision), 3);
  t.same(Array.from(currentAssignment(problem)), [0, 0, 1, 2, 2]);
});

t.test('an empty problem has ratio 1', async (t) => {
  t.equal(loadMetrics({ objects: [], pes: [{ id: 0, speed: 1, background: 0, available: true, host: 0 }] }).maxAvgRatio, 1);
});

t.test('assignment errors name each kind of mistake', async (t) => {
  t.same(assignmentErrors(problem, currentAssignment(problem)), [], 'keeping everything is valid');
  t.match(assignmentErrors(problem, new Int32Array(2)), [/2 entries for 5 objects/]);
  t.match(assignmentErrors(problem, Int32Array.from([0, 0, 3, 2, 0])), [/object 2 assigned to PE 3/]);
  t.match(assignmentErrors(problem, Int32Array.from([0, 0, 1, 0, 0])), [/non-migratable object 3 moved/]);
  t.match(assignmentErrors(problem, Int32Array.from([2, 0, 1, 2, 0])), [/object 0 moved onto unavailable PE 2/]);
});
