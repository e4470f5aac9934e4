/**
 * The WebAssembly form of one Jacobi step, generated with the typed emitter.
 *
 * The module imports its memory (`env.memory`) and exports `step(src, dst, rows, cols, stride)`:
 * `src` and `dst` are byte addresses of two grids with a one-cell ghost frame, `stride` the byte
 * distance between rows. For every interior point it computes
 * `((((up + down) + left) + right) + self) * 0.2`, in that order, so the result is bit-identical
 * to the JavaScript loop: f64x2 lanes round exactly like scalar f64 arithmetic, and the order of
 * the additions is the same in every variant and loop shape.
 *
 * The loop walks groups of `rowBlock` rows; within a group, columns left to right, `unroll`
 * vectors per row per iteration, then narrower loops (one vector, one scalar) for the end of
 * the row, then smaller row groups for the last rows. Nothing in the loop depends on the block's
 * size, so one compiled module serves every block.
 */

import { CodeBuilder } from './wasm-emitter.js';
import { ValType, encodeModule } from './wasm-encoding.js';

/** How the step loop is generated. */
export interface JacobiModuleOptions {
  /** Use f64x2 SIMD (two points per vector); otherwise scalar f64. */
  readonly simd: boolean;
  /** Vectors (or scalars) per row per inner-loop iteration: 1, 2, 4 or 8. */
  readonly unroll: number;
  /**
   * Rows computed together, 1 to 4: each centre value loaded then also serves as the
   * neighbour above or below, which saves loads.
   */
  readonly rowBlock: number;
  /**
   * SIMD only: load each centre vector once and form the left and right neighbours from
   * adjacent centres with a shuffle, instead of loading them unaligned.
   */
  readonly shuffle: boolean;
}

