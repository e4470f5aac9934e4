/**
 * Reductions over collections and sections. Each element contributes at its home PE (one
 * message when it lives elsewhere), so every PE knows exactly how many contributions its
 * subtree owes for each reduction, whatever migration does. A PE combines what it receives
 * and passes one partial to its parent once its subtree is complete; the root finalizes and
 * sends the result to the target.
 */
import { BadContributionError, BadReducerError } from '../errors.js';
import type { Index } from './index-space.js';
import { Kind, type CallbackTarget, type ContributeMessage, type SectionAddress } from './message.js';
import type { PeContext } from './pe-context.js';
import type { Reducer } from './reducers.js';

/** What one PE knows of a reduction scope (a collection or a section). */
export interface ReductionScope {
  /** Collection id (>= 0) or section id (< 0). */
  readonly id: number;
  /** Collection the scope belongs to. */
  readonly coll: number;
  /** The section, for section scopes. */
  readonly section: SectionAddress | null;
  /** Parent PE in the scope's reduction tree, -1 at the root. */
  readonly parent: number;
  /** Contributions owed by the elements homed in this PE's subtree, per reduction. */
  readonly subtreeCount: number;
}

/** Where finished reductions go. */
export interface ReductionResultSink {
  /** Delivers a finished reduction's value to its target. */
  deliver(scope: ReductionScope, tag: string, target: CallbackTarget, value: unknown): void;
}

interface Partial {
  value: unknown;
  count: number;
  readonly reducer: Reducer;
  readonly target: CallbackTarget;
}

/** Name of the internal reducer that counts broadcast completions and keeps the first error. */
export const ACK_REDUCER = 'charm4ts.ack';

const ackReducer: Reducer = {
  name: ACK_REDUCER,
  lift: (value) => value,
  combine: (a, b) => a ?? b,
  finalize: (value) => value,
};

/** The reductions of one PE. */
export class ReductionManager {
  readonly #ctx: PeContext;
  readonly #reducers: (name: string) => Reducer | undefined;
  readonly #sink: ReductionResultSink;
  readonly #scopes = new Map<number, ReductionScope>();
  readonly #partials = new Map<string, Partial>();
  /** Contributions for scopes whose counts are not known here yet. */
  readonly #early = new Map<number, ContributeMessage[]>();

  constructor(ctx: PeContext, reducers: (name: string) => Reducer | undefined, sink: ReductionResultSink) {
    this.#ctx = ctx;
    this.#reducers = (name) => (name === ACK_REDUCER ? ackReducer : reducers(name));
    this.#sink = sink;
  }

  /** Makes a scope known on this PE and handles contributions that waited for it. */
  defineScope(scope: ReductionScope): void {
    this.#scopes.set(scope.id, scope);
    const early = this.#early.get(scope.id);
    if (early === undefined) return;
    this.#early.delete(scope.id);
    for (const message of early) this.receive(message);
  }

  /** The reducer registered under `name`; throws BadReducerError when there is none. */
  reducer(name: string): Reducer {
    const reducer = this.#reducers(name);
    if (reducer === undefined) throw new BadReducerError(`unknown reducer "${name}" (register it with charm.registerReducer before charm.start)`);
    return reducer;
  }

  /** A scope known on this PE, if any. */
  scope(id: number): ReductionScope | undefined {
    return this.#scopes.get(id);
  }

