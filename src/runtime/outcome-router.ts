/**
 * Where values go once computed: future values to the future's owner, reduction results to
 * their targets (a future, one chare, a broadcast, every contributor), broadcast completions
 * into their counting reduction. One place, used by futures, the entry dispatcher, reductions
 * and quiescence detection.
 */
import type { Broadcaster } from './broadcaster.js';
import type { Collection } from './collection.js';
import type { CollectionManager } from './collection-manager.js';
import type { ElementRecord } from './element.js';
import type { OutcomeSink } from './entry-dispatcher.js';
import type { FutureSender } from './future.js';
import { EP_ALLREDUCE_RESULT } from './internal-entries.js';
import type { LocationManager } from './location-manager.js';
import { Kind, type AckRequest, type CallbackTarget, type FutureRef, type SerializedError } from './message.js';
import type { PeContext } from './pe-context.js';
import { ACK_REDUCER, type ReductionManager, type ReductionResultSink, type ReductionScope } from './reduction-manager.js';
import { assertSerializable } from './serializable-check.js';

/** The parts outcomes travel through. Set once, after all parts exist. */
export interface OutcomeParts {
  readonly collections: CollectionManager;
  readonly location: LocationManager;
  readonly broadcaster: Broadcaster;
  readonly reductions: ReductionManager;
}

/** Routes computed values to where they are awaited. */
export class OutcomeRouter implements FutureSender, OutcomeSink, ReductionResultSink {
  readonly #ctx: PeContext;
  #parts: OutcomeParts | undefined;

  constructor(ctx: PeContext) {
    this.#ctx = ctx;
  }

  /** Connects the parts (they are built after this router, which they use). */
  connect(parts: OutcomeParts): void {
    this.#parts = parts;
  }

  sendFutureValue(ref: FutureRef, ok: boolean, value: unknown): void {
    if (ok) assertSerializable(value, `the value sent to future ${ref.pe}:${ref.id}`);
    this.#ctx.send(ref.pe, { kind: Kind.FutureValue, id: ref.id, ok, value });
  }

  acknowledge(element: ElementRecord, collection: Collection, ack: AckRequest, error: SerializedError | null): void {
    const target: CallbackTarget = { t: 'ack', pe: ack.pe, id: ack.id };
    this.#parts!.reductions.contribute(ack.scope, ack.tag, ACK_REDUCER, error, element.index, target, collection.homeOf(element.index));
  }

  deliver(scope: ReductionScope, tag: string, target: CallbackTarget, value: unknown): void {
    const parts = this.#parts!;
    switch (target.t) {
      case 'future':
        this.sendFutureValue(target, true, value);
        return;
      case 'ack':
        if (value === null || value === undefined) this.sendFutureValue(target, true, undefined);
        else this.sendFutureValue(target, false, value);
        return;
      case 'element':
        parts.collections.whenKnown(target.coll, () => {
          parts.location.send(parts.collections.get(target.coll)!, target.index, target.ep, [value], null, null);
        });
        return;
      case 'broadcast':
        parts.collections.whenKnown(target.coll, () => {
          parts.broadcaster.start(parts.collections.get(target.coll)!, target.section, target.ep, [value], null);
        });
        return;
      case 'allreduce':
        parts.collections.whenKnown(scope.coll, () => {
          parts.broadcaster.start(parts.collections.get(scope.coll)!, scope.section, EP_ALLREDUCE_RESULT, [scope.id, tag, value], null);
        });
        return;
    }
  }
}
