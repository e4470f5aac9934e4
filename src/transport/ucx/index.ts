/** The UCX transport and its availability check: the only entry point of this folder. */
export { UcxTransport, jobTag, type UcxTransportOptions } from './ucx-transport.js';
export {
  loadUcxAddon,
  NO_UCX_ENV,
  ADDON_RELATIVE_PATH,
  UNAVAILABLE_RELATIVE_PATH,
  type UcxAvailability,
  type UcxLoadOptions,
} from './ucx-availability.js';
export { applyUcxEnvironment, REQUIRED_UCX_ENV, DEFAULT_UCX_ENV } from './ucx-environment.js';
export type { UcxAddon, UcxPoolStats } from './ucx-native.js';
