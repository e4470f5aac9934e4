/**
 * The kernel seam: a kernel allocates a block's two grids and runs Jacobi steps on them. The
 * variant is chosen once, when the kernel is created, so a step carries no option branches.
 *
 * Variants, fastest first: `wasm-simd` (f64x2 WebAssembly), `wasm` (scalar WebAssembly), `js`
 * (plain typed-array loops). All produce bit-identical grids. `createJacobiKernel()` picks the
 * fastest one this platform can run; setting `CHARM4TS_NO_WASM=1` in the environment forces `js`.
 */

import type { GridLayout } from './grid-layout.js';
import { createJsKernel } from './jacobi-js.js';
import { createWasmKernel, wasmSupport } from './jacobi-wasm.js';

/** Names of the kernel variants. */
export type KernelVariant = 'wasm-simd' | 'wasm' | 'js';

/** Every variant, fastest first. */
export const KERNEL_VARIANTS: readonly KernelVariant[] = Object.freeze(['wasm-simd', 'wasm', 'js'] as const);

/**
 * A block's two grids and the step between them. The pair owns its memory; the views in
 * `grids` stay valid for the pair's whole life (its memory never grows or moves).
 */
export interface GridPair {
  /** The variant whose code runs `step` (an `auto` kernel may fall back per block). */
  readonly variant: KernelVariant;
  /** Where the values live: `grids[g][i * layout.stride + j]` is point (i, j) of grid g. */
  readonly layout: GridLayout;
  /** The two grids, each `layout.gridLength` values including the ghost frame. */
  readonly grids: readonly [Float64Array, Float64Array];
  /**
   * One step over the interior, reading `grids[from]` (interior and ghost frame) and writing
   * the interior of `grids[1 - from]`. The destination's ghost frame is left untouched.
   */
  step(from: 0 | 1): void;
}

/** Allocates grid pairs that share one compiled kernel. Create one per PE and reuse it. */
export interface JacobiKernel {
  /** The variant this kernel runs. */
  readonly variant: KernelVariant;
  /** A fresh pair of zero-filled grids laid out as `layout`, owned by the caller. */
  allocate(layout: GridLayout): GridPair;
}

/** Which variants can run here, and why the others cannot. */
export interface KernelSupport {
  /** The variants that can run, fastest first (`js` always). */
  readonly available: readonly KernelVariant[];
  /** For each variant that cannot run, the reason. */
  readonly unavailable: Readonly<Partial<Record<KernelVariant, string>>>;
}

/**
 * Reports which kernel variants this process can run, and why the others cannot.
 * `CHARM4TS_NO_WASM` set to anything but empty or `0` rules out the WebAssembly variants.
 */
export function kernelSupport(env: NodeJS.ProcessEnv = process.env): KernelSupport {
  const unavailable: Partial<Record<KernelVariant, string>> = {};
  const noWasm = env.CHARM4TS_NO_WASM;
  if (noWasm !== undefined && noWasm !== '' && noWasm !== '0') {
    unavailable['wasm-simd'] = 'CHARM4TS_NO_WASM is set';
    unavailable.wasm = 'CHARM4TS_NO_WASM is set';
  } else {
    const wasm = wasmSupport();
    if (wasm.scalar !== true) unavailable.wasm = wasm.scalar;
    if (wasm.simd !== true) unavailable['wasm-simd'] = wasm.simd;
  }
  return { available: KERNEL_VARIANTS.filter((v) => unavailable[v] === undefined), unavailable };
}

/**
 * Creates a kernel. With `'auto'` (the default) it is the fastest variant `kernelSupport()`
 * allows; a block too large for one WebAssembly memory (about 4 GiB for both grids) then gets
 * the `js` step instead, which its pair's `variant` reports. Naming a variant that cannot run
 * here throws a RangeError that says why.
 */
export function createJacobiKernel(variant: KernelVariant | 'auto' = 'auto'): JacobiKernel {
  if (variant === 'js') return createJsKernel();
  if (variant === 'auto') {
    const best = kernelSupport().available[0] ?? 'js';
    if (best === 'js') return createJsKernel();
    const wasm = createWasmKernel(best === 'wasm-simd');
    const js = createJsKernel();
    return {
      variant: best,
      allocate: (layout) => (wasm.fits(layout) ? wasm.allocate(layout) : js.allocate(layout)),
    };
  }
  const why = kernelSupport().unavailable[variant];
  if (why !== undefined) throw new RangeError(`the ${variant} kernel cannot run here: ${why}`);
  return createWasmKernel(variant === 'wasm-simd');
}
