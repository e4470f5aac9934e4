/** Tests the control-protocol parsers (src/control/protocol.ts): every valid message accepted, malformed ones refused with undefined. */
import t from 'tap';
import { ENV, parseControllerMessage, parsePeMessage } from '../../../src/control/protocol.js';

t.test('valid PE messages parse to themselves', async (t) => {
  const messages = [
    { t: 'hello', pe: 0, pid: 12, host: 'h', address: 'ws://127.0.0.1:1', fingerprint: 'ab' },
    { t: 'ready', pe: 3 },
    { t: 'exit', pe: 1, code: 0 },
    { t: 'abort', pe: 2, message: 'boom' },
    { t: 'peerLost', pe: 0, peer: 1, reason: 'closed' },
  ];
  for (const message of messages) t.strictSame(parsePeMessage(JSON.stringify(message)), message, message.t);
});

t.test('malformed PE messages are refused', async (t) => {
  const bad: [string, string][] = [
    ['not JSON', '{'],
    ['null', 'null'],
    ['a number', '5'],
    ['a string', '"hello"'],
    ['no type', '{"pe":0}'],
    ['an unknown type', '{"t":"go","pe":0}'],
    ['hello without fingerprint', JSON.stringify({ t: 'hello', pe: 0, pid: 1, host: 'h', address: 'a' })],
    ['hello with a fractional pe', JSON.stringify({ t: 'hello', pe: 0.5, pid: 1, host: 'h', address: 'a', fingerprint: 'f' })],
    ['hello with a numeric host', JSON.stringify({ t: 'hello', pe: 0, pid: 1, host: 1, address: 'a', fingerprint: 'f' })],
    ['ready with a string pe', JSON.stringify({ t: 'ready', pe: '0' })],
    ['exit without a code', JSON.stringify({ t: 'exit', pe: 0 })],
    ['exit with a fractional code', JSON.stringify({ t: 'exit', pe: 0, code: 1.5 })],
    ['abort without a message', JSON.stringify({ t: 'abort', pe: 0 })],
    ['peerLost without a reason', JSON.stringify({ t: 'peerLost', pe: 0, peer: 1 })],
    ['peerLost with a string peer', JSON.stringify({ t: 'peerLost', pe: 0, peer: '1', reason: 'r' })],
  ];
  for (const [what, text] of bad) t.equal(parsePeMessage(text), undefined, what);
});

t.test('valid controller messages parse to themselves', async (t) => {
  const messages = [{ t: 'peers', addresses: ['a', 'b'], hosts: ['h', 'h'] }, { t: 'go' }, { t: 'shutdown', code: 2 }];
  for (const message of messages) t.strictSame(parseControllerMessage(JSON.stringify(message)), message, message.t);
});

t.test('malformed controller messages are refused', async (t) => {
  const bad: [string, string][] = [
    ['not JSON', 'go'],
    ['null', 'null'],
    ['an unknown type', '{"t":"hello"}'],
    ['peers without hosts', JSON.stringify({ t: 'peers', addresses: [] })],
    ['peers with a string table', JSON.stringify({ t: 'peers', addresses: 'a', hosts: [] })],
    ['shutdown without a code', JSON.stringify({ t: 'shutdown' })],
    ['shutdown with a string code', JSON.stringify({ t: 'shutdown', code: '1' })],
  ];
  for (const [what, text] of bad) t.equal(parseControllerMessage(text), undefined, what);
});

t.test('the launcher environment variables have stable names', async (t) => {
  t.strictSame(ENV, {
    PE: 'CHARM4TS_PE',
    NUM_PES: 'CHARM4TS_NUM_PES',
    CONTROL: 'CHARM4TS_CONTROL',
    SECRET: 'CHARM4TS_SECRET',
    TRANSPORT: 'CHARM4TS_TRANSPORT',
    OPTIONS: 'CHARM4TS_OPTIONS',
    LISTEN_HOST: 'CHARM4TS_LISTEN_HOST',
    PPN: 'CHARM4TS_PPN',
    STDERR_TTY: 'CHARM4TS_STDERR_TTY',
    HOST_ID: 'CHARM4TS_HOST',
    ADVERTISE_HOST: 'CHARM4TS_ADVERTISE_HOST',
    HEARTBEAT_MS: 'CHARM4TS_HEARTBEAT_MS',
  });
});
