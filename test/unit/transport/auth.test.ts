/** Tests job authentication tokens (src/transport/auth.ts): derived from the secret per purpose, verified exactly. */
import t from 'tap';
import { AUTH_HEADER, authToken, PE_HEADER, verifyAuthToken } from '../../../src/transport/auth.js';

t.test('header names are lower-case HTTP headers', async (t) => {
  t.equal(AUTH_HEADER, 'x-charm4ts-auth');
  t.equal(PE_HEADER, 'x-charm4ts-pe');
});

t.test('a token is a deterministic hex digest that does not contain the secret', async (t) => {
  const secret = 'f00dfeedcafe1234';
  const token = authToken(secret, 'data:3');
  t.match(token, /^[0-9a-f]{64}$/);
  t.equal(authToken(secret, 'data:3'), token, 'deterministic');
  t.notOk(token.includes(secret), 'the secret itself is not sent');
});

t.test('tokens differ per purpose and per secret', async (t) => {
  const tokens = new Set([authToken('s', 'data:0'), authToken('s', 'data:1'), authToken('s', 'control:0'), authToken('t', 'data:0')]);
  t.equal(tokens.size, 4);
});

t.test('verifyAuthToken accepts only the exact token for the purpose', async (t) => {
  const secret = 'job-secret';
  const token = authToken(secret, 'control:2');
  t.ok(verifyAuthToken(secret, 'control:2', token));
  t.notOk(verifyAuthToken(secret, 'control:3', token), 'another purpose');
  t.notOk(verifyAuthToken('other', 'control:2', token), 'another secret');
  t.notOk(verifyAuthToken(secret, 'control:2', token.toUpperCase()), 'case matters');
  t.notOk(verifyAuthToken(secret, 'control:2', token.slice(0, -1)), 'one character short');
  t.notOk(verifyAuthToken(secret, 'control:2', `${token}0`), 'one character long');
  t.notOk(verifyAuthToken(secret, 'control:2', ''), 'empty');
  t.notOk(verifyAuthToken(secret, 'control:2', undefined), 'absent');
  t.notOk(verifyAuthToken(secret, 'control:2', [token]), 'a repeated header (array) is refused');
  t.notOk(verifyAuthToken(secret, 'control:2', 'é'.repeat(32)), 'multi-byte text of the same length in characters');
});
