/** Async entry methods: while one awaits, other messages to the same chare run. */
import { charm, ChareArray, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Waiter extends ChareArray {
  log: string[] = [];
  gate: Future<number> | undefined;
  async waitForGate(): Promise<number> {
    this.gate = charm.createFuture<number>();
    this.log.push('waiting');
    const value = await this.gate;
    this.log.push(`woke ${value}`);
    return value;
  }
  poke(tag: string): void {
    this.log.push(`poke ${tag}`);
  }
  open(value: number): void {
    check(this.gate !== undefined, 'the gate exists before it is opened');
    this.gate!.send(value);
  }
  history(): string[] {
    return this.log;
  }
}
charm.register(Waiter);

charm.start(async () => {
  const pes = charm.numPes();
  const waiters = charm.createArray(Waiter, pes);
  const last = waiters.at(pes - 1);
  const result = last.waitForGate.ret();
  last.poke('a');
  last.poke('b');
  last.open(42);
  checkEqual(await result, 42, 'the async method finished with the value it awaited');
  checkEqual(await last.history.ret(), ['waiting', 'poke a', 'poke b', 'woke 42'], 'other messages ran while the method awaited');
  console.log(`OK async-entry on ${pes} PEs`);
  charm.exit();
});