/** `i8x16.shuffle` lanes taking the high double of the first operand and the low of the second. */
const CONCAT_MIDDLE: readonly number[] = Object.freeze([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);

/** The locals of `step`, by index. */
interface StepLocals {
  readonly src: number;
  readonly dst: number;
  readonly rows: number;
  readonly cols: number;
  readonly stride: number;
  /** Byte offset, from a grid's start, of the first row of the current row group. */
  readonly rowOff: number;
  readonly rowsLeft: number;
  /** Source pointer: the row above the group, current column. */
  readonly up: number;
  /** Source pointers: each row of the group, one column left of the current column. */
  readonly mid: readonly number[];
  /** Source pointer: the row below the group, current column. */
  readonly down: number;
  /** Destination pointers: each row of the group, current column. */
  readonly out: readonly number[];
  /** Destination address just past the group's first row, and the current loop's bound. */
  readonly rowEnd: number;
  readonly limit: number;
  /** Centre values of the group's rows (v128: `unroll` per row, row-major; f64: one per row). */
  readonly centreV: readonly number[];
  readonly centreF: readonly number[];
  /** 0.2 in both lanes (SIMD module only; the scalar code uses a constant). */
  readonly fifth: number;
}

/** Assigns local indices after the five parameters and lists the extra locals' types. */
function allocateLocals(options: JacobiModuleOptions): { locals: StepLocals; types: ValType[] } {
  const types: ValType[] = [];
  const add = (type: ValType): number => 5 + types.push(type) - 1;
  const many = (n: number, type: ValType): number[] => Array.from({ length: n }, () => add(type));
  const R = options.rowBlock;
  const { i32, f64, v128 } = ValType;
  const locals: StepLocals = {
    src: 0,
    dst: 1,
    rows: 2,
    cols: 3,
    stride: 4,
    rowOff: add(i32),
    rowsLeft: add(i32),
    up: add(i32),
    mid: many(R, i32),
    down: add(i32),
    out: many(R, i32),
    rowEnd: add(i32),
    limit: add(i32),
    // The scalar module must not mention v128, so that it validates where SIMD is missing.
    centreV: options.simd ? many(R * options.unroll, v128) : [],
    centreF: many(R, f64),
    fifth: options.simd ? add(v128) : -1,
  };
  return { locals, types };
}

/**
 * Emits one inner loop over a group of `R` rows that advances `width` points per iteration
 * (`width / lanes` vectors or scalars unrolled) while at least `width` points remain.
 */
function emitColumnLoop(code: CodeBuilder, L: StepLocals, R: number, width: number, options: JacobiModuleOptions): void {
  const simd = options.simd && width >= 2;
  const lanes = simd ? 2 : 1;
  const vectors = width / lanes;
  const shuffle = simd && options.shuffle && vectors >= 2;
  const load = (ptr: number, offset: number): void => {
    code.localGet(ptr);
    if (simd) code.v128Load(offset);
    else code.f64Load(offset);
  };
  const add = (): void => {
    if (simd) code.f64x2Add();
    else code.f64Add();
  };
  const centre = (r: number, k: number): number => (simd ? L.centreV[r * vectors + k] : L.centreF[r]);

  code.localGet(L.rowEnd).i32Const(8 * (width - 1)).i32Sub().localSet(L.limit);
  code.block().localGet(L.out[0]).localGet(L.limit).i32GeU().brIf(0);
  code.loop();
  // With shuffles, all centres of the iteration are loaded first; otherwise one column at a time.
  const loadCentres = (ks: number[]): void => {
    for (const k of ks) {
      for (let r = 0; r < R; r++) {
        load(L.mid[r], 8 * lanes * k + 8);
        code.localSet(centre(r, k));
      }
    }
  };
  const all = Array.from({ length: vectors }, (_, k) => k);
  if (shuffle) loadCentres(all);
  for (const k of all) {
    const o = 8 * lanes * k;
    if (!shuffle) loadCentres([k]);
    for (let r = 0; r < R; r++) {
      code.localGet(L.out[r]);
      if (r === 0) load(L.up, o);
      else code.localGet(centre(r - 1, k));
      if (r === R - 1) load(L.down, o);
      else code.localGet(centre(r + 1, k));
      add(); // up + down
      if (shuffle && k > 0) code.localGet(centre(r, k - 1)).localGet(centre(r, k)).i8x16Shuffle(CONCAT_MIDDLE);
      else load(L.mid[r], o);
      add(); // + left
      if (shuffle && k < vectors - 1) code.localGet(centre(r, k)).localGet(centre(r, k + 1)).i8x16Shuffle(CONCAT_MIDDLE);
      else load(L.mid[r], o + 16);
      add(); // + right
      code.localGet(centre(r, k));
      add(); // + self
      if (simd) code.localGet(L.fifth).f64x2Mul().v128Store(o);
      else code.f64Const(0.2).f64Mul().f64Store(o);
    }
  }
  for (const p of [L.up, ...L.mid, L.down, ...L.out]) code.localGet(p).i32Const(8 * width).i32Add().localSet(p);
  code.localGet(L.out[0]).localGet(L.limit).i32LtU().brIf(0);
  code.end().end();
}

/** Emits the loop over groups of `R` rows, run while at least `R` rows remain. */
function emitRowLoop(code: CodeBuilder, L: StepLocals, R: number, options: JacobiModuleOptions): void {
  code.block().localGet(L.rowsLeft).i32Const(R).i32LtU().brIf(0);
  code.loop();
  code.localGet(L.src).localGet(L.rowOff).i32Add().localGet(L.stride).i32Sub().i32Const(8).i32Add().localSet(L.up);
  for (let r = 0; r < R; r++) {
    code.localGet(L.src).localGet(L.rowOff).i32Add().localSet(L.mid[r]);
    code.localGet(L.dst).localGet(L.rowOff).i32Add().i32Const(8).i32Add().localSet(L.out[r]);
    code.localGet(L.rowOff).localGet(L.stride).i32Add().localSet(L.rowOff);
  }
  // rowOff now names the row below the group, which is also where the next group starts.
  code.localGet(L.src).localGet(L.rowOff).i32Add().i32Const(8).i32Add().localSet(L.down);
  code.localGet(L.out[0]).localGet(L.cols).i32Const(3).i32Shl().i32Add().localSet(L.rowEnd);
  // Widest loop first, then narrower ones for the rest of the row.
  const lanes = options.simd ? 2 : 1;
  const widths = [...new Set([lanes * options.unroll, lanes, 1])].sort((a, b) => b - a);
  for (const w of widths) emitColumnLoop(code, L, R, w, options);
  code.localGet(L.rowsLeft).i32Const(R).i32Sub().localTee(L.rowsLeft);
  code.i32Const(R).i32GeU().brIf(0);
  code.end().end();
}

/** Builds the body of `step`: row groups of `rowBlock` rows, then smaller groups for the rest. */
function stepBody(L: StepLocals, options: JacobiModuleOptions): CodeBuilder {
  const code = new CodeBuilder();
  if (options.simd) code.f64Const(0.2).f64x2Splat().localSet(L.fifth);
  code.localGet(L.stride).localSet(L.rowOff);
  code.localGet(L.rows).localSet(L.rowsLeft);
  for (let R = options.rowBlock; R >= 1; R--) emitRowLoop(code, L, R, options);
  return code;
}

/**
 * Returns the bytes of a module exporting `step` as described above. The bytes are fresh and
 * owned by the caller (typically handed straight to `new WebAssembly.Module`).
 */
export function jacobiModuleBytes(options: JacobiModuleOptions): Uint8Array {
  if (![1, 2, 4, 8].includes(options.unroll)) {
    throw new RangeError(`unroll must be 1, 2, 4 or 8, got ${options.unroll}`);
  }
  if (![1, 2, 3, 4].includes(options.rowBlock)) {
    throw new RangeError(`rowBlock must be 1 to 4, got ${options.rowBlock}`);
  }
  const i32 = ValType.i32;
  const { locals, types } = allocateLocals(options);
  return encodeModule({
    memory: { module: 'env', name: 'memory' },
    functions: [{ name: 'step', params: [i32, i32, i32, i32, i32], locals: types, body: stepBody(locals, options) }],
  });
}
