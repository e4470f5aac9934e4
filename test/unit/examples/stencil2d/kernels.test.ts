import t from 'tap';
import { Block, SIDES } from '../../../../examples/stencil2d/kernel/block.js';
import { gridLayout } from '../../../../examples/stencil2d/kernel/grid-layout.js';
import { createJsKernel } from '../../../../examples/stencil2d/kernel/jacobi-js.js';
import { createWasmKernel, wasmSupport } from '../../../../examples/stencil2d/kernel/jacobi-wasm.js';
import { createJacobiKernel, kernelSupport, type JacobiKernel } from '../../../../examples/stencil2d/kernel/kernel.js';
import { firstDifference } from './tiling.js';

/** A deterministic generator of values whose sums depend on the order of the additions. */
function values(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u = (x >>> 0) / 2 ** 32;
    return (u - 0.3) * 10 ** Math.floor(u * 1e4 % 13 - 4);
  };
}

/** A full frame (rows + 2) x (cols + 2) of random values, row-major. */
function randomFrame(rows: number, cols: number, seed: number): Float64Array {
  const next = values(seed);
  return Float64Array.from({ length: (rows + 2) * (cols + 2) }, next);
}

/** The step written point by point; `order` picks the specified order or a wrong one. */
function referenceStep(frame: Float64Array, rows: number, cols: number, order: 'spec' | 'other'): Float64Array {
  const w = cols + 2;
  const out = new Float64Array(rows * cols);
  for (let i = 1; i <= rows; i++) {
    for (let j = 1; j <= cols; j++) {
      const [up, down, left, right, self] = [frame[(i - 1) * w + j], frame[(i + 1) * w + j], frame[i * w + j - 1], frame[i * w + j + 1], frame[i * w + j]];
      out[(i - 1) * cols + j - 1] =
        order === 'spec' ? ((((up + down) + left) + right) + self) * 0.2 : ((up + (down + left)) + (right + self)) * 0.2;
    }
  }
  return out;
}

/** A block in the middle of a larger grid (every side takes halos) loaded from `frame`. */
function blockFromFrame(frame: Float64Array, rows: number, cols: number, kernel: JacobiKernel): Block {
  const w = cols + 2;
  const interior = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) interior.set(frame.subarray((i + 1) * w + 1, (i + 1) * w + 1 + cols), i * cols);
  const block = new Block({ row0: 1, col0: 1, rows, cols, n: rows + 2, m: cols + 2 }, kernel, interior);
  const column = (j: number) => Float64Array.from({ length: rows }, (_, i) => frame[(i + 1) * w + j]);
  block.setHalo('north', frame.slice(1, 1 + cols));
  block.setHalo('south', frame.slice((rows + 1) * w + 1, (rows + 1) * w + 1 + cols));
  block.setHalo('west', column(0));
  block.setHalo('east', column(cols + 1));
  return block;
}

/** Every kernel to compare: each variant, and the WebAssembly ones in every loop shape. */
function allKernels(): { name: string; kernel: JacobiKernel }[] {
  const out = [{ name: 'js', kernel: createJsKernel() }];
  const support = wasmSupport();
  for (const simd of [true, false]) {
    if ((simd ? support.simd : support.scalar) !== true) continue;
    for (const unroll of [1, 2, 4, 8]) {
      for (const rowBlock of [1, 2, 3, 4]) {
        for (const shuffle of simd ? [false, true] : [false]) {
          if (!simd && unroll > 2) continue;
          const name = `${simd ? 'simd' : 'scalar'} u${unroll} r${rowBlock}${shuffle ? ' shuffle' : ''}`;
          out.push({ name, kernel: createWasmKernel(simd, { unroll, rowBlock, shuffle }) });
        }
      }
    }
  }
  return out;
}

t.test('random data detects a change of the addition order', (t) => {
  const frame = randomFrame(8, 13, 7);
  const spec = referenceStep(frame, 8, 13, 'spec');
  t.not(firstDifference(spec, referenceStep(frame, 8, 13, 'other')), -1);
  t.end();
});

t.test('every kernel and loop shape computes the specified order bit for bit', (t) => {
  const kernels = allKernels();
  t.ok(kernels.length > 1 || kernelSupport().available.length === 1, 'WebAssembly kernels are tested where available');
  let seed = 1;
  for (const rows of [1, 2, 3, 5, 8]) {
    for (const cols of [1, 2, 3, 4, 5, 8, 13]) {
      const frame = randomFrame(rows, cols, seed++);
      const expected = referenceStep(frame, rows, cols, 'spec');
      for (const { name, kernel } of kernels) {
        const block = blockFromFrame(frame, rows, cols, kernel);
        block.step();
        const diff = firstDifference(block.interior(), expected);
        if (diff !== -1) t.fail(`${name}, ${rows} x ${cols}: differs at ${diff}`);
      }
    }
  }
  t.pass(`${kernels.length} kernels agree on 35 block sizes`);
  t.end();
});

t.test('variants stay identical over many steps with random halos', (t) => {
  const rows = 19;
  const cols = 23;
  const kernels = allKernels();
  const frame = randomFrame(rows, cols, 99);
  const blocks = kernels.map(({ kernel }) => blockFromFrame(frame, rows, cols, kernel));
  const next = values(5);
  for (let step = 0; step < 40; step++) {
    for (const side of step === 0 ? [] : SIDES) {
      const halo = Float64Array.from({ length: blocks[0].haloLength(side) }, next);
      for (const b of blocks) b.setHalo(side, halo);
    }
    for (const b of blocks) b.step();
  }
  const expected = blocks[0].interior();
  blocks.forEach((b, k) => t.equal(firstDifference(b.interior(), expected), -1, kernels[k].name));
  t.end();
});

t.test('kernel selection', (t) => {
  const support = kernelSupport();
  t.equal(support.available.at(-1), 'js', 'js is always available');
  t.equal(createJacobiKernel().variant, support.available[0], 'auto picks the fastest available');
  const off = kernelSupport({ CHARM4TS_NO_WASM: '1' });
  t.same(off.available, ['js'], 'CHARM4TS_NO_WASM leaves only js');
  t.match(off.unavailable['wasm-simd'], /CHARM4TS_NO_WASM/, 'and says why');
  t.same(kernelSupport({ CHARM4TS_NO_WASM: '0' }).available, support.available, 'CHARM4TS_NO_WASM=0 changes nothing');
  if (wasmSupport().simd === true) {
    t.equal(createJacobiKernel().variant, 'wasm-simd', 'Node 20 on x86-64 runs SIMD');
    t.notOk(createWasmKernel(true).fits(gridLayout(20000, 20000)), 'a 6.4 GB block does not fit one memory');
    t.ok(createWasmKernel(true).fits(gridLayout(8192, 8192)), 'a 1 GB block does');
  }
  t.end();
});