  /**
   * One element's contribution: lifts it with the reducer and sends it to the element's home
   * PE (handled here when that is this PE). Throws BadReducerError for an unknown reducer.
   */
  contribute(scopeId: number, tag: string, reducerName: string, value: unknown, index: Index, target: CallbackTarget, homePe: number): void {
    const reducer = this.reducer(reducerName);
    const message: ContributeMessage = {
      kind: Kind.Contribute,
      scope: scopeId,
      tag,
      reducer: reducerName,
      value: reducer.lift(value, index),
      count: 1,
      target,
      fromTree: false,
    };
    if (homePe === this.#ctx.myPe) this.receive(message);
    else this.#ctx.send(homePe, message);
  }

  /** A contribution or partial arrived (or was made here). */
  receive(message: ContributeMessage): void {
    const scope = this.#scopes.get(message.scope);
    if (scope === undefined) {
      let early = this.#early.get(message.scope);
      if (early === undefined) this.#early.set(message.scope, (early = []));
      early.push(message);
      return;
    }
    const reducer = this.#reducers(message.reducer);
    if (reducer === undefined) {
      this.#ctx.fatal(`a contribution to reduction ${message.tag} of scope ${message.scope} names unknown reducer "${message.reducer}"`);
      return;
    }
    const key = `${message.scope}|${message.tag}`;
    let partial = this.#partials.get(key);
    try {
      if (partial === undefined) {
        partial = { value: message.value, count: message.count, reducer, target: message.target };
        this.#partials.set(key, partial);
      } else {
        checkAgreement(partial, reducer, message, scope);
        partial.value = reducer.combine(partial.value, message.value);
        partial.count += message.count;
      }
    } catch (error) {
      this.#ctx.fatal(`reduction ${message.tag} over ${describeScope(scope)}: ${(error as Error).message}`);
      return;
    }
    if (partial.count > scope.subtreeCount) {
      this.#ctx.fatal(
        new BadContributionError(
          `reduction ${message.tag} over ${describeScope(scope)} received ${partial.count} contributions on PE ${this.#ctx.myPe}, but only ${scope.subtreeCount} members report there (did an element contribute twice?)`,
        ).message,
      );
      return;
    }
    if (partial.count < scope.subtreeCount) return;
    this.#partials.delete(key);
    if (scope.parent < 0) {
      let result: unknown;
      try {
        result = partial.reducer.finalize(partial.value);
      } catch (error) {
        this.#ctx.fatal(`reduction ${message.tag} over ${describeScope(scope)}: ${(error as Error).message}`);
        return;
      }
      this.#sink.deliver(scope, message.tag, partial.target, result);
      return;
    }
    this.#ctx.send(scope.parent, { ...message, value: partial.value, count: partial.count, fromTree: true });
  }

  /** Reductions started but not finished on this PE (for diagnostics at quiescence). */
  incomplete(): { scope: number; tag: string; count: number; expected: number }[] {
    const result: { scope: number; tag: string; count: number; expected: number }[] = [];
    for (const [key, partial] of this.#partials) {
      const [scope, tag] = key.split('|') as [string, string];
      result.push({ scope: Number(scope), tag, count: partial.count, expected: this.#scopes.get(Number(scope))?.subtreeCount ?? -1 });
    }
    return result;
  }
}

function checkAgreement(partial: Partial, reducer: Reducer, message: ContributeMessage, scope: ReductionScope): void {
  if (partial.reducer !== reducer) {
    throw new BadContributionError(`contributions disagree on the reducer ("${partial.reducer.name}" and "${reducer.name}") over ${describeScope(scope)}`);
  }
  if (!sameTarget(partial.target, message.target)) {
    throw new BadContributionError(`contributions disagree on the target of reduction ${message.tag} over ${describeScope(scope)}`);
  }
}

function sameTarget(a: CallbackTarget, b: CallbackTarget): boolean {
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'future':
    case 'ack':
      return a.pe === (b as typeof a).pe && a.id === (b as typeof a).id;
    case 'element': {
      const other = b as typeof a;
      return a.coll === other.coll && a.ep === other.ep && a.index.join(',') === other.index.join(',');
    }
    case 'broadcast': {
      const other = b as typeof a;
      return a.coll === other.coll && a.ep === other.ep && (a.section?.id ?? 0) === (other.section?.id ?? 0);
    }
    case 'allreduce':
      return true;
  }
}

function describeScope(scope: ReductionScope): string {
  return scope.section === null ? `collection ${scope.coll}` : `section ${scope.section.id} of collection ${scope.coll}`;
}
