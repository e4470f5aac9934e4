/**
 * Checks that a decoded message has the shape its kind promises, so that a malformed or hostile
 * frame from the network is rejected (ProtocolError, logged, dropped) before any part of the
 * runtime trusts its fields. User values inside (arguments, future values, contributions,
 * migrating state) are not inspected beyond being present: they only reach user code.
 */
import { ProtocolError } from '../errors.js';
import { MAX_DIMS } from './index-space.js';
import { Kind, type Message } from './message.js';

type Record_ = Record<string, unknown>;

function fail(kind: number, what: string): never {
  throw new ProtocolError(`malformed message of kind ${kind}: ${what}`);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isObject = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field checks shared by every kind. */
class Checker {
  constructor(
    readonly kind: number,
    readonly m: Record_,
    readonly numPes: number,
  ) {}

  int(field: string, min = -Infinity): void {
    const v = this.m[field];
    if (!isInt(v) || v < min) fail(this.kind, `${field} must be an integer >= ${min}`);
  }
  pe(field: string, allowNone = false): void {
    const v = this.m[field];
    if (allowNone && v === -1) return;
    if (!isInt(v) || v < 0 || v >= this.numPes) fail(this.kind, `${field} must be a PE number (0..${this.numPes - 1})`);
  }
  bool(field: string): void {
    if (typeof this.m[field] !== 'boolean') fail(this.kind, `${field} must be a boolean`);
  }
  string(field: string): void {
    if (typeof this.m[field] !== 'string') fail(this.kind, `${field} must be a string`);
  }
  number(field: string): void {
    if (typeof this.m[field] !== 'number') fail(this.kind, `${field} must be a number`);
  }
  array(field: string): void {
    if (!Array.isArray(this.m[field])) fail(this.kind, `${field} must be an array`);
  }
  index(field: string, value: unknown = this.m[field]): void {
    if (!Array.isArray(value) || value.length > MAX_DIMS || !value.every((i) => isInt(i) && i >= 0)) {
      fail(this.kind, `${field} must be an index (up to ${MAX_DIMS} non-negative integers)`);
    }
  }
  futureRef(field: string, optional: boolean): void {
    const v = this.m[field];
    if (optional && v === null) return;
    if (!isObject(v) || !isInt(v.pe) || v.pe < 0 || v.pe >= this.numPes || !isInt(v.id)) fail(this.kind, `${field} must be a future reference`);
  }
  ack(field: string): void {
    const v = this.m[field];
    if (v === null) return;
    if (!isObject(v) || !isInt(v.scope) || typeof v.tag !== 'string' || !isInt(v.pe) || v.pe < 0 || v.pe >= this.numPes || !isInt(v.id)) {
      fail(this.kind, `${field} must be an acknowledgement request`);
    }
  }
  oneOf(field: string, values: readonly string[]): void {
    if (!values.includes(this.m[field] as string)) fail(this.kind, `${field} must be one of ${values.join(', ')}`);
  }
  present(field: string): void {
    if (!(field in this.m)) fail(this.kind, `${field} is missing`);
  }
}

function checkTarget(c: Checker, value: unknown): void {
  if (!isObject(value)) fail(c.kind, 'target must be an object');
  switch (value.t) {
    case 'future':
    case 'ack':
      if (!isInt(value.pe) || value.pe < 0 || value.pe >= c.numPes || !isInt(value.id)) fail(c.kind, 'target future is malformed');
      return;
    case 'element':
      if (!isInt(value.coll) || !isInt(value.ep)) fail(c.kind, 'target element is malformed');
      c.index('target.index', value.index);
      return;
    case 'broadcast':
      if (!isInt(value.coll) || !isInt(value.ep)) fail(c.kind, 'target broadcast is malformed');
      if (value.section !== null && !(isObject(value.section) && isInt(value.section.id) && isInt(value.section.coll) && isInt(value.section.root))) {
        fail(c.kind, 'target section is malformed');
      }
      return;
    case 'allreduce':
      return;
    default:
      fail(c.kind, 'target has an unknown type');
  }
}

/** Throws ProtocolError unless `message` is well formed for a job of `numPes` PEs. */
export function validateMessage(message: Message, numPes: number): void {
  const m = message as unknown as Record_;
  const c = new Checker(message.kind, m, numPes);
  switch (message.kind) {
    case Kind.Invoke:
      c.int('coll', 0); c.index('index'); c.int('ep'); c.array('args'); c.pe('src'); c.int('seq', -1); c.futureRef('reply', true); c.ack('ack'); c.int('hops', 0);
      return;
    case Kind.Broadcast:
      c.int('coll', 0); c.int('section'); c.int('ep'); c.array('args'); c.pe('root'); c.ack('ack');
      if (message.section > 0) fail(message.kind, 'section must be 0 or a (negative) section id');
      return;
    case Kind.Create: {
      c.int('coll', 0); c.array('args'); c.pe('root');
      const spec = m.spec;
      if (!isObject(spec) || !['chare', 'group', 'array'].includes(spec.kind as string) || typeof spec.cls !== 'string' || typeof spec.map !== 'string' || !isInt(spec.ndims) || !isInt(spec.pe)) {
        fail(message.kind, 'spec is malformed');
      }
      if (spec.dims !== null && !(Array.isArray(spec.dims) && spec.dims.length <= MAX_DIMS && spec.dims.every((d) => isInt(d) && d > 0))) fail(message.kind, 'spec.dims is malformed');
      return;
    }
    case Kind.Insert:
      c.int('coll', 0); c.index('index'); c.array('args'); c.pe('pe', true); c.bool('placed');
      return;
    case Kind.FutureValue:
      c.int('id'); c.bool('ok'); c.present('value');
      return;
    case Kind.Contribute:
      c.int('scope'); c.string('tag'); c.string('reducer'); c.int('count', 1); c.bool('fromTree'); c.present('value');
      checkTarget(c, m.target);
      return;
    case Kind.LocationUpdate:
      c.int('coll', 0); c.index('index'); c.pe('pe'); c.int('epoch', 0);
      return;
    case Kind.SectionCreate: {
      const s = m.section;
      if (!isObject(s) || !isInt(s.id) || s.id >= 0 || !isInt(s.coll) || !isInt(s.root) || s.root < 0 || s.root >= numPes) fail(message.kind, 'section is malformed');
      c.array('members');
      for (const member of m.members as unknown[]) c.index('members[]', member);
      c.pe('parent', true); c.int('subtreeCount', 0); c.array('children');
      if (!(m.children as unknown[]).every((pe) => isInt(pe) && pe >= 0 && pe < numPes)) fail(message.kind, 'children must be PE numbers');
      return;
    }
    case Kind.Quiescence:
      c.oneOf('purpose', ['qd', 'deadlock']); c.oneOf('phase', ['probe', 'report', 'request']); c.int('wave', 0); c.int('created', 0); c.int('processed', 0);
      c.int('awaited', 0); c.int('timers', 0); c.array('notes'); c.futureRef('future', true);
      if (!(m.notes as unknown[]).every((n) => typeof n === 'string')) fail(message.kind, 'notes must be strings');
      return;
    case Kind.DoneInserting:
      c.int('coll', 0); c.oneOf('phase', ['start', 'count']); c.int('count', 0); c.pe('root');
      return;
    case Kind.Migrate:
      c.int('coll', 0); c.index('index'); c.bool('packed'); c.pe('notify', true); c.int('epoch', 1); c.present('state');
      if (!isObject(m.runtime)) fail(message.kind, 'runtime state is malformed');
      for (const field of ['redNo', 'nextSeq', 'early', 'whenQueue', 'allreduceResults', 'channels']) {
        if (!Array.isArray((m.runtime as Record_)[field])) fail(message.kind, `runtime.${field} must be an array`);
      }
      return;
    case Kind.Checkpoint:
      c.oneOf('phase', ['write', 'written']); c.string('dir'); c.pe('from'); c.bool('ok'); c.string('error');
      return;
    case Kind.LoadBalance:
      c.int('coll', 0); c.oneOf('phase', ['stats', 'moves', 'arrived', 'resume']); c.pe('from'); c.int('step', 0); c.number('background'); c.array('objects'); c.array('moves');
      for (const o of m.objects as unknown[]) {
        if (!isObject(o) || typeof o.load !== 'number') fail(message.kind, 'objects[] is malformed');
        c.index('objects[].index', o.index);
      }
      for (const move of m.moves as unknown[]) {
        if (!Array.isArray(move) || move.length !== 2 || !isInt(move[1]) || move[1] < 0 || move[1] >= numPes) fail(message.kind, 'moves[] is malformed');
        c.index('moves[][0]', move[0]);
      }
      return;
  }
}
