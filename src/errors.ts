/**
 * The error classes of charm4ts. Every error a user can meet has a stable `code`
 * (`CHARM_ERR_*`) that programs may test, and `instanceof` works on each class.
 * Internal invariants use `assert`, never these.
 */

/** Stable error codes. Never renamed once released. */
export const ErrorCode = {
  /** A flag given to charmrun or to the runtime is unknown or malformed. */
  BAD_FLAG: 'CHARM_ERR_BAD_FLAG',
  /** An API was called with an invalid argument (bad dimensions, negative count, ...). */
  INVALID_ARGUMENT: 'CHARM_ERR_INVALID_ARGUMENT',
  /** The named entry method does not exist on the chare class. */
  UNKNOWN_ENTRY_METHOD: 'CHARM_ERR_UNKNOWN_ENTRY_METHOD',
  /** An entry method was called with the wrong number of arguments. */
  BAD_ARGUMENTS: 'CHARM_ERR_BAD_ARGUMENTS',
  /** A value cannot be sent between PEs (a function, a class instance without pack/unpack, ...). */
  UNSERIALIZABLE: 'CHARM_ERR_UNSERIALIZABLE',
  /** An array index lies outside the array's bounds or has the wrong number of dimensions. */
  INDEX_OUT_OF_RANGE: 'CHARM_ERR_INDEX_OUT_OF_RANGE',
  /** A PE number does not exist in this job. */
  BAD_PE: 'CHARM_ERR_BAD_PE',
  /** A chare class was used without being registered, or registered twice. */
  NOT_REGISTERED: 'CHARM_ERR_NOT_REGISTERED',
  /** Two classes (or reducers) were registered under one name. */
  DUPLICATE_REGISTRATION: 'CHARM_ERR_DUPLICATE_REGISTRATION',
  /** PEs registered different classes or entry methods (they must load the same program). */
  REGISTRY_MISMATCH: 'CHARM_ERR_REGISTRY_MISMATCH',
  /** A future was awaited on a PE other than the one that created it. */
  FUTURE_NOT_LOCAL: 'CHARM_ERR_FUTURE_NOT_LOCAL',
  /** A value was sent to a future that already has one. */
  FUTURE_ALREADY_SET: 'CHARM_ERR_FUTURE_ALREADY_SET',
  /** An entry method threw on another PE; the original error's name, message and stack are attached. */
  REMOTE: 'CHARM_ERR_REMOTE',
  /** An array element was inserted twice. */
  DUPLICATE_ELEMENT: 'CHARM_ERR_DUPLICATE_ELEMENT',
  /** An element contributed twice to one reduction, or contributions disagree on reducer or target. */
  BAD_CONTRIBUTION: 'CHARM_ERR_BAD_CONTRIBUTION',
  /** A reducer name is unknown, or a reducer was given values it cannot combine. */
  BAD_REDUCER: 'CHARM_ERR_BAD_REDUCER',
  /** A malformed or unexpected message arrived from the network. */
  PROTOCOL: 'CHARM_ERR_PROTOCOL',
  /** A connection did not prove knowledge of the job's secret. */
  AUTH: 'CHARM_ERR_AUTH',
  /** Not every PE arrived at the rendezvous in time. */
  RENDEZVOUS: 'CHARM_ERR_RENDEZVOUS',
  /** A PE died (crashed, was killed, lost its connection). */
  PE_DIED: 'CHARM_ERR_PE_DIED',
  /** The requested transport cannot be used here; the message says why. */
  TRANSPORT_UNAVAILABLE: 'CHARM_ERR_TRANSPORT_UNAVAILABLE',
  /** The runtime API was used in the wrong state (before `charm.start`, after exit, ...). */
  BAD_STATE: 'CHARM_ERR_BAD_STATE',
  /** The job was aborted by `charm.abort` or by an uncaught error in an entry method. */
  ABORTED: 'CHARM_ERR_ABORTED',
  /** The system is quiescent while something still waits for a message that can never come. */
  DEADLOCK: 'CHARM_ERR_DEADLOCK',
} as const;

