import t from 'tap';
import { jacobiModuleBytes } from '../../../../examples/stencil2d/kernel/jacobi-wasm-module.js';
import { CodeBuilder } from '../../../../examples/stencil2d/kernel/wasm-emitter.js';
import { ValType, encodeModule, pushI32, pushU32 } from '../../../../examples/stencil2d/kernel/wasm-encoding.js';
import { wasmApi } from '../../../../examples/stencil2d/kernel/wasm-api.js';

const u32 = (v: number): number[] => {
  const out: number[] = [];
  pushU32(out, v);
  return out;
};
const i32 = (v: number): number[] => {
  const out: number[] = [];
  pushI32(out, v);
  return out;
};

t.test('LEB128 encodings', (t) => {
  t.same(u32(0), [0x00]);
  t.same(u32(127), [0x7f]);
  t.same(u32(128), [0x80, 0x01]);
  t.same(u32(624485), [0xe5, 0x8e, 0x26]);
  t.same(u32(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  t.same(i32(0), [0x00]);
  t.same(i32(63), [0x3f]);
  t.same(i32(64), [0xc0, 0x00]);
  t.same(i32(-1), [0x7f]);
  t.same(i32(-64), [0x40]);
  t.same(i32(-65), [0xbf, 0x7f]);
  t.same(i32(-123456), [0xc0, 0xbb, 0x78]);
  t.same(i32(2 ** 31 - 1), [0xff, 0xff, 0xff, 0xff, 0x07]);
  t.same(i32(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  t.end();
});

t.test('instructions and modules', (t) => {
  t.same([...new CodeBuilder().f64x2Add().v128Load(16).bytes], [0xfd, 0xf0, 0x01, 0xfd, 0x00, 0x03, 0x10]);
  t.throws(() => new CodeBuilder().i8x16Shuffle([0, 1, 2]), RangeError, 'a shuffle needs 16 lanes');
  t.throws(() => new CodeBuilder().i8x16Shuffle(new Array<number>(16).fill(32)), RangeError, 'lanes are 0..31');
  const wasm = wasmApi();
  if (wasm === undefined) {
    t.pass('no WebAssembly here; nothing to validate');
    t.end();
    return;
  }
  const empty = encodeModule({ memory: { module: 'env', name: 'memory' }, functions: [] });
  t.ok(wasm.validate(empty), 'a module with only the memory import validates');
  const addOne = new CodeBuilder().localGet(0).localGet(0).f64Load(0).f64Const(1).f64Add().f64Store(0);
  const bytes = encodeModule({
    memory: { module: 'env', name: 'memory' },
    functions: [{ name: 'addOne', params: [ValType.i32], locals: [], body: addOne }],
  });
  const memory = new wasm.Memory({ initial: 1 });
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const view = new Float64Array(memory.buffer);
  view[3] = 41.5;
  (instance.exports.addOne as (ptr: number) => void)(24);
  t.equal(view[3], 42.5, 'an emitted function runs');
  for (const simd of [false, true]) {
    const ok = wasm.validate(jacobiModuleBytes({ simd, unroll: 2, rowBlock: 4, shuffle: simd }));
    t.ok(ok, `the ${simd ? 'SIMD' : 'scalar'} Jacobi module validates`);
  }
  t.throws(() => jacobiModuleBytes({ simd: true, unroll: 3, rowBlock: 1, shuffle: false }), RangeError);
  t.throws(() => jacobiModuleBytes({ simd: true, unroll: 2, rowBlock: 5, shuffle: false }), RangeError);
  t.end();
});
