/**
 * Writing a checkpoint: PE 0 waits for quiescence, asks every PE to write its chares, counts
 * the answers, then writes the collections, the program's state and the manifest. Restoring is
 * the collection manager's; the files are checkpoint-files'.
 */
import { BadStateError } from '../errors.js';
import { writeJobSnapshot, writePeSnapshot } from './checkpoint-files.js';
import type { Codec } from './codec.js';
import type { CollectionManager } from './collection-manager.js';
import { Kind, type CheckpointMessage } from './message.js';
import type { PeContext } from './pe-context.js';
import { assertSerializable } from './serializable-check.js';

interface Pending {
  readonly dir: string;
  readonly userState: unknown;
  remaining: number;
  readonly errors: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/** The checkpoint protocol on one PE. */
export class CheckpointCoordinator {
  readonly #ctx: PeContext;
  readonly #codec: Codec;
  readonly #collections: CollectionManager;
  readonly #waitQD: () => PromiseLike<void>;
  #pending: Pending | undefined;

  constructor(ctx: PeContext, codec: Codec, collections: CollectionManager, waitQD: () => PromiseLike<void>) {
    this.#ctx = ctx;
    this.#codec = codec;
    this.#collections = collections;
    this.#waitQD = waitQD;
  }

  /** Writes a checkpoint into `dir` (on PE 0); resolves once it is complete. */
  async write(dir: string, userState: unknown): Promise<void> {
    const { myPe, numPes } = this.#ctx;
    if (myPe !== 0) throw new BadStateError('charm.checkpoint is called on PE 0 (from main or a chare there)');
    if (this.#pending !== undefined) throw new BadStateError('a checkpoint is already being written');
    assertSerializable(userState, 'the state passed to charm.checkpoint');
    await this.#waitQD();
    await new Promise<void>((resolve, reject) => {
      this.#pending = { dir, userState, remaining: numPes, errors: [], resolve, reject };
      for (let pe = 0; pe < numPes; pe++) this.#ctx.send(pe, { kind: Kind.Checkpoint, phase: 'write', dir, from: 0, ok: true, error: '' });
    }).finally(() => {
      this.#pending = undefined;
    });
  }

  /** Handles a checkpoint message: write this PE's chares, or count an answer (PE 0). */
  receive(message: CheckpointMessage): void {
    if (message.phase === 'write') {
      let error = '';
      try {
        writePeSnapshot(this.#codec, message.dir, { pe: this.#ctx.myPe, collections: this.#collections.snapshotLocal() });
      } catch (failure) {
        error = (failure as Error).message;
      }
      this.#ctx.send(message.from, { kind: Kind.Checkpoint, phase: 'written', dir: message.dir, from: this.#ctx.myPe, ok: error === '', error });
      return;
    }
    const pending = this.#pending;
    if (pending === undefined) return;
    if (!message.ok) pending.errors.push(`PE ${message.from}: ${message.error}`);
    if (--pending.remaining > 0) return;
    if (pending.errors.length > 0) {
      pending.reject(new BadStateError(`the checkpoint in ${pending.dir} failed: ${pending.errors.join('; ')}`));
      return;
    }
    try {
      writeJobSnapshot(this.#codec, pending.dir, { numPes: this.#ctx.numPes, collections: this.#collections.snapshotCollections(), userState: pending.userState });
      pending.resolve();
    } catch (failure) {
      pending.reject(failure);
    }
  }
}
