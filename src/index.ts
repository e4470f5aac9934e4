/**
 * charm4ts: message-driven parallel programming with migratable objects (chares) for
 * TypeScript on Node.js. This module is the public API; nothing else is exported.
 */
import { Charm } from './runtime/charm.js';

/** The runtime of this PE: register classes, start, create collections and futures, exit. */
export const charm: Charm = new Charm();

export { Charm } from './runtime/charm.js';
export type { ArrayOptions, ChareOptions, GroupOptions, MainFunction, ReducerRef } from './runtime/charm.js';
export { Chare } from './chares/chare.js';
export { Group } from './chares/group.js';
export { ChareArray } from './chares/chare-array.js';
export { Future } from './runtime/future.js';
export { Channel } from './runtime/channel.js';
export { BuiltinReducer as Reducer } from './runtime/reducers.js';
export type { Reducer as ReducerDefinition } from './runtime/reducers.js';
export type { ArrayMapFn } from './runtime/array-maps.js';
export type { RuntimeOptions } from './runtime/options.js';
export type {
  ArrayProxy,
  BroadcastCaller,
  ChareProxy,
  BorrowedEntries,
  ElementCaller,
  ElementProxy,
  EntryName,
  GroupProxy,
  InsertOptions,
  ReductionTarget,
  SectionProxy,
  SectionSlice,
  WhenConditions,
} from './runtime/proxy-types.js';
export {
  BadArgumentsError,
  BadContributionError,
  BadFlagError,
  BadPeError,
  BadReducerError,
  BadStateError,
  CharmError,
  DuplicateElementError,
  DuplicateRegistrationError,
  ErrorCode,
  FutureError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  NotRegisteredError,
  ProtocolError,
  RegistryMismatchError,
  RemoteError,
  TransportUnavailableError,
  UnknownEntryMethodError,
  UnserializableError,
} from './errors.js';
export type { ErrorCodeString } from './errors.js';
