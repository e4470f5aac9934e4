/**
 * Load dumps: the inputs of balancing steps, saved so that strategies can be compared
 * offline on what a real run measured (see lb-replay).
 *
 * A dump is a text file of JSON lines, one record per balancing step, in step order. A record
 * stores the problem by columns, which keeps 100k-object steps small and quick to parse:
 *
 *     {"format":"charm4ts-lb-dump","version":1,"step":3,"time":12.5,
 *      "objects":{"load":[0.1,0.2,...],"pe":[0,0,...],"fixed":[17]},
 *      "pes":{"speed":[1,1,...],"background":[0.01,...],"host":[0,0,...],"unavailable":[]}}
 *
 * Object i has load `objects.load[i]` and sits on PE `objects.pe[i]`; `fixed` lists the ids of
 * non-migratable objects. PE p has `speed[p]`, `background[p]` and `host[p]`; `unavailable`
 * lists the PEs that may receive nothing. Numbers are written in JavaScript's shortest
 * round-trip form, so a dump read back gives bit-identical loads.
 */

import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';
import type { LbObject, LbPe, LbProblem } from './strategy.js';

/** Value of the `format` field of every record. */
export const LB_DUMP_FORMAT = 'charm4ts-lb-dump';

/** Version of the record layout that this module writes and reads. */
export const LB_DUMP_VERSION = 1;

/** One balancing step. */
export interface LbDumpRecord {
  /** Balancing step number, from 0, increasing through a dump. */
  readonly step: number;
  /** Seconds since the job started when the step's measurements were taken. */
  readonly time: number;
  /** The strategy input of the step. */
  readonly problem: LbProblem;
}

interface RawRecord {
  format: unknown;
  version: unknown;
  step: unknown;
  time: unknown;
  objects?: { load?: unknown; pe?: unknown; fixed?: unknown };
  pes?: { speed?: unknown; background?: unknown; host?: unknown; unavailable?: unknown };
}

/**
 * Throws `InvalidArgumentError` unless `problem` is well formed: ids equal positions, every
 * object on an existing PE, loads and backgrounds finite and >= 0, speeds finite and > 0,
 * hosts integers. Strategies assume a problem that passes.
 */
export function validateProblem(problem: LbProblem): void {
  const { objects, pes } = problem;
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`invalid LB problem: ${what}`);
  };
  pes.forEach((pe, i) => {
    if (pe.id !== i) bad(`PE at position ${i} has id ${pe.id}`);
    if (!(Number.isFinite(pe.speed) && pe.speed > 0)) bad(`PE ${i} has speed ${pe.speed}`);
    if (!(Number.isFinite(pe.background) && pe.background >= 0)) bad(`PE ${i} has background ${pe.background}`);
    if (!Number.isInteger(pe.host)) bad(`PE ${i} has host ${pe.host}`);
    if (typeof pe.available !== 'boolean') bad(`PE ${i} has no boolean "available"`);
  });
  objects.forEach((o, i) => {
    if (o.id !== i) bad(`object at position ${i} has id ${o.id}`);
    if (!(Number.isFinite(o.load) && o.load >= 0)) bad(`object ${i} has load ${o.load}`);
    if (!(Number.isInteger(o.pe) && o.pe >= 0 && o.pe < pes.length)) bad(`object ${i} is on PE ${o.pe} of ${pes.length}`);
    if (typeof o.migratable !== 'boolean') bad(`object ${i} has no boolean "migratable"`);
  });
}

/** One record as one line of JSON (no newline). Throws `InvalidArgumentError` on bad input. */
export function encodeLbRecord(record: LbDumpRecord): string {
  const { step, time, problem } = record;
  if (!(Number.isInteger(step) && step >= 0)) throw new InvalidArgumentError(`LB dump step must be an integer >= 0, got ${step}`);
  if (!Number.isFinite(time)) throw new InvalidArgumentError(`LB dump time must be finite, got ${time}`);
  validateProblem(problem);
  const { objects, pes } = problem;
  return JSON.stringify({
    format: LB_DUMP_FORMAT,
    version: LB_DUMP_VERSION,
    step,
    time,
    objects: {
      load: objects.map((o) => o.load),
      pe: objects.map((o) => o.pe),
      fixed: objects.filter((o) => !o.migratable).map((o) => o.id),
    },
    pes: {
      speed: pes.map((p) => p.speed),
      background: pes.map((p) => p.background),
      host: pes.map((p) => p.host),
      unavailable: pes.filter((p) => !p.available).map((p) => p.id),
    },
  });
}

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new InvalidArgumentError(`LB dump record: ${what} must be an array of numbers`);
  }
  return value as number[];
}

