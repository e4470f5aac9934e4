/** User mistakes fail at the call with a clear error and code: unserializable values, unknown methods, bad arguments, bad PEs, unregistered classes. */
import { charm, Chare, ChareArray, CharmError, type Future } from 'charm4ts';
import { check, checkEqual } from './check.js';

class Target extends ChareArray {
  take(value: unknown): void {
    void value;
  }
  pair(a: number, b: number): number {
    return a + b;
  }
  giveBack(): unknown {
    return () => 1;
  }
}
class NotRegistered extends Chare {}
class Point {
  constructor(readonly x: number) {}
}
charm.register(Target);

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof CharmError) return `${error.code}: ${error.message}`;
    return `not a CharmError: ${String(error)}`;
  }
  return 'no error';
}

charm.start(async () => {
  const pes = charm.numPes();
  const targets = charm.createArray(Target, pes);
  const far = targets.at(pes - 1);
  const fn = codeOf(() => far.take({ nested: [1, () => 2] }));
  check(fn.startsWith('CHARM_ERR_UNSERIALIZABLE') && fn.includes('[0].nested[1]'), `a function is refused with its path: ${fn}`);
  const inst = codeOf(() => far.take(new Point(1)));
  check(inst.startsWith('CHARM_ERR_UNSERIALIZABLE') && inst.includes('Point'), `a class instance is refused by name: ${inst}`);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  check(codeOf(() => far.take(cyclic)).startsWith('CHARM_ERR_UNSERIALIZABLE'), 'a cyclic value is refused');
  const unknown = codeOf(() => (far as unknown as { nope(): void }).nope());
  check(unknown.startsWith('CHARM_ERR_UNKNOWN_ENTRY_METHOD') && unknown.includes('"nope"'), `an unknown entry method is named: ${unknown}`);
  const few = codeOf(() => (far.pair as unknown as (a: number) => void)(1));
  check(few.startsWith('CHARM_ERR_BAD_ARGUMENTS') && few.includes('takes 2 arguments, got 1'), `too few arguments are refused: ${few}`);
  const many = codeOf(() => (far.pair as unknown as (a: number, b: number, c: number) => void)(1, 2, 3));
  check(many.startsWith('CHARM_ERR_BAD_ARGUMENTS') && many.includes('takes 2 arguments, got 3'), `too many arguments are refused: ${many}`);
  check(codeOf(() => charm.createChare(NotRegistered)).startsWith('CHARM_ERR_NOT_REGISTERED'), 'an unregistered class is refused');
  check(codeOf(() => charm.createChare(NotRegistered as never, { onPe: pes })).startsWith('CHARM_ERR_'), 'creating on a PE that does not exist is refused');
  checkEqual(codeOf(() => targets.at(pes)).split(':')[0], 'CHARM_ERR_INDEX_OUT_OF_RANGE', 'an index outside the array is refused');
  try {
    await far.giveBack.ret();
    check(false, 'an unserializable return value rejects');
  } catch (error) {
    checkEqual((error as { remoteCode?: string }).remoteCode, 'CHARM_ERR_UNSERIALIZABLE', 'an unserializable return value reaches the caller as an error');
  }
  const future: Future<unknown> = charm.createFuture();
  check(codeOf(() => future.send(Symbol('x'))).startsWith('CHARM_ERR_UNSERIALIZABLE'), 'sending a symbol to a future is refused');
  console.log(`OK bad-input on ${pes} PEs`);
  charm.exit();
});