/** One of the stable error code strings. */
export type ErrorCodeString = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every charm4ts error. */
export class CharmError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCodeString;

  constructor(code: ErrorCodeString, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A flag or option is unknown or malformed (charmrun, runtime flags). */
export class BadFlagError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.BAD_FLAG, message);
  }
}

/** An API argument is invalid. */
export class InvalidArgumentError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }
}

/** No entry method of that name exists on the target class. */
export class UnknownEntryMethodError extends CharmError {
  constructor(className: string, method: string) {
    super(ErrorCode.UNKNOWN_ENTRY_METHOD, `${className} has no entry method "${method}"`);
  }
}

/** An entry method was called with arguments it cannot take. */
export class BadArgumentsError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.BAD_ARGUMENTS, message);
  }
}

/** A value cannot travel between PEs. `path` names where inside the message it sits. */
export class UnserializableError extends CharmError {
  /** Location of the offending value inside the message, e.g. `args[1].field`. */
  readonly path: string;

  constructor(path: string, what: string) {
    super(ErrorCode.UNSERIALIZABLE, `cannot send ${what} at ${path}`);
    this.path = path;
  }
}

/** An array index is outside the array or has the wrong number of dimensions. */
export class IndexOutOfRangeError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.INDEX_OUT_OF_RANGE, message);
  }
}

/** A PE number that does not exist in this job. */
export class BadPeError extends CharmError {
  constructor(pe: number, numPes: number) {
    super(ErrorCode.BAD_PE, `PE ${pe} does not exist (this job has PEs 0..${numPes - 1})`);
  }
}

/** A class used without registration. */
export class NotRegisteredError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.NOT_REGISTERED, message);
  }
}

/** Two registrations under one name. */
export class DuplicateRegistrationError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.DUPLICATE_REGISTRATION, message);
  }
}

/** The PEs of one job registered different classes or methods. */
export class RegistryMismatchError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.REGISTRY_MISMATCH, message);
  }
}

/** A future misuse: awaited off its PE, or set twice. */
export class FutureError extends CharmError {}

/**
 * An entry method threw on another PE. `remoteName`, `remoteMessage`, `remoteStack` and
 * `remoteCode` carry the original error; `pe` says where it ran.
 */
export class RemoteError extends CharmError {
  /** `name` of the original error. */
  readonly remoteName: string;
  /** `message` of the original error. */
  readonly remoteMessage: string;
  /** Stack of the original error, as printed on the PE that threw. */
  readonly remoteStack: string;
  /** `code` of the original error when it had one. */
  readonly remoteCode: string | undefined;
  /** PE on which the entry method ran. */
  readonly pe: number;

  constructor(info: { name: string; message: string; stack: string; code?: string; pe: number; where: string }) {
    super(ErrorCode.REMOTE, `${info.where} on PE ${info.pe} threw ${info.name}: ${info.message}`);
    this.remoteName = info.name;
    this.remoteMessage = info.message;
    this.remoteStack = info.stack;
    this.remoteCode = info.code;
    this.pe = info.pe;
    this.stack = `${this.name}: ${this.message}\n    --- remote stack (PE ${info.pe}) ---\n${info.stack}\n    --- local stack ---\n${(this.stack ?? '').split('\n').slice(1).join('\n')}`;
  }
}

/** An element inserted twice. */
export class DuplicateElementError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.DUPLICATE_ELEMENT, message);
  }
}

/** A contribution that breaks the reduction's rules. */
export class BadContributionError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.BAD_CONTRIBUTION, message);
  }
}

/** An unknown reducer, or values a reducer cannot combine. */
export class BadReducerError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.BAD_REDUCER, message);
  }
}

/** A malformed or unexpected message from the network. */
export class ProtocolError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.PROTOCOL, message);
  }
}

/** The requested transport is unavailable; the message says why. */
export class TransportUnavailableError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.TRANSPORT_UNAVAILABLE, message);
  }
}

/** The runtime was used in the wrong state. */
export class BadStateError extends CharmError {
  constructor(message: string) {
    super(ErrorCode.BAD_STATE, message);
  }
}