function idSet(value: unknown, what: string, size: number): Set<number> {
  const ids = numbers(value, what);
  for (const id of ids) {
    if (!(Number.isInteger(id) && id >= 0 && id < size)) throw new InvalidArgumentError(`LB dump record: ${what} holds ${id}, outside 0..${size - 1}`);
  }
  return new Set(ids);
}

/** Parses and checks one line written by `encodeLbRecord`. Throws `InvalidArgumentError`. */
export function decodeLbRecord(line: string): LbDumpRecord {
  let raw: RawRecord;
  try {
    raw = JSON.parse(line) as RawRecord;
  } catch (err) {
    throw new InvalidArgumentError(`LB dump record is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || raw.format !== LB_DUMP_FORMAT) {
    throw new InvalidArgumentError(`LB dump record lacks "format": "${LB_DUMP_FORMAT}"`);
  }
  if (raw.version !== LB_DUMP_VERSION) {
    throw new InvalidArgumentError(`LB dump version ${String(raw.version)} is not supported (this reader knows ${LB_DUMP_VERSION})`);
  }
  const step = raw.step as number;
  const time = raw.time as number;
  if (!(Number.isInteger(step) && step >= 0)) throw new InvalidArgumentError(`LB dump record has step ${String(raw.step)}`);
  if (!(typeof time === 'number' && Number.isFinite(time))) throw new InvalidArgumentError(`LB dump record has time ${String(raw.time)}`);
  const load = numbers(raw.objects?.load, 'objects.load');
  const onPe = numbers(raw.objects?.pe, 'objects.pe');
  const speed = numbers(raw.pes?.speed, 'pes.speed');
  const background = numbers(raw.pes?.background, 'pes.background');
  const host = numbers(raw.pes?.host, 'pes.host');
  if (onPe.length !== load.length) throw new InvalidArgumentError('LB dump record: objects.pe and objects.load differ in length');
  if (background.length !== speed.length || host.length !== speed.length) {
    throw new InvalidArgumentError('LB dump record: pes.speed, pes.background and pes.host differ in length');
  }
  const fixed = idSet(raw.objects?.fixed, 'objects.fixed', load.length);
  const unavailable = idSet(raw.pes?.unavailable, 'pes.unavailable', speed.length);
  const pes: LbPe[] = speed.map((s, id) => ({ id, speed: s, background: background[id], available: !unavailable.has(id), host: host[id] }));
  const objects: LbObject[] = load.map((l, id) => ({ id, load: l, pe: onPe[id], migratable: !fixed.has(id) }));
  const problem: LbProblem = { objects, pes };
  validateProblem(problem);
  return { step, time, problem };
}

/** A whole dump as text: one line per record, each ending in a newline. */
export function formatLbDump(records: readonly LbDumpRecord[]): string {
  return records.map((r) => encodeLbRecord(r) + '\n').join('');
}

/**
 * Every record of a dump's text, in file order; blank lines are skipped. Throws
 * `InvalidArgumentError` naming the line of the first bad record.
 */
export function parseLbDump(text: string): LbDumpRecord[] {
  const records: LbDumpRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    try {
      records.push(decodeLbRecord(lines[i]));
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`line ${i + 1}: ${err.message}`);
      throw err;
    }
  }
  return records;
}

/** Writes `records` to `path`, replacing the file. */
export async function writeLbDump(path: string, records: readonly LbDumpRecord[]): Promise<void> {
  await writeFile(path, formatLbDump(records), 'utf8');
}

/** Appends one record to `path` (created when missing): what a running job does per step. */
export async function appendLbRecord(path: string, record: LbDumpRecord): Promise<void> {
  await appendFile(path, encodeLbRecord(record) + '\n', 'utf8');
}

/** Reads every record of the dump at `path`. Throws `InvalidArgumentError` on a bad record. */
export async function readLbDump(path: string): Promise<LbDumpRecord[]> {
  return parseLbDump(await readFile(path, 'utf8'));
}
