/**
 * The Parallel Research Kernels' random generator (PIC.md 2.2): a 64-bit linear congruential
 * generator `s -> (A*s + C) mod 2^64` from a fixed reset value, the `draw(mu)` that turns two
 * steps into a particle count, and O(log n) skip-ahead so that any owner of a block of cells can
 * start at the right place in the one global sequence.
 *
 * The draws step the state as four 16-bit limbs held in local variables: exact 64-bit
 * arithmetic on small integers, no allocation (in Node 20, about 1.5-2x faster than the same
 * placement loop written with BigInt; the tests check it against such a loop). BigInt is used
 * where it is cheap and clear: the public constants, `state`, and composing the affine map of a
 * jump by repeated squaring (`BigInt.asUintN(64, ...)`).
 */

/** LCG multiplier A. */
export const LCG_MULTIPLIER = 6364136223846793005n;
/** LCG increment C. */
export const LCG_INCREMENT = 1442695040888963407n;
/** State after a reset. */
export const LCG_RESET_STATE = 27182818285n;

const TWO_POW_32 = 4294967296;
const UINT32_MAX = 4294967295;
const TWO_POW_MINUS_64 = 2 ** -64;
const TWO_PI = 2 * Math.PI;

/** Fraction of the mean used as the standard deviation of a Gaussian draw. */
const GAUSSIAN_RELATIVE_SD = 0.15;

/** 16-bit limbs of LCG_MULTIPLIER and LCG_INCREMENT, least significant first. */
const A0 = 0x7f2d;
const A1 = 0x4c95;
const A2 = 0xf42d;
const A3 = 0x5851;
const C0 = 0x814f;
const C1 = 0xf767;
const C2 = 0x7b7e;
const C3 = 0x1405;

/**
 * The uniform sample of a state given as its 32-bit halves: (state mod (2^64-1)) converted to
 * the nearest double, times 2^-64. high*2^32 is exact, so the one addition rounds the exact value
 * to nearest, ties to even, as the C conversion does.
 */
function unitSample(high: number, low: number): number {
  if (high === UINT32_MAX && low === UINT32_MAX) return 0;
  return (high * TWO_POW_32 + low) * TWO_POW_MINUS_64;
}

/**
 * The affine map `s -> multiplier*s + increment (mod 2^64)` that advances the generator by
 * `steps` steps. Immutable; build one with {@link lcgJump} and apply it as often as needed with
 * {@link RandomDraw.applyJump}.
 */
export class LcgJump {
  /** Number of generator steps this map advances. */
  readonly steps: bigint;
  /** Multiplier of the composed map. */
  readonly multiplier: bigint;
  /** Increment of the composed map. */
  readonly increment: bigint;

  constructor(steps: bigint, multiplier: bigint, increment: bigint) {
    this.steps = steps;
    this.multiplier = BigInt.asUintN(64, multiplier);
    this.increment = BigInt.asUintN(64, increment);
  }
}

/**
 * The map that advances the generator by `steps` (>= 0) steps, composed by repeated squaring in
 * O(log steps) BigInt operations: `(A1,C1) then (A2,C2) = (A2*A1, A2*C1 + C2)`, all mod 2^64.
 */
export function lcgJump(steps: number | bigint): LcgJump {
  let remaining = BigInt(steps);
  if (remaining < 0n) throw new RangeError(`cannot jump a negative number of steps: ${remaining}`);
  const total = remaining;
  let resultA = 1n;
  let resultC = 0n;
  let powerA = LCG_MULTIPLIER;
  let powerC = LCG_INCREMENT;
  while (remaining > 0n) {
    if ((remaining & 1n) === 1n) {
      resultA = BigInt.asUintN(64, powerA * resultA);
      resultC = BigInt.asUintN(64, powerA * resultC + powerC);
    }
    powerC = BigInt.asUintN(64, powerA * powerC + powerC);
    powerA = BigInt.asUintN(64, powerA * powerA);
    remaining >>= 1n;
  }
  return new LcgJump(total, resultA, resultC);
}

/** The state reached `steps` steps after a reset, computed with BigInt only (a reference). */
export function lcgStateAfter(steps: number | bigint): bigint {
  const jump = lcgJump(steps);
  return BigInt.asUintN(64, jump.multiplier * LCG_RESET_STATE + jump.increment);
}

const ONE_STEP = lcgJump(1);

/**
 * One PRK generator. Not shared: each owner of cells holds its own instance. A new instance
 * starts at the reset value.
 */
export class RandomDraw {
  /** 16-bit limbs of the state, least significant first. */
  private readonly limbs = new Int32Array(4);
  private readonly single = new Int32Array(1);

  constructor() {
    this.reset();
  }

