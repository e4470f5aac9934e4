/** An element that calls atSync() twice without waiting for resumeFromSync(): the job must end with a clear error. */
import { charm, ChareArray } from 'charm4ts';

class Eager extends ChareArray<Eager> {
  go(): void {
    this.atSync();
    this.atSync();
  }
}
charm.register(Eager);

charm.start(() => {
  charm.createArray(Eager, 4).go();
});
