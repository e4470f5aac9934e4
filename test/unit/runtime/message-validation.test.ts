/** Tests validateMessage (src/runtime/message-validation.ts): well-formed messages of every kind pass; malformed fields are refused with ProtocolError. */
import t from 'tap';
import { ProtocolError } from '../../../src/errors.js';
import { Codec } from '../../../src/runtime/codec.js';
import { Kind, type Message } from '../../../src/runtime/message.js';
import { validateMessage } from '../../../src/runtime/message-validation.js';
import { sampleMessages } from './sample-messages.js';

const PES = 4;

t.test('every sample message is well formed', async (t) => {
  for (const message of sampleMessages()) t.doesNotThrow(() => validateMessage(message, PES), `kind ${message.kind}`);
});

/** Each case: a sample kind, a field to corrupt, and the bad value. */
const corruptions: [number, string, unknown][] = [
  [Kind.Invoke, 'coll', -1],
  [Kind.Invoke, 'coll', 'x'],
  [Kind.Invoke, 'index', [1, -2]],
  [Kind.Invoke, 'index', [1, 2, 3, 4, 5, 6, 7]],
  [Kind.Invoke, 'index', 'abc'],
  [Kind.Invoke, 'args', { length: 1 }],
  [Kind.Invoke, 'src', PES],
  [Kind.Invoke, 'seq', -5],
  [Kind.Invoke, 'reply', { pe: 99, id: 1 }],
  [Kind.Invoke, 'ack', { scope: 1 }],
  [Kind.Invoke, 'hops', 1.5],
  [Kind.Broadcast, 'section', 3],
  [Kind.Broadcast, 'root', -1],
  [Kind.Create, 'spec', { kind: 'nonsense' }],
  [Kind.Create, 'spec', { kind: 'array', cls: 'B', dims: [0], ndims: 1, map: 'block', pe: 0 }],
  [Kind.Insert, 'placed', 'yes'],
  [Kind.FutureValue, 'ok', 1],
  [Kind.Contribute, 'count', 0],
  [Kind.Contribute, 'target', { t: 'element', coll: 1, index: 'x', ep: 0 }],
  [Kind.Contribute, 'target', { t: 'rocket' }],
  [Kind.Contribute, 'target', null],
  [Kind.LocationUpdate, 'pe', 17],
  [Kind.SectionCreate, 'section', { id: 5, coll: 1, root: 0 }],
  [Kind.SectionCreate, 'children', [1, 9]],
  [Kind.Quiescence, 'phase', 'done'],
  [Kind.DoneInserting, 'phase', 'stop'],
  [Kind.Migrate, 'runtime', { redNo: [] }],
  [Kind.Migrate, 'epoch', 0],
  [Kind.LoadBalance, 'moves', [[[0], 12]]],
  [Kind.LoadBalance, 'objects', [{ index: [0], load: 'heavy' }]],
];

t.test('corrupt fields are refused with ProtocolError naming the field', async (t) => {
  for (const [kind, field, value] of corruptions) {
    const sample = sampleMessages().find((m) => m.kind === kind)!;
    const broken = { ...sample, [field]: value } as Message;
    t.throws(() => validateMessage(broken, PES), ProtocolError, `kind ${kind}: ${field} = ${JSON.stringify(value)}`);
  }
});

t.test('a missing field is refused', async (t) => {
  const { value: _value, ...noValue } = sampleMessages().find((m) => m.kind === Kind.FutureValue) as { value: unknown };
  t.throws(() => validateMessage(noValue as unknown as Message, PES), { name: 'ProtocolError', message: /value is missing/ });
});

t.test('a codec given the job size validates what it decodes', async (t) => {
  const strict = new Codec({ resolve: () => { throw new Error('no references'); } }, PES);
  const loose = new Codec({ resolve: () => { throw new Error('no references'); } });
  const bad = { ...sampleMessages()[0]!, src: 9 } as Message;
  const frame = loose.encode(bad);
  t.doesNotThrow(() => loose.decode(frame), 'without the job size: no check');
  t.throws(() => strict.decode(frame), { name: 'ProtocolError', message: /src must be a PE number \(0\.\.3\)/ });
});
