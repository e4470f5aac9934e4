/**
 * Entry-method ids below zero are the runtime's own, invoked on chares through the same
 * ordered delivery as user entry methods.
 */

/** A channel message: args [senderKey, port, seq, value]. */
export const EP_CHANNEL = -1;
/** The result of an allreduce: args [tag, value]. */
export const EP_ALLREDUCE_RESULT = -2;
/** Resume after load balancing (calls the chare's resumeFromSync). */
export const EP_RESUME_FROM_SYNC = -3;

/** Lowest internal id in use. */
export const MIN_INTERNAL_EP = EP_RESUME_FROM_SYNC;
