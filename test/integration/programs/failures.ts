/**
 * Failure modes selected by the first argument:
 * abort (charm.abort on the last PE), throw (uncaught error in an entry method),
 * main-throws, hang-until-killed (prints "ready" then waits for the test to kill a PE),
 * escape (an error thrown from a timer callback on the last PE, outside any entry method).
 */
import { charm, ChareArray } from 'charm4ts';

class Victim extends ChareArray {
  abortNow(): void {
    charm.abort(`giving up on PE ${charm.myPe()}`);
  }
  explode(): void {
    throw new TypeError('entry method exploded');
  }
  escapeLater(): void {
    setTimeout(() => {
      throw new RangeError(`escaped from a timer on PE ${charm.myPe()}`);
    }, 10);
  }
  async wait(): Promise<void> {
    console.log(`ready pid ${process.pid} pe ${charm.myPe()}`);
    await charm.sleep(60_000);
  }
}
charm.register(Victim);

charm.start(async (args) => {
  const last = charm.numPes() - 1;
  const victims = charm.createArray(Victim, charm.numPes());
  switch (args[0]) {
    case 'abort':
      victims.at(last).abortNow();
      break;
    case 'throw':
      victims.at(last).explode();
      break;
    case 'main-throws':
      throw new Error('main failed on purpose');
    case 'escape':
      victims.at(last).escapeLater();
      break;
    case 'hang-until-killed':
      victims.wait();
      break;
    default:
      charm.abort(`unknown mode ${args[0]}`);
  }
});
