/**
 * Proof of membership in a job: a token derived from the per-job secret, never the secret
 * itself, compared in constant time. Every connection into a PE or into charmrun must carry one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HTTP header that carries the token on a WebSocket upgrade. */
export const AUTH_HEADER = 'x-charm4ts-auth';
/** HTTP header that names the connecting PE. */
export const PE_HEADER = 'x-charm4ts-pe';

/** Token proving knowledge of `secret` for a connection with `purpose` (e.g. "data:3", "control:3"). */
export function authToken(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`charm4ts/${purpose}`).digest('hex');
}

/** True when `presented` is the token for `purpose`. Constant time in the token's content. */
export function verifyAuthToken(secret: string, purpose: string, presented: string | string[] | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(authToken(secret, purpose), 'utf8');
  const given = Buffer.from(presented, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
