/**
 * Hands a chare its runtime record while its constructor runs, so that user constructors can
 * already use `thisProxy`, `thisIndex` and `contribute`. Chare constructors cannot take the
 * record as an argument (user subclasses call `super()` without it), so the runtime places it
 * in this slot for the duration of the synchronous `new`.
 */
import { BadStateError } from '../errors.js';
import type { ElementRecord } from '../runtime/element.js';

let pending: ElementRecord | undefined;

/** Constructs `cls` with `args`, giving the new chare `record`. */
export function constructChare<T>(cls: new (...args: never[]) => T, args: readonly unknown[], record: ElementRecord): T {
  const previous = pending;
  pending = record;
  try {
    return new cls(...(args as never[]));
  } finally {
    pending = previous;
  }
}

/** Called by the chare base constructor: the record being constructed. */
export function takeConstructionRecord(className: string): ElementRecord {
  const record = pending;
  if (record === undefined) {
    throw new BadStateError(`${className} is a chare: create it with charm.createChare/createGroup/createArray, not with new`);
  }
  pending = undefined;
  return record;
}
