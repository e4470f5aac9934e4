/** Tests the envelope definitions (src/runtime/message.ts): stable kind tags, a field list for every kind, and which kinds count for quiescence. */
import t from 'tap';
import { countsForQuiescence, Kind, MESSAGE_FIELDS, type KindValue } from '../../../src/runtime/message.js';

t.test('kind tags are distinct small integers and keep their wire values', async (t) => {
  const values = Object.values(Kind);
  t.equal(new Set(values).size, values.length, 'distinct');
  t.ok(values.every((v) => Number.isInteger(v) && v > 0 && v < 128), 'positive fixints');
  t.match(Kind, { Invoke: 1, Broadcast: 2, Create: 3, Insert: 4, FutureValue: 5, Contribute: 6, LocationUpdate: 7, SectionCreate: 8, Quiescence: 9, DoneInserting: 10 }, 'released tags never change');
});

t.test('every kind has a field list, and only kinds have one', async (t) => {
  t.strictSame(Object.keys(MESSAGE_FIELDS).map(Number).sort((a, b) => a - b), Object.values(Kind).sort((a, b) => a - b));
  for (const [kind, fields] of Object.entries(MESSAGE_FIELDS)) {
    t.equal(new Set(fields).size, fields.length, `kind ${kind}: no field twice`);
    t.notOk(fields.includes('kind'), `kind ${kind}: the tag is not a field`);
    t.ok(fields.length > 0, `kind ${kind} has fields`);
  }
});

t.test('only quiescence waves are left out of the quiescence counts', async (t) => {
  for (const kind of Object.values(Kind) as KindValue[]) t.equal(countsForQuiescence(kind), kind !== Kind.Quiescence, `kind ${kind}`);
});
