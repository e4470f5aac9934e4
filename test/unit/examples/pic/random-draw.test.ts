import t from 'tap';
import {
  LCG_INCREMENT,
  LCG_MULTIPLIER,
  LCG_RESET_STATE,
  RandomDraw,
  lcgJump,
  lcgStateAfter,
} from '../../../../examples/pic/kernel/random-draw.js';

const U64_MAX = 2n ** 64n - 1n;

/** Reference generator written directly from PIC.md 2.2 with BigInt, as slow and plain as possible. */
class ReferenceDraw {
  state = LCG_RESET_STATE;

  next(bound: bigint): bigint {
    this.state = BigInt.asUintN(64, LCG_MULTIPLIER * this.state + LCG_INCREMENT);
    return this.state % bound;
  }

  draw(mu: number): number {
    if (mu >= 1) {
      const u0 = Number(this.next(U64_MAX)) * 2 ** -64;
      const u1 = Number(this.next(U64_MAX)) * 2 ** -64;
      const z = Math.sqrt(-2 * Math.log(u0)) * Math.cos(2 * Math.PI * u1);
      return Math.max(0, Math.trunc(z * (0.15 * mu) + mu + 0.5));
    }
    const threshold = BigInt(Math.trunc(mu * 4294967295));
    this.next(4294967295n);
    return this.next(4294967295n) <= threshold ? 1 : 0;
  }
}

t.test('constants are those of the PRK', async (t) => {
  t.equal(LCG_MULTIPLIER, 6364136223846793005n);
  t.equal(LCG_INCREMENT, 1442695040888963407n);
  t.equal(LCG_RESET_STATE, 27182818285n);
  t.equal(new RandomDraw().state, 27182818285n);
});

t.test('step follows s = A*s + C mod 2^64', async (t) => {
  const rng = new RandomDraw();
  let expected = LCG_RESET_STATE;
  for (let i = 0; i < 1000; i++) {
    rng.step();
    expected = BigInt.asUintN(64, LCG_MULTIPLIER * expected + LCG_INCREMENT);
  }
  t.equal(rng.state, expected);
});

t.test('skip-ahead equals sequential stepping', async (t) => {
  const sequential = new RandomDraw();
  const counts = [0, 1, 2, 3, 7, 64, 65, 1000, 4097];
  let done = 0;
  for (const n of counts) {
    while (done < n) {
      sequential.step();
      done++;
    }
    const jumped = new RandomDraw();
    jumped.jumpTo(n);
    t.equal(jumped.state, sequential.state, `jumpTo(${n})`);
    t.equal(lcgStateAfter(n), sequential.state, `lcgStateAfter(${n})`);
  }
  const split = new RandomDraw();
  split.skip(1500);
  split.skip(2597);
  t.equal(split.state, sequential.state, 'skip composes');
  t.equal(lcgJump(5n).steps, 5n);
  t.throws(() => lcgJump(-1), RangeError);
});

t.test('jumps compose as (A2*A1, A2*C1 + C2) and handle large distances', async (t) => {
  const a = lcgJump(123456789);
  const b = lcgJump(987654321);
  const both = lcgJump(123456789 + 987654321);
  t.equal(both.multiplier, BigInt.asUintN(64, b.multiplier * a.multiplier));
  t.equal(both.increment, BigInt.asUintN(64, b.multiplier * a.increment + b.increment));
  // 2 * L^2 for L = 5998 is past 2^26; 2^40 exercises every squaring level
  const rng = new RandomDraw();
  rng.jumpTo(2n ** 40n);
  const half = new RandomDraw();
  half.skip(2n ** 39n);
  half.skip(2n ** 39n);
  t.equal(rng.state, half.state);
});

t.test('state setter reduces mod 2^64 and round-trips', async (t) => {
  const rng = new RandomDraw();
  rng.state = 2n ** 64n + 5n;
  t.equal(rng.state, 5n);
  rng.state = U64_MAX;
  t.equal(rng.state, U64_MAX);
  rng.reset();
  t.equal(rng.state, LCG_RESET_STATE);
});

t.test('draw matches the BigInt reference for Bernoulli and Gaussian means', async (t) => {
  const means = [0, 1e-9, 0.067, 0.3, 0.5, 0.999999, 1, 1.2, 2.5, 17, 333.3, 1e6];
  const rng = new RandomDraw();
  const reference = new ReferenceDraw();
  let mismatches = 0;
  for (let i = 0; i < 60000; i++) {
    const mu = means[i % means.length];
    if (rng.draw(mu) !== reference.draw(mu)) mismatches++;
  }
  t.equal(mismatches, 0);
  t.equal(rng.state, reference.state, 'both advanced two steps per draw');
});

t.test('draw consumes two steps whatever the mean', async (t) => {
  for (const mu of [0, 0.5, 1, 10]) {
    const rng = new RandomDraw();
    rng.draw(mu);
    t.equal(rng.state, lcgStateAfter(2), `mu = ${mu}`);
  }
});

t.test('drawCounts equals repeated draw and returns the sum', async (t) => {
  for (const mu of [0.02, 0.7, 1.05, 40]) {
    const bulk = new RandomDraw();
    const single = new RandomDraw();
    bulk.jumpTo(777);
    single.jumpTo(777);
    const out = new Int32Array(5000);
    const sum = bulk.drawCounts(mu, 5000, out);
    let expectedSum = 0;
    let same = true;
    for (let i = 0; i < 5000; i++) {
      const c = single.draw(mu);
      expectedSum += c;
      if (c !== out[i]) same = false;
    }
    t.ok(same, `mu = ${mu}: counts agree`);
    t.equal(sum, expectedSum);
    t.equal(bulk.state, single.state);
  }
});

t.test('draw statistics are plausible', async (t) => {
  const rng = new RandomDraw();
  let total = 0;
  const cells = 200000;
  for (let i = 0; i < cells; i++) total += rng.draw(0.25);
  t.ok(Math.abs(total / cells - 0.25) < 0.01, `Bernoulli mean ${total / cells}`);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < cells; i++) {
    const c = rng.draw(100);
    sum += c;
    squares += c * c;
  }
  const mean = sum / cells;
  const sd = Math.sqrt(squares / cells - mean * mean);
  t.ok(Math.abs(mean - 100) < 0.2, `Gaussian mean ${mean}`);
  t.ok(Math.abs(sd - 15) < 0.3, `Gaussian sd ${sd}`);
});
