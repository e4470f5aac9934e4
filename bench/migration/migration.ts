/**
 * Migration cost: one chare array element holding typed arrays (1 MiB in all by default, in
 * several arrays, migrated with its fields) hops between PE 0 and PE 1 again and again. Each hop
 * is one migration (pack, send, rebuild, home update) plus one local message that tells the
 * arrived element to go on; a second run with the same local messages and no migration gives
 * that overhead, which is subtracted. For comparison, the same payload also bounces between
 * element 0 and element 1 (on PE 1) as ordinary messages: the one-way time of a message as
 * large as the migrating state. Prints one JSON line per payload size.
 *
 *     charmrun +p2 bench/migration/migration.ts [--bytes 1048576[,...]] [--arrays 4] [--hops 200] [--label NAME]
 *
 * Run it without ++ppn for two processes (the figure the target, under 1 ms per 1 MiB, is for),
 * or with ++ppn 2 for two threads of one process.
 */
import { charm, ChareArray, type Future } from 'charm4ts';

/** The travelling element. Its state is its fields; the typed arrays move as raw segments. */
class Traveller extends ChareArray<Traveller> {
  payload: Float64Array[] = [];
  remaining = 0;
  moving = true;
  done: Future<number> | null = null;

  /** Replaces the payload with `arrays` arrays of `bytes` bytes in all, filled with a pattern. */
  load(bytes: number, arrays: number): void {
    const each = Math.max(1, Math.floor(bytes / 8 / arrays));
    this.payload = Array.from({ length: arrays }, (_v, a) => new Float64Array(each).map((_x, i) => a * 1e6 + i));
  }

  /** Makes `hops` hops (migrations when `moving`, else local messages only), then sends this PE to `done`. */
  tour(hops: number, moving: boolean, done: Future<number>): void {
    this.remaining = hops;
    this.moving = moving;
    this.done = done;
    this._next();
  }

  /** Sends the payload to the other element and back, `hops` one-way messages in all, then sends this PE to `done`. */
  relay(hops: number, done: Future<number>): void {
    this.done = done;
    this.thisProxy.at(1).bounce(hops - 1, this.payload);
  }

  /** One leg of {@link relay}. */
  bounce(remaining: number, payload: Float64Array[]): void {
    if (remaining > 0) this.thisProxy.at(1 - this.thisIndex[0]!).bounce(remaining - 1, payload);
    else this.done!.send(charm.myPe());
  }

  /** Continues the tour (sent by the element to itself). */
  step(): void {
    this._next();
  }

  override migrated(): void {
    this.thisProxy.at(0).step();
  }

  /** Checks the payload survived; returns its total length in doubles. */
  check(): number {
    let doubles = 0;
    this.payload.forEach((array, a) => {
      if (array[array.length - 1] !== a * 1e6 + array.length - 1) throw new Error(`payload array ${a} arrived damaged`);
      doubles += array.length;
    });
    return doubles;
  }

  _next(): void {
    if (this.remaining === 0) {
      this.done!.send(charm.myPe());
      this.done = null;
      return;
    }
    this.remaining--;
    if (this.moving) this.migrate(1 - charm.myPe());
    else this.thisProxy.at(0).step();
  }
}
charm.register(Traveller);

function option(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

charm.start(async (args) => {
  if (charm.numPes() !== 2) {
    console.error('migration: run it on exactly 2 PEs (+p2)');
    charm.exit(2);
    return;
  }
  const sizes = option(args, '--bytes', String(1 << 20)).split(',').map(Number);
  const arrays = Number(option(args, '--arrays', '4'));
  const hops = Number(option(args, '--hops', '200'));
  const label = option(args, '--label', 'processes');
  if (sizes.some((s) => !Number.isSafeInteger(s) || s < 8) || !Number.isSafeInteger(arrays) || arrays < 1 || !Number.isSafeInteger(hops) || hops < 2 || hops % 2 !== 0) {
    console.error('migration: --bytes needs sizes >= 8, --arrays an integer >= 1, --hops an even integer >= 2');
    charm.exit(2);
    return;
  }
  const traveller = charm.createArray(Traveller, 2);
  const tour = async (count: number, moving: boolean | 'message'): Promise<number> => {
    const done = charm.createFuture<number>();
    const started = performance.now();
    if (moving === 'message') traveller.at(0).relay(count, done);
    else traveller.at(0).tour(count, moving, done);
    const pe = await done;
    if (pe !== 0) throw new Error(`the element ended on PE ${pe} after an even number of hops`);
    return (performance.now() - started) / count;
  };
  for (const bytes of sizes) {
    await traveller.at(0).load.ret(bytes, arrays);
    await tour(Math.min(hops, 40), true);
    await tour(Math.min(hops, 40), false);
    const msMigrating = await tour(hops, true);
    const msLocal = await tour(hops, false);
    await tour(Math.min(hops, 40), 'message');
    const msMessage = await tour(hops, 'message');
    const doubles = await traveller.at(0).check.ret();
    console.log(
      JSON.stringify({
        bench: 'migration',
        transport: charm.numPes() > 1 ? charm.transportTo(1) : 'self',
        label,
        bytes: doubles * 8,
        arrays,
        hops,
        usPerHop: msMigrating * 1000,
        usLocalMessage: msLocal * 1000,
        usPerMigration: (msMigrating - msLocal) * 1000,
        usMessageSameSize: msMessage * 1000,
        gbPerSecond: (doubles * 8) / ((msMigrating - msLocal) / 1000) / 1e9,
      }),
    );
  }
  charm.exit(0);
});
