/** The same-process shared-memory transport (PEs as worker threads of one process): the only entry point of this folder. */
export { ShmTransport, type ShmTransportOptions } from './shm-transport.js';
export {
  attachShmRegion,
  createShmRegion,
  defaultRingBytes,
  ShmRegion,
  type ShmRegionDescription,
  type ShmRegionOptions,
} from './shm-region.js';
export { ReceivePool, type ReceiveBuffers, type ReceivePoolOptions, type ReceivePoolStats } from './receive-buffers.js';
