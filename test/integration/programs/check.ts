/**
 * Assertions for test programs: a failed check aborts the whole job with a message, so the
 * test sees a non-zero exit and the reason in stderr.
 */
import { charm } from 'charm4ts';

/** Aborts the job unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (condition) return;
  charm.abort(`check failed: ${message}`);
  throw new Error(`check failed: ${message}`);
}

/** Aborts the job unless `actual` and `expected` are deeply equal (JSON-wise). */
export function checkEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
  const e = JSON.stringify(expected, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
  check(a === e, `${message}: got ${a}, expected ${e}`);
}
