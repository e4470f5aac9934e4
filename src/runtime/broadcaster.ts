/**
 * Broadcasts to collections and multicasts to sections. A broadcast spreads along a spanning
 * tree of PEs (rooted at the sender for a whole collection, at the section's root for a
 * section); every PE passes it on, then delivers it to the members whose home it is: directly
 * when the member lives there, through the location manager when it has moved. Delivery through
 * the homes makes a broadcast reach every member exactly once wherever it lives.
 */
import type { Collection } from './collection.js';
import type { EntryDispatcher } from './entry-dispatcher.js';
import type { Index } from './index-space.js';
import type { LocationManager } from './location-manager.js';
import { Kind, type AckRequest, type BroadcastMessage, type SectionAddress } from './message.js';
import type { PeContext } from './pe-context.js';
import type { SectionManager } from './section-manager.js';
import { PeTree } from './pe-tree.js';

/** Broadcasts of one PE. */
export class Broadcaster {
  readonly #ctx: PeContext;
  readonly #sections: SectionManager;
  readonly #location: LocationManager;
  readonly #dispatcher: EntryDispatcher;
  readonly #tree: PeTree;

  /** `tree` gives the PE trees broadcasts travel along (flat when not given). */
  constructor(ctx: PeContext, sections: SectionManager, location: LocationManager, dispatcher: EntryDispatcher, tree: PeTree = new PeTree(ctx.numPes)) {
    this.#ctx = ctx;
    this.#tree = tree;
    this.#sections = sections;
    this.#location = location;
    this.#dispatcher = dispatcher;
  }

  /** Starts a broadcast of entry `ep` to every member of `coll` (or of `section`). */
  start(coll: Collection, section: SectionAddress | null, ep: number, args: unknown[], ack: AckRequest | null): void {
    const me = this.#ctx.myPe;
    const message: BroadcastMessage = {
      kind: Kind.Broadcast,
      coll: coll.id,
      section: section === null ? 0 : section.id,
      ep,
      args,
      root: section === null ? me : section.root,
      ack,
    };
    if (message.root === me) this.receive(coll, message);
    else this.#ctx.send(message.root, message);
  }

  /** Passes a broadcast on down its tree and delivers it to the members homed here. */
  receive(coll: Collection, message: BroadcastMessage): void {
    let children: readonly number[];
    let members: readonly Index[];
    if (message.section !== 0) {
      const record = this.#sections.get(message.section);
      if (record === undefined) {
        this.#sections.hold(message);
        return;
      }
      children = record.children;
      members = record.members;
    } else {
      children = this.#tree.children(message.root, this.#ctx.myPe);
      members = this.#homedMembers(coll);
    }
    for (const child of children) this.#ctx.send(child, message);
    for (const index of members) this.#deliver(coll, index, message);
  }

  #homedMembers(coll: Collection): Index[] {
    switch (coll.spec.kind) {
      case 'chare':
        return coll.spec.pe === this.#ctx.myPe ? [[]] : [];
      case 'group':
        return [[this.#ctx.myPe]];
      case 'array':
        return Array.from(coll.homes.values(), (home) => home.index);
    }
  }

  #deliver(coll: Collection, index: Index, message: BroadcastMessage): void {
    const element = coll.local.get(coll.key(index));
    if (element !== undefined) {
      this.#dispatcher.deliver(element, coll, { ep: message.ep, args: message.args, reply: null, ack: message.ack });
    } else {
      this.#location.send(coll, index, message.ep, message.args, null, message.ack);
    }
  }
}
