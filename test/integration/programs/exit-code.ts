/** charm.exit(code) from the last PE ends the job with that code. Arguments: the code. */
import { charm, ChareArray } from 'charm4ts';

class Leaver extends ChareArray {
  leave(code: number): void {
    console.log(`PE ${charm.myPe()} exits with ${code}`);
    charm.exit(code);
  }
}
charm.register(Leaver);

charm.start((args) => {
  const leavers = charm.createArray(Leaver, charm.numPes());
  leavers.at(charm.numPes() - 1).leave(Number(args[0] ?? 0));
});
