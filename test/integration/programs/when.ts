/** when conditions: messages wait until a predicate over the chare's state and the arguments holds. */
import { charm, ChareArray, type WhenConditions } from 'charm4ts';
import { checkEqual } from './check.js';

class Ordered extends ChareArray {
  static when: WhenConditions<Ordered> = {
    step: (self, iteration) => iteration === self.iteration,
    finish: (self, expected) => self.iteration === expected,
  };
  iteration = 0;
  seen: number[] = [];
  step(iteration: number): void {
    this.seen.push(iteration);
    this.iteration++;
  }
  finish(expected: number): number[] {
    return this.seen.slice(0, expected);
  }
}
charm.register(Ordered);

charm.start(async () => {
  const pes = charm.numPes();
  const array = charm.createArray(Ordered, pes + 1);
  const target = array.at(pes);
  const done = target.finish.ret(6);
  for (const i of [5, 3, 4, 0, 2, 1]) target.step(i);
  checkEqual(await done, [0, 1, 2, 3, 4, 5], 'steps ran in iteration order whatever the arrival order');
  const all = charm.createArray(Ordered, pes + 1);
  const allDone = all.finish.awaitable(3);
  for (const i of [2, 1, 0]) all.step(i);
  await allDone;
  console.log(`OK when on ${pes} PEs`);
  charm.exit();
});
