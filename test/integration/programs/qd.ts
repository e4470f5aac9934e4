/** Quiescence detection: waitQD resolves only after every message chain has run out. */
import { charm, ChareArray } from 'charm4ts';
import { checkEqual } from './check.js';

class Bouncer extends ChareArray<Bouncer> {
  received = 0;
  bounce(hops: number): void {
    this.received++;
    if (hops > 0) this.thisProxy.at((this.thisIndex[0]! + 1) % (2 * charm.numPes())).bounce(hops - 1);
  }
  count(): number {
    return this.received;
  }
}
charm.register(Bouncer);

charm.start(async () => {
  const pes = charm.numPes();
  const n = 2 * pes;
  const bouncers = charm.createArray(Bouncer, n);
  for (let chain = 0; chain < n; chain++) bouncers.at(chain).bounce(200);
  await charm.waitQD();
  const counts = await Promise.all([...Array(n).keys()].map((i) => bouncers.at(i).count.ret()));
  checkEqual(counts.reduce((a, b) => a + b, 0), n * 201, 'quiescence was reached only after all 201-hop chains finished');
  await charm.waitQD();
  console.log(`OK qd on ${pes} PEs`);
  charm.exit();
});
