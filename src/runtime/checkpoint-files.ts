/**
 * The files of a checkpoint: one per PE with its chares, one from PE 0 with the collections
 * and the program's own state, and a manifest written last (a checkpoint without a complete
 * manifest is not one). Values are encoded by the codec, so typed arrays are stored as raw
 * segments and proxies as references.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadStateError, InvalidArgumentError } from '../errors.js';
import type { Codec } from './codec.js';
import { Kind, type CollectionSpec } from './message.js';
import type { ElementRuntimeState } from './migration.js';

/** Format tag of the manifest. */
export const CHECKPOINT_FORMAT = 'charm4ts-checkpoint-1';

/** One chare as saved. */
export interface ElementSnapshot {
  readonly index: readonly number[];
  readonly state: unknown;
  readonly packed: boolean;
  readonly runtime: ElementRuntimeState;
}

/** What one PE saves. */
export interface PeSnapshot {
  readonly pe: number;
  readonly collections: readonly { readonly id: number; readonly elements: readonly ElementSnapshot[] }[];
}

/** What PE 0 saves besides its chares. */
export interface JobSnapshot {
  readonly numPes: number;
  readonly collections: readonly { readonly id: number; readonly spec: CollectionSpec; readonly insertionClosed: boolean; readonly args: readonly unknown[] }[];
  /** The value the program passed to charm.checkpoint (may hold proxies). */
  readonly userState: unknown;
}

/** The manifest: written last, so its presence means the checkpoint is complete. */
interface Manifest {
  readonly format: string;
  readonly numPes: number;
  readonly written: string;
}

const peFile = (dir: string, pe: number): string => join(dir, `pe-${pe}.ckpt`);
const jobFile = (dir: string): string => join(dir, 'job.ckpt');
const manifestFile = (dir: string): string => join(dir, 'manifest.json');

/** Encodes `value` with the codec into one buffer: [u32 header length][u32 segments][f64 lengths...][header][segments...]. */
function encodeValue(codec: Codec, value: unknown): Buffer {
  const frame = codec.encode({ kind: Kind.FutureValue, id: 0, ok: true, value });
  const table = Buffer.alloc(8 + 8 * frame.segments.length);
  table.writeUInt32LE(frame.header.byteLength, 0);
  table.writeUInt32LE(frame.segments.length, 4);
  frame.segments.forEach((s, i) => table.writeDoubleLE(s.byteLength, 8 + 8 * i));
  return Buffer.concat([table, frame.header, ...frame.segments]);
}

function decodeValue(codec: Codec, bytes: Buffer, what: string): unknown {
  try {
    const headerLength = bytes.readUInt32LE(0);
    const count = bytes.readUInt32LE(4);
    let offset = 8 + 8 * count;
    const header = bytes.subarray(offset, offset + headerLength);
    offset += headerLength;
    const segments: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = bytes.readDoubleLE(8 + 8 * i);
      segments.push(bytes.subarray(offset, offset + length));
      offset += length;
    }
    if (offset !== bytes.byteLength) throw new Error(`${bytes.byteLength - offset} unexpected trailing bytes`);
    return (codec.decode({ header, segments }) as { value: unknown }).value;
  } catch (error) {
    throw new InvalidArgumentError(`checkpoint file ${what} is damaged: ${(error as Error).message}`);
  }
}

/** Writes `path` so that a crash leaves either the old file or the complete new one. */
function writeAtomically(path: string, bytes: Buffer | string): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/** Writes one PE's chares. */
export function writePeSnapshot(codec: Codec, dir: string, snapshot: PeSnapshot): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(peFile(dir, snapshot.pe), encodeValue(codec, snapshot));
}

/** Writes PE 0's part and then the manifest, completing the checkpoint. */
export function writeJobSnapshot(codec: Codec, dir: string, snapshot: JobSnapshot): void {
  writeAtomically(jobFile(dir), encodeValue(codec, snapshot));
  const manifest: Manifest = { format: CHECKPOINT_FORMAT, numPes: snapshot.numPes, written: new Date().toISOString() };
  writeAtomically(manifestFile(dir), `${JSON.stringify(manifest)}\n`);
}

/** Reads a complete checkpoint. Throws InvalidArgumentError naming what is missing or damaged. */
export function readCheckpoint(codec: Codec, dir: string): { job: JobSnapshot; pes: PeSnapshot[] } {
  if (!existsSync(manifestFile(dir))) throw new InvalidArgumentError(`${dir} holds no complete checkpoint (no manifest.json)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as Manifest;
  } catch (error) {
    throw new InvalidArgumentError(`${manifestFile(dir)} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT || !Number.isInteger(manifest.numPes)) throw new InvalidArgumentError(`${manifestFile(dir)} is not a ${CHECKPOINT_FORMAT} manifest`);
  const job = decodeValue(codec, readFileSync(jobFile(dir)), jobFile(dir)) as JobSnapshot;
  const pes: PeSnapshot[] = [];
  for (let pe = 0; pe < manifest.numPes; pe++) {
    const path = peFile(dir, pe);
    if (!existsSync(path)) throw new InvalidArgumentError(`checkpoint ${dir} lacks ${path}`);
    pes.push(decodeValue(codec, readFileSync(path), path) as PeSnapshot);
  }
  if (job.numPes !== manifest.numPes) throw new BadStateError(`checkpoint ${dir}: the manifest and job file disagree on the number of PEs`);
  return { job, pes };
}