  /** The current 64-bit state. */
  get state(): bigint {
    const l = this.limbs;
    return BigInt(l[0]) | (BigInt(l[1]) << 16n) | (BigInt(l[2]) << 32n) | (BigInt(l[3]) << 48n);
  }

  /** Sets the current 64-bit state (reduced mod 2^64). */
  set state(value: bigint) {
    const reduced = BigInt.asUintN(64, value);
    for (let i = 0; i < 4; i++) this.limbs[i] = Number((reduced >> BigInt(16 * i)) & 0xffffn);
  }

  /** Returns to the reset value (27182818285). */
  reset(): void {
    this.state = LCG_RESET_STATE;
  }

  /** Advances one step. */
  step(): void {
    this.applyJump(ONE_STEP);
  }

  /** Advances `steps` steps from the current state in O(log steps). */
  skip(steps: number | bigint): void {
    this.applyJump(lcgJump(steps));
  }

  /** Puts the generator in the state reached `steps` steps after a reset. */
  jumpTo(steps: number | bigint): void {
    this.reset();
    this.skip(steps);
  }

  /** Applies a precomputed jump: `s = multiplier*s + increment (mod 2^64)`. */
  applyJump(jump: LcgJump): void {
    this.state = jump.multiplier * this.state + jump.increment;
  }

  /**
   * A particle count with mean `mu` (>= 0); always advances exactly two steps.
   * mu >= 1: round-half-up of a Gaussian sample (sd 0.15*mu) by Box-Muller on the two states
   * taken mod (2^64-1) and scaled by 2^-64; a negative sample (probability below 1e-10) gives 0.
   * mu < 1: 1 when the second state mod (2^32-1) is at most trunc(mu*(2^32-1)), else 0.
   */
  draw(mu: number): number {
    this.drawCounts(mu, 1, this.single);
    return this.single[0];
  }

  /**
   * `cells` consecutive draws with the same mean `mu`, exactly as {@link draw} would give them,
   * written to `out[0..cells)`; returns their sum. The fast path of placement: the state stays in
   * local variables for the whole loop.
   */
  drawCounts(mu: number, cells: number, out: Int32Array): number {
    const limbs = this.limbs;
    let s0 = limbs[0];
    let s1 = limbs[1];
    let s2 = limbs[2];
    let s3 = limbs[3];
    const gaussian = mu >= 1;
    const threshold = gaussian ? 0 : Math.trunc(mu * UINT32_MAX);
    const sd = GAUSSIAN_RELATIVE_SD * mu;
    let u0 = 0;
    let total = 0;
    for (let cell = 0; cell < cells; cell++) {
      for (let half = 0; half < 2; half++) {
        // s = A*s + C mod 2^64 on 16-bit limbs; every partial sum stays below 2^32 except the
        // top limb's, which is exact in a double and reduced mod 2^16.
        let c0 = A0 * s0 + C0;
        let c1 = (c0 >>> 16) + C1;
        c0 &= 0xffff;
        c1 += A0 * s1;
        let c2 = (c1 >>> 16) + C2;
        c1 &= 0xffff;
        c1 += A1 * s0;
        c2 += c1 >>> 16;
        c1 &= 0xffff;
        c2 += A0 * s2;
        let c3 = (c2 >>> 16) + C3;
        c2 &= 0xffff;
        c2 += A1 * s1;
        c3 += c2 >>> 16;
        c2 &= 0xffff;
        c2 += A2 * s0;
        c3 += c2 >>> 16;
        c2 &= 0xffff;
        c3 += A0 * s3 + A1 * s2 + A2 * s1 + A3 * s0;
        s0 = c0;
        s1 = c1;
        s2 = c2;
        s3 = c3 & 0xffff;
        if (half === 0 && gaussian) u0 = unitSample(s3 * 65536 + s2, s1 * 65536 + s0);
      }
      const high = s3 * 65536 + s2;
      const low = s1 * 65536 + s0;
      let count: number;
      if (gaussian) {
        const z = Math.sqrt(-2 * Math.log(u0)) * Math.cos(TWO_PI * unitSample(high, low));
        count = Math.trunc(z * sd + mu + 0.5);
        if (count < 0) count = 0;
      } else {
        // 2^32 = 1 (mod 2^32-1), so the state mod 2^32-1 is (high + low) mod 2^32-1; the sum is
        // at most 2*(2^32-1), so two conditional subtractions reduce it (cheaper than fmod).
        let residue = high + low;
        if (residue >= UINT32_MAX) residue -= UINT32_MAX;
        if (residue >= UINT32_MAX) residue -= UINT32_MAX;
        count = residue <= threshold ? 1 : 0;
      }
      out[cell] = count;
      total += count;
    }
    limbs[0] = s0;
    limbs[1] = s1;
    limbs[2] = s2;
    limbs[3] = s3;
    return total;
  }
}
