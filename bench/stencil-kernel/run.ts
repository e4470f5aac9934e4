/**
 * Times the stencil2d Jacobi step: the C loop (gcc -O3 -march=native) against every
 * TypeScript/WebAssembly kernel variant, on the same block sizes in the same run.
 *
 *   npx tsx bench/stencil-kernel/run.ts [--sizes 512x512,1024x1024] [--rounds 7] [--shapes]
 *
 * Each round runs every contestant once, in turn, on a fresh block (all four sides on the
 * fixed boundary): one untimed step to fault the pages in, then a timed batch of steps. Times
 * are process CPU time (wall time is reported beside it), and the best round counts: both
 * filter out the time other processes take on a shared machine. Every
 * contestant must end with the same checksum, bit for bit (the C program sums in the same
 * order), or the run fails. Prints one JSON line per contestant and size, with the ratio of its
 * time to the plain C loop's (`ratioToC`, the reference) and to the C loop blocked four rows at a
 * time like the WebAssembly kernel (`ratioToCRows4`).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Block } from '../../examples/stencil2d/kernel/block.js';
import { gridLayout } from '../../examples/stencil2d/kernel/grid-layout.js';
import { createWasmKernel } from '../../examples/stencil2d/kernel/jacobi-wasm.js';
import { createJacobiKernel, kernelSupport, type JacobiKernel } from '../../examples/stencil2d/kernel/kernel.js';

/** One timed batch: CPU and wall time per point, and the checksum it ended with. */
interface Timing {
  readonly nsPerPoint: number;
  readonly wallNsPerPoint: number;
  readonly checksum: number;
}

/** Something to time: C or a kernel. */
interface Contestant {
  readonly name: string;
  /** A fresh block, one warm-up step, then `steps` timed steps. */
  run(rows: number, cols: number, steps: number): Timing;
}

const C_NAME = 'c-gcc-O3-native';
const C_ROWS4_NAME = 'c-gcc-O3-native-rows4';
/** The reference loop with vectors no wider than WebAssembly's 128 bits. */
const C_VEC128_NAME = 'c-gcc-O3-native-vec128';
const C_FLAGS = ['-O3', '-march=native', '-std=c11', '-Wall', '-Wextra'];
const FLOPS_PER_POINT = 5; // four additions and one multiplication

function usage(): never {
  process.stderr.write('usage: run.ts [--sizes RxC,...] [--rounds N] [--seconds S] [--shapes]\n');
  process.exit(2);
}

function parseSizes(text: string): [number, number][] {
  return text.split(',').map((s) => {
    const [rows, cols] = s.split('x').map(Number);
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) usage();
    return [rows, cols];
  });
}

/** Compiles kernel.c into `dir/name` with `extraFlags`; returns the binary, or why it could not. */
function compileC(dir: string, name: string, extraFlags: readonly string[]): string | { reason: string } {
  const source = fileURLToPath(new URL('./kernel.c', import.meta.url));
  const binary = join(dir, name);
  try {
    execFileSync('gcc', [...C_FLAGS, ...extraFlags, '-o', binary, source], { stdio: 'pipe' });
    return binary;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    return { reason: `gcc ${C_FLAGS.join(' ')} failed: ${stderr || (err as Error).message}` };
  }
}

/** A C binary running one of its loops: `plain` (the reference) or `rows4`. */
function cContestant(name: string, binary: string, loop: 'plain' | 'rows4'): Contestant {
  return {
    name,
    run(rows, cols, steps) {
      const layout = gridLayout(rows, cols);
      const gap = layout.byteOffsets[1] - layout.byteOffsets[0];
      const args = [rows, cols, layout.stride, gap, steps, 1, loop].map(String);
      const out = JSON.parse(execFileSync(binary, args, { encoding: 'utf8' })) as Timing;
      return { nsPerPoint: out.nsPerPoint, wallNsPerPoint: out.wallNsPerPoint, checksum: out.checksum };
    },
  };
}

/** The C contestants, or why there are none. */
function cContestants(dir: string): Contestant[] | { reason: string } {
  const native = compileC(dir, 'kernel', []);
  if (typeof native !== 'string') return native;
  const out = [cContestant(C_NAME, native, 'plain'), cContestant(C_ROWS4_NAME, native, 'rows4')];
  const vec128 = compileC(dir, 'kernel-vec128', ['-mprefer-vector-width=128']);
  if (typeof vec128 === 'string') out.push(cContestant(C_VEC128_NAME, vec128, 'plain'));
  return out;
}

