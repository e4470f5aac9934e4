/**
 * An element inside an async entry method is not moved until that method finishes: its
 * migration is deferred, messages keep reaching it meanwhile, and afterwards it moves with its
 * state (and its channel) intact.
 */
import { charm, ChareArray, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Mover extends ChareArray<Mover> {
  value = 0;
  async holdUntil(gate: Future<number>): Promise<number> {
    const got = await gate;
    this.value += got;
    return charm.myPe();
  }
  requestMove(pe: number): void {
    this.migrate(pe);
  }
  where(): [number, number] {
    return [charm.myPe(), this.value];
  }
  bump(): void {
    this.value += 1;
  }
}
charm.register(Mover);

charm.start(async () => {
  const pes = charm.numPes();
  if (pes < 2) {
    console.log('OK migration-async on 1 PEs (nothing to move)');
    charm.exit();
    return;
  }
  const movers = charm.createArray(Mover, pes);
  const target = movers.at(0);
  const gate = charm.createFuture<number>();
  const held = target.holdUntil.ret(gate);
  target.requestMove(pes - 1);
  for (let i = 0; i < 5; i++) target.bump();
  checkEqual(await target.where.ret(), [0, 5], 'while its async method waits, the element stays and keeps receiving');
  gate.send(100);
  checkEqual(await held, 0, 'the async method finished on the original PE');
  for (let i = 0; i < 5; i++) target.bump();
  await charm.waitQD();
  checkEqual(await target.where.ret(), [pes - 1, 110], 'then the element moved, with its state, and no message was lost');
  check(true, 'done');
  console.log(`OK migration-async on ${pes} PEs`);
  charm.exit();
});
