import t from 'tap';
import { solveRotate } from '../../../src/lb/strategies/rotate.js';
import type { LbProblem } from '../../../src/lb/strategy.js';

function problem(available: boolean[], placements: number[], fixed: number[] = []): LbProblem {
  return {
    objects: placements.map((pe, id) => ({ id, load: 1, pe, migratable: !fixed.includes(id) })),
    pes: available.map((a, id) => ({ id, speed: 1, background: 0, available: a, host: 0 })),
  };
}

t.test('every object to the next PE, wrapping around', async (t) => {
  t.same(Array.from(solveRotate(problem([true, true, true, true], [0, 1, 2, 3, 3]))), [1, 2, 3, 0, 0]);
});

t.test('unavailable PEs are skipped and vacated', async (t) => {
  t.same(Array.from(solveRotate(problem([true, false, true, false], [0, 1, 2, 3]))), [2, 2, 0, 0]);
});

t.test('non-migratable objects stay', async (t) => {
  t.same(Array.from(solveRotate(problem([true, true, true], [0, 1, 2], [1]))), [1, 1, 0]);
});

t.test('a single available PE keeps its objects and takes the others', async (t) => {
  t.same(Array.from(solveRotate(problem([false, true, false], [0, 1, 2]))), [1, 1, 1]);
});

t.test('no available PE: nothing moves', async (t) => {
  t.same(Array.from(solveRotate(problem([false, false], [0, 1]))), [0, 1]);
});
