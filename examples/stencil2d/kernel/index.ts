/**
 * The compute kernel of the stencil2d mini-app: grid blocks with ghost frames, the Jacobi step
 * in WebAssembly (SIMD or scalar) or JavaScript, and the serial reference.
 */

export { Block, COLD_BOUNDARY, HOT_BOUNDARY, SIDES, opposite } from './block.js';
export type { BlockGeometry, Side } from './block.js';
export { gridLayout } from './grid-layout.js';
export type { GridLayout } from './grid-layout.js';
export { KERNEL_VARIANTS, createJacobiKernel, kernelSupport } from './kernel.js';
export type { GridPair, JacobiKernel, KernelSupport, KernelVariant } from './kernel.js';
export { serialJacobi } from './serial.js';
export type { SerialResult } from './serial.js';
