/**
 * Hands each message to the part that owns its kind. Messages that arrive before the
 * collection they address are held by the collection manager and handed back through
 * `replay` once it exists (they are counted as processed only once).
 */
import type { Broadcaster } from './broadcaster.js';
import type { CollectionManager } from './collection-manager.js';
import type { FutureTable } from './future.js';
import type { LocationManager } from './location-manager.js';
import { countsForQuiescence, Kind, type CheckpointMessage, type Message } from './message.js';
import type { PeContext } from './pe-context.js';
import type { MessageCounts, QuiescenceDetector } from './quiescence.js';
import type { WaveRunner } from './wave-runner.js';
import type { ReductionManager } from './reduction-manager.js';
import type { SectionManager } from './section-manager.js';
import type { LbManager } from '../lb/lb-manager.js';

/** The parts messages go to. */
export interface HandlerParts {
  readonly ctx: PeContext;
  readonly collections: CollectionManager;
  readonly location: LocationManager;
  readonly broadcaster: Broadcaster;
  readonly sections: SectionManager;
  readonly reductions: ReductionManager;
  readonly futures: FutureTable;
  readonly quiescence: QuiescenceDetector;
  /** Waves of the deadlock watchdog. */
  readonly deadlockWaves: WaveRunner;
  readonly counts: MessageCounts;
  readonly lb: LbManager;
  /** The checkpoint protocol. */
  readonly checkpoint: (message: CheckpointMessage) => void;
}

/** Dispatches messages by kind. */
export class MessageHandler {
  readonly #parts: HandlerParts;

  constructor(parts: HandlerParts) {
    this.#parts = parts;
  }

  /** Handles a message taken from the queue. */
  readonly handle = (message: Message): void => {
    if (countsForQuiescence(message.kind)) this.#parts.counts.processed++;
    try {
      this.replay(message);
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.#parts.ctx.fatal(`PE ${this.#parts.ctx.myPe}: internal error while handling a message of kind ${message.kind}:\n${detail}`);
    }
  };

  /** Handles a message (again, for held messages: not counted). */
  readonly replay = (message: Message): void => {
    const { collections, location, broadcaster, sections, reductions, futures, quiescence, ctx } = this.#parts;
    switch (message.kind) {
      case Kind.Invoke: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) location.receive(coll, message);
        return;
      }
      case Kind.Broadcast: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) broadcaster.receive(coll, message);
        return;
      }
      case Kind.Create:
        collections.receiveCreate(message);
        return;
      case Kind.Insert: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) collections.receiveInsert(coll, message);
        return;
      }
      case Kind.FutureValue:
        if (!futures.settle(message.id, message.ok, message.value)) {
          ctx.warn(`PE ${ctx.myPe}: a value arrived for future ${ctx.myPe}:${message.id}, which already has one (or never existed); ignored`);
        }
        return;
      case Kind.Contribute:
        reductions.receive(message);
        return;
      case Kind.LocationUpdate: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) location.updateLocation(coll, message.index, message.pe, message.epoch);
        return;
      }
      case Kind.SectionCreate: {
        const coll = collections.getOrHold(message.section.coll, message, this.replay);
        if (coll !== undefined) sections.receiveCreate(message, (held) => broadcaster.receive(coll, held));
        return;
      }
      case Kind.Quiescence:
        if (message.purpose === 'deadlock') this.#parts.deadlockWaves.receive(message);
        else quiescence.receive(message);
        return;
      case Kind.Migrate: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) location.migrateIn(coll, message);
        return;
      }
      case Kind.LoadBalance:
        this.#parts.lb.receive(message);
        return;
      case Kind.Checkpoint:
        this.#parts.checkpoint(message);
        return;
      case Kind.DoneInserting: {
        const coll = collections.getOrHold(message.coll, message, this.replay);
        if (coll !== undefined) collections.receiveDoneInserting(coll, message);
        return;
      }
      default:
        ctx.warn(`PE ${ctx.myPe}: dropped a message of unknown kind ${String((message as { kind: unknown }).kind)}`);
    }
  };
}
