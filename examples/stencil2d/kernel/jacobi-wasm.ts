/**
 * The WebAssembly kernels (f64x2 SIMD and scalar). The module is generated in memory by
 * `jacobiModuleBytes` and compiled once per kernel; each block gets its own
 * `WebAssembly.Memory` sized for its two grids and an instance of the module bound to it, so a
 * block's grids are plain Float64Array views that can be read, written and sent like any other.
 */

import type { GridLayout } from './grid-layout.js';
import { jacobiModuleBytes, type JacobiModuleOptions } from './jacobi-wasm-module.js';
import type { GridPair, JacobiKernel } from './kernel.js';
import { wasmApi } from './wasm-api.js';

/** The shape of the generated module's one export. */
type StepFn = (src: number, dst: number, rows: number, cols: number, strideBytes: number) => void;

/** Bytes per WebAssembly page. */
const PAGE_BYTES = 65536;
/** The most pages a 32-bit WebAssembly memory can have (4 GiB). */
const MAX_PAGES = 65536;

/**
 * Loop shapes measured fastest on x86-64 (bench/stencil-kernel/run.ts --shapes): four rows at a
 * time, two vectors (four points) per row per iteration, neighbours by shuffle. Four rows also
 * keep more memory streams in flight, which is what pays on blocks larger than the caches.
 */
const SIMD_SHAPE: JacobiModuleOptions = Object.freeze({ simd: true, unroll: 2, rowBlock: 4, shuffle: true });
/** The same for scalar code: four rows, four points per row per iteration. */
const SCALAR_SHAPE: JacobiModuleOptions = Object.freeze({ simd: false, unroll: 4, rowBlock: 4, shuffle: false });

/** Whether each WebAssembly variant can run here: `true`, or the reason it cannot. */
export interface WasmSupport {
  readonly scalar: true | string;
  readonly simd: true | string;
}

/** Checks that this runtime has WebAssembly and accepts the generated modules. */
export function wasmSupport(): WasmSupport {
  const wasm = wasmApi();
  if (wasm === undefined) {
    const why = 'WebAssembly is not available in this runtime';
    return { scalar: why, simd: why };
  }
  const scalar = wasm.validate(jacobiModuleBytes(SCALAR_SHAPE))
    ? true
    : 'this runtime rejects the scalar WebAssembly module';
  const simd = wasm.validate(jacobiModuleBytes(SIMD_SHAPE))
    ? true
    : 'this runtime does not support WebAssembly SIMD (f64x2)';
  return { scalar, simd };
}

/** A WebAssembly kernel, which can also say whether a block fits in one memory. */
export interface WasmKernel extends JacobiKernel {
  /** Whether both grids of `layout` fit in one 32-bit WebAssembly memory. */
  fits(layout: GridLayout): boolean;
}

/**
 * Compiles the step module once and returns a kernel whose `allocate` gives each block its own
 * memory and instance. `shape` overrides the loop shape (for benchmarks; results are identical
 * for every shape). Throws if the runtime rejects the module; check `wasmSupport()` first.
 */
export function createWasmKernel(simd: boolean, shape?: Partial<Omit<JacobiModuleOptions, 'simd'>>): WasmKernel {
  const wasm = wasmApi();
  if (wasm === undefined) throw new RangeError('WebAssembly is not available in this runtime');
  const options = { ...(simd ? SIMD_SHAPE : SCALAR_SHAPE), ...shape };
  const module = new wasm.Module(jacobiModuleBytes(options));
  const variant = simd ? 'wasm-simd' : 'wasm';
  const pagesFor = (layout: GridLayout): number => Math.ceil(layout.byteLength / PAGE_BYTES);
  return {
    variant,
    fits: (layout) => pagesFor(layout) <= MAX_PAGES,
    allocate(layout: GridLayout): GridPair {
      const pages = pagesFor(layout);
      if (pages > MAX_PAGES) {
        throw new RangeError(
          `a ${layout.rows} x ${layout.cols} block needs ${layout.byteLength} bytes, more than one ` +
            'WebAssembly memory holds (4 GiB); decompose the grid further or use the js kernel',
        );
      }
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      const instance = new wasm.Instance(module, { env: { memory } });
      const step = instance.exports.step as StepFn;
      const [a, b] = layout.byteOffsets;
      const grids = [
        new Float64Array(memory.buffer, a, layout.gridLength),
        new Float64Array(memory.buffer, b, layout.gridLength),
      ] as const;
      const { rows, cols } = layout;
      const strideBytes = layout.stride * 8;
      return {
        variant,
        layout,
        grids,
        step(from: 0 | 1): void {
          if (from === 0) step(a, b, rows, cols, strideBytes);
          else step(b, a, rows, cols, strideBytes);
        },
      };
    },
  };
}