function kernelContestant(name: string, kernel: JacobiKernel): Contestant {
  return {
    name,
    run(rows, cols, steps) {
      const block = new Block({ row0: 0, col0: 0, rows, cols, n: rows, m: cols }, kernel);
      block.step();
      const cpu0 = process.cpuUsage();
      const wall0 = process.hrtime.bigint();
      for (let s = 0; s < steps; s++) block.step();
      const wall = Number(process.hrtime.bigint() - wall0);
      const cpu = process.cpuUsage(cpu0);
      const points = steps * rows * cols;
      return { nsPerPoint: ((cpu.user + cpu.system) * 1e3) / points, wallNsPerPoint: wall / points, checksum: block.interiorSum() };
    },
  };
}

function contestants(c: Contestant[], shapes: boolean): Contestant[] {
  const out = [...c];
  for (const variant of kernelSupport().available) out.push(kernelContestant(variant, createJacobiKernel(variant)));
  if (shapes && kernelSupport().available.includes('wasm-simd')) {
    for (const shuffle of [false, true]) {
      for (const unroll of [1, 2, 4]) {
        for (const rowBlock of [1, 2, 3, 4]) {
          if (shuffle && unroll === 1) continue;
          const name = `wasm-simd/u${unroll}r${rowBlock}${shuffle ? 's' : ''}`;
          out.push(kernelContestant(name, createWasmKernel(true, { unroll, rowBlock, shuffle })));
        }
      }
    }
  }
  return out;
}

/**
 * Runs `rounds` rounds of every contestant on one block size and returns one result line per
 * contestant. Throws if a contestant's checksum changes between rounds.
 */
function benchSize(all: readonly Contestant[], rows: number, cols: number, rounds: number, seconds: number) {
  // Steps per batch: about `seconds` of work at 1.5 ns per point.
  const steps = Math.max(2, Math.round((seconds * 1e9) / (1.5 * rows * cols)));
  const best = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const c of all) {
      const t = c.run(rows, cols, steps);
      const prev = best.get(c.name);
      if (prev !== undefined && prev.checksum !== t.checksum) throw new Error(`${c.name}: checksum changed between rounds`);
      if (prev === undefined || t.nsPerPoint < prev.nsPerPoint) best.set(c.name, t);
    }
  }
  const reference = best.get(all[0].name)?.checksum;
  const ratio = (t: Timing, to: string): number | null => {
    const base = best.get(to);
    return base === undefined ? null : Number((t.nsPerPoint / base.nsPerPoint).toFixed(3));
  };
  return all.map((c) => {
    const t = best.get(c.name) as Timing;
    return {
      bench: 'stencil-kernel',
      type: 'measurement',
      variant: c.name,
      rows,
      cols,
      steps: steps + 1,
      nsPerPoint: Number(t.nsPerPoint.toFixed(4)),
      wallNsPerPoint: Number(t.wallNsPerPoint.toFixed(4)),
      mpointsPerSecond: Number((1e3 / t.nsPerPoint).toFixed(1)),
      gflops: Number((FLOPS_PER_POINT / t.nsPerPoint).toFixed(3)),
      ratioToC: ratio(t, C_NAME),
      ratioToCRows4: ratio(t, C_ROWS4_NAME),
      checksum: t.checksum,
      checksumMatches: t.checksum === reference,
    };
  });
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '512x512,1024x1024,2048x4096,4096x4096' },
      rounds: { type: 'string', default: '7' },
      seconds: { type: 'string', default: '0.15' },
      shapes: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) usage();
  const sizes = parseSizes(values.sizes);
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  if (!(rounds >= 1) || !(seconds > 0)) usage();

  const dir = mkdtempSync(join(tmpdir(), 'stencil-kernel-'));
  try {
    const cBuilds = cContestants(dir);
    const env = {
      bench: 'stencil-kernel',
      type: 'env',
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      kernels: kernelSupport(),
      c: Array.isArray(cBuilds) ? `gcc ${C_FLAGS.join(' ')}` : cBuilds.reason,
    };
    process.stdout.write(`${JSON.stringify(env)}\n`);
    const all = contestants(Array.isArray(cBuilds) ? cBuilds : [], values.shapes);

    for (const [rows, cols] of sizes) {
      for (const line of benchSize(all, rows, cols, rounds, seconds)) {
        process.stdout.write(`${JSON.stringify(line)}\n`);
        if (!line.checksumMatches) process.exitCode = 1;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
