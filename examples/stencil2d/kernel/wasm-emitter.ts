/**
 * A small, typed emitter for the few WebAssembly instructions the Jacobi kernel needs.
 *
 * It writes instructions in their binary form (WebAssembly core specification 2.0, section
 * 5.4, plus the fixed-width SIMD proposal); wasm-encoding.ts wraps them into a module. So the
 * kernel ships as readable TypeScript and no `.wasm` file or build tool is involved. Only what
 * the kernel uses is here: a little i32 and f64 arithmetic, loads and stores, blocks and loops,
 * and a few f64x2 SIMD operations.
 */

import { pushI32, pushU32 } from './wasm-encoding.js';

/** The `blocktype` of a block or loop that yields no value. */
const EMPTY_BLOCK = 0x40;

/** Plain (one-byte) opcodes. */
const Op = Object.freeze({
  block: 0x02,
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  f64Add: 0xa0,
  f64Mul: 0xa2,
} as const);

/** SIMD opcodes: the 0xfd prefix followed by this number as unsigned LEB128. */
const SimdOp = Object.freeze({
  v128Load: 0x00,
  v128Store: 0x0b,
  i8x16Shuffle: 0x0d,
  f64x2Splat: 0x14,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
} as const);

const SIMD_PREFIX = 0xfd;

/**
 * Builds the body of one function, instruction by instruction. Every method appends one
 * instruction and returns `this`, so a body reads top to bottom like the text format.
 * Memory offsets are static byte offsets (the `offset` immediate of a memarg).
 */
export class CodeBuilder {
  readonly #bytes: number[] = [];

  /** The instruction bytes written so far (the caller must not modify the array). */
  get bytes(): readonly number[] {
    return this.#bytes;
  }

  #op(op: number): this {
    this.#bytes.push(op);
    return this;
  }

  #simd(op: number): this {
    this.#bytes.push(SIMD_PREFIX);
    pushU32(this.#bytes, op);
    return this;
  }

  #opIndex(op: number, index: number): this {
    this.#bytes.push(op);
    pushU32(this.#bytes, index);
    return this;
  }

  #memarg(alignLog2: number, offset: number): this {
    pushU32(this.#bytes, alignLog2);
    pushU32(this.#bytes, offset);
    return this;
  }

  /** `block` with no result; `br 0` inside it jumps past its `end`. */
  block(): this {
    return this.#op(Op.block).#op(EMPTY_BLOCK);
  }
  /** `loop` with no result; `br 0` inside it jumps back to its start. */
  loop(): this {
    return this.#op(Op.loop).#op(EMPTY_BLOCK);
  }
  /** `br_if depth`: pops an i32 and branches when it is non-zero. */
  brIf(depth: number): this {
    return this.#opIndex(Op.brIf, depth);
  }
  /** `end` of a block, loop or the function body. */
  end(): this {
    return this.#op(Op.end);
  }
  /** `local.get index`. */
  localGet(index: number): this {
    return this.#opIndex(Op.localGet, index);
  }
  /** `local.set index`. */
  localSet(index: number): this {
    return this.#opIndex(Op.localSet, index);
  }
  /** `local.tee index`. */
  localTee(index: number): this {
    return this.#opIndex(Op.localTee, index);
  }
  /** `i32.const value`. */
  i32Const(value: number): this {
    this.#op(Op.i32Const);
    pushI32(this.#bytes, value);
    return this;
  }
  /** `f64.const value` (little-endian IEEE 754 bits). */
  f64Const(value: number): this {
    this.#op(Op.f64Const);
    const raw = new Uint8Array(new Float64Array([value]).buffer);
    for (const b of raw) this.#bytes.push(b);
    return this;
  }
  /** `i32.lt_u`. */
  i32LtU(): this {
    return this.#op(Op.i32LtU);
  }
  /** `i32.ge_u`. */
  i32GeU(): this {
    return this.#op(Op.i32GeU);
  }
  /** `i32.add`. */
  i32Add(): this {
    return this.#op(Op.i32Add);
  }
  /** `i32.sub`. */
  i32Sub(): this {
    return this.#op(Op.i32Sub);
  }
  /** `i32.shl`. */
  i32Shl(): this {
    return this.#op(Op.i32Shl);
  }
  /** `f64.load offset` (8-byte alignment hint). */
  f64Load(offset: number): this {
    return this.#op(Op.f64Load).#memarg(3, offset);
  }
  /** `f64.store offset` (8-byte alignment hint). */
  f64Store(offset: number): this {
    return this.#op(Op.f64Store).#memarg(3, offset);
  }
  /** `f64.add`. */
  f64Add(): this {
    return this.#op(Op.f64Add);
  }
  /** `f64.mul`. */
  f64Mul(): this {
    return this.#op(Op.f64Mul);
  }
  /** `v128.load offset` (8-byte alignment hint: the kernel's vectors are only 8-aligned). */
  v128Load(offset: number): this {
    return this.#simd(SimdOp.v128Load).#memarg(3, offset);
  }
  /** `v128.store offset` (8-byte alignment hint). */
  v128Store(offset: number): this {
    return this.#simd(SimdOp.v128Store).#memarg(3, offset);
  }
  /**
   * `i8x16.shuffle lanes`: byte k of the result is byte `lanes[k]` of the two operands taken
   * as one 32-byte sequence (first operand bytes 0-15, second 16-31).
   */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => !Number.isInteger(l) || l < 0 || l > 31)) {
      throw new RangeError('i8x16.shuffle takes 16 lane indices in 0..31');
    }
    this.#simd(SimdOp.i8x16Shuffle);
    for (const l of lanes) this.#bytes.push(l);
    return this;
  }
  /** `f64x2.splat`. */
  f64x2Splat(): this {
    return this.#simd(SimdOp.f64x2Splat);
  }
  /** `f64x2.add` (lane-wise, IEEE 754 round-to-nearest like `f64.add`). */
  f64x2Add(): this {
    return this.#simd(SimdOp.f64x2Add);
  }
  /** `f64x2.mul` (lane-wise, IEEE 754 round-to-nearest like `f64.mul`). */
  f64x2Mul(): this {
    return this.#simd(SimdOp.f64x2Mul);
  }
}
