/**
 * Chooses and builds the transport of a PE from its `++transport` name. `auto` picks the
 * best transport available here and says why the faster ones were not used.
 */
import { BadFlagError } from '../errors.js';
import type { Transport, TransportContext } from './transport.js';
import { WsTransport } from './ws/ws-transport.js';

/** Transport names `++transport` accepts. */
export const TRANSPORT_NAMES = ['auto', 'ws'] as const;

/** A built transport and a one-line account of the choice. */
export interface TransportChoice {
  readonly transport: Transport;
  /** E.g. "ws" or "ws (auto: ucx unavailable: ...)". */
  readonly description: string;
}

/** Builds the transport named `name` for this PE. Throws BadFlagError for an unknown name. */
export function createTransport(name: string, ctx: TransportContext): TransportChoice {
  switch (name) {
    case 'ws':
      return { transport: new WsTransport(ctx), description: 'ws' };
    case 'auto':
      return { transport: new WsTransport(ctx), description: 'ws (auto: the only transport in this build)' };
    default:
      throw new BadFlagError(`unknown transport "${name}" (known: ${TRANSPORT_NAMES.join(', ')})`);
  }
}
