/**
 * The part of the WebAssembly JavaScript API the kernel uses, typed here because the project's
 * `lib` settings (ES2023, Node types) do not declare the `WebAssembly` global.
 */

/** A compiled module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A module instance: its exports by name. */
export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** A linear memory; `buffer` is replaced (and the old one detached) only if the memory grows. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** The constructors and functions of the `WebAssembly` namespace used here. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The runtime's `WebAssembly` namespace, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: Partial<WasmApi> }).WebAssembly;
  if (typeof api !== 'object' || api === null || typeof api.validate !== 'function') return undefined;
  return api as WasmApi;
}
