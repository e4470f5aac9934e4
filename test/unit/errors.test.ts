/** Tests the error classes (src/errors.ts): stable codes, instanceof, names, and RemoteError's remote stack. */
import t from 'tap';
import * as errors from '../../src/errors.js';
import {
  BadArgumentsError,
  BadContributionError,
  BadFlagError,
  BadPeError,
  BadReducerError,
  BadStateError,
  CharmError,
  DuplicateElementError,
  DuplicateRegistrationError,
  ErrorCode,
  FutureError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  NotRegisteredError,
  ProtocolError,
  RegistryMismatchError,
  RemoteError,
  TransportUnavailableError,
  UnknownEntryMethodError,
  UnserializableError,
} from '../../src/errors.js';

const REMOTE_INFO = { name: 'TypeError', message: 'x is not a function', stack: 'TypeError: x is not a function\n    at Block.work (block.js:10:5)', pe: 3, where: 'Block[2].work' };

/** One instance of every error class, with the code it must carry. */
const INSTANCES: [Error & { code: string }, string][] = [
  [new BadFlagError('m'), 'CHARM_ERR_BAD_FLAG'],
  [new InvalidArgumentError('m'), 'CHARM_ERR_INVALID_ARGUMENT'],
  [new UnknownEntryMethodError('Block', 'wrok'), 'CHARM_ERR_UNKNOWN_ENTRY_METHOD'],
  [new BadArgumentsError('m'), 'CHARM_ERR_BAD_ARGUMENTS'],
  [new UnserializableError('args[0]', 'a function'), 'CHARM_ERR_UNSERIALIZABLE'],
  [new IndexOutOfRangeError('m'), 'CHARM_ERR_INDEX_OUT_OF_RANGE'],
  [new BadPeError(9, 4), 'CHARM_ERR_BAD_PE'],
  [new NotRegisteredError('m'), 'CHARM_ERR_NOT_REGISTERED'],
  [new DuplicateRegistrationError('m'), 'CHARM_ERR_DUPLICATE_REGISTRATION'],
  [new RegistryMismatchError('m'), 'CHARM_ERR_REGISTRY_MISMATCH'],
  [new FutureError(ErrorCode.FUTURE_NOT_LOCAL, 'm'), 'CHARM_ERR_FUTURE_NOT_LOCAL'],
  [new FutureError(ErrorCode.FUTURE_ALREADY_SET, 'm'), 'CHARM_ERR_FUTURE_ALREADY_SET'],
  [new RemoteError(REMOTE_INFO), 'CHARM_ERR_REMOTE'],
  [new DuplicateElementError('m'), 'CHARM_ERR_DUPLICATE_ELEMENT'],
  [new BadContributionError('m'), 'CHARM_ERR_BAD_CONTRIBUTION'],
  [new BadReducerError('m'), 'CHARM_ERR_BAD_REDUCER'],
  [new ProtocolError('m'), 'CHARM_ERR_PROTOCOL'],
  [new TransportUnavailableError('m'), 'CHARM_ERR_TRANSPORT_UNAVAILABLE'],
  [new BadStateError('m'), 'CHARM_ERR_BAD_STATE'],
];

t.test('every class carries its stable code and is a CharmError and an Error', async (t) => {
  for (const [error, code] of INSTANCES) {
    const name = error.constructor.name;
    t.equal(error.code, code, `${name} code`);
    t.ok(error instanceof CharmError, `${name} instanceof CharmError`);
    t.ok(error instanceof Error, `${name} instanceof Error`);
    t.ok(error instanceof (error.constructor as new (...args: never[]) => Error), `${name} instanceof its own class`);
    t.equal(error.name, name, `${name} names itself`);
    t.match(error.stack, new RegExp(`^${name}: `), `${name} stack starts with its name`);
  }
});

t.test('every exported error class is covered', async (t) => {
  const exported = Object.entries(errors)
    .filter(([, value]) => typeof value === 'function' && value !== CharmError && (value as { prototype?: unknown }).prototype instanceof CharmError)
    .map(([name]) => name)
    .sort();
  const covered = [...new Set(INSTANCES.map(([e]) => e.constructor.name))].sort();
  t.strictSame(covered, exported);
});

t.test('codes are unique, prefixed, and equal to their table', async (t) => {
  const codes = Object.values(ErrorCode);
  t.equal(new Set(codes).size, codes.length, 'no two names share a code');
  for (const [name, code] of Object.entries(ErrorCode)) t.equal(code, `CHARM_ERR_${name}`, name);
});

t.test('classes are distinct: instanceof does not cross between siblings', async (t) => {
  t.notOk(new ProtocolError('m') instanceof BadFlagError);
  t.notOk(new BadFlagError('m') instanceof ProtocolError);
  t.notOk(new CharmError(ErrorCode.PROTOCOL, 'm') instanceof ProtocolError, 'a CharmError with a code is not that subclass');
});

t.test('CharmError keeps a cause', async (t) => {
  const cause = new Error('root');
  const error = new CharmError(ErrorCode.PE_DIED, 'PE 3 died', { cause });
  t.equal(error.cause, cause);
  t.equal(error.code, 'CHARM_ERR_PE_DIED');
  t.equal(error.name, 'CharmError');
});

t.test('messages say what happened', async (t) => {
  t.equal(new UnknownEntryMethodError('Block', 'wrok').message, 'Block has no entry method "wrok"');
  t.equal(new BadPeError(9, 4).message, 'PE 9 does not exist (this job has PEs 0..3)');
  const unserializable = new UnserializableError('args[1].cb', 'a function (anonymous)');
  t.equal(unserializable.message, 'cannot send a function (anonymous) at args[1].cb');
  t.equal(unserializable.path, 'args[1].cb');
});

t.test('RemoteError carries the original error and shows the remote stack', async (t) => {
  const error = new RemoteError({ ...REMOTE_INFO, code: 'E_USER' });
  t.equal(error.remoteName, 'TypeError');
  t.equal(error.remoteMessage, 'x is not a function');
  t.equal(error.remoteStack, REMOTE_INFO.stack);
  t.equal(error.remoteCode, 'E_USER');
  t.equal(error.pe, 3);
  t.equal(error.message, 'Block[2].work on PE 3 threw TypeError: x is not a function');
  const stack = error.stack ?? '';
  t.ok(stack.startsWith('RemoteError: Block[2].work on PE 3 threw TypeError'), 'starts with the local summary');
  t.ok(stack.includes(REMOTE_INFO.stack), 'contains the remote stack verbatim');
  t.ok(stack.indexOf('remote stack (PE 3)') < stack.indexOf('local stack'), 'remote frames before local ones');
  t.match(stack.slice(stack.indexOf('local stack')), /errors\.test\.ts/, 'the local part shows where it was rebuilt');
  t.equal(new RemoteError(REMOTE_INFO).remoteCode, undefined);
});
