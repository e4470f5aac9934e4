/**
 * The binary encoding of a WebAssembly module (core specification 2.0, section 5): LEB128
 * numbers, vectors, names and sections, and `encodeModule`, which lays out the few sections
 * the Jacobi kernel's module needs. Instructions come from `CodeBuilder` in wasm-emitter.ts.
 */

/** A WebAssembly value type, as its binary encoding. */
export const ValType = Object.freeze({
  i32: 0x7f,
  f64: 0x7c,
  v128: 0x7b,
} as const);

/** One of the value types in {@link ValType}. */
export type ValType = (typeof ValType)[keyof typeof ValType];

/** The `end` opcode that closes a function body. */
const END = 0x0b;

/** Appends `value` as unsigned LEB128. */
export function pushU32(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

/** Appends `value` (a 32-bit integer) as signed LEB128. */
export function pushI32(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Appends a vector: its length as unsigned LEB128, then its bytes. */
function pushVec(out: number[], bytes: readonly number[]): void {
  pushU32(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Appends a UTF-8 name. */
function pushName(out: number[], name: string): void {
  pushVec(out, [...new TextEncoder().encode(name)]);
}

/** One exported function of a module. */
export interface FunctionSpec {
  /** The export name. */
  readonly name: string;
  /** Parameter types, in order; they are locals 0..params.length-1. */
  readonly params: readonly ValType[];
  /** Types of the extra locals that follow the parameters. */
  readonly locals: readonly ValType[];
  /** The body's instructions (a `CodeBuilder`), without the final `end` (added here). */
  readonly body: { readonly bytes: readonly number[] };
}

/** What {@link encodeModule} writes: functions with no results over one imported memory. */
export interface ModuleSpec {
  /** The import's module and field names of the memory, e.g. `env` / `memory`. */
  readonly memory: { readonly module: string; readonly name: string };
  /** The functions, each exported under its name. */
  readonly functions: readonly FunctionSpec[];
}

/** Appends section `id` holding `content`. */
function pushSection(out: number[], id: number, content: readonly number[]): void {
  out.push(id);
  pushVec(out, content);
}

/**
 * Encodes a module whose functions take the given parameters, return nothing, and share one
 * imported memory (minimum 0 pages, so any `WebAssembly.Memory` fits). The returned bytes are
 * fresh and owned by the caller.
 */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  pushU32(types, spec.functions.length);
  for (const f of spec.functions) {
    types.push(0x60);
    pushVec(types, f.params);
    pushVec(types, []);
  }
  pushSection(out, 1, types);

  const imports: number[] = [1];
  pushName(imports, spec.memory.module);
  pushName(imports, spec.memory.name);
  imports.push(0x02, 0x00, 0x00); // memory, limits: min only, min = 0 pages
  pushSection(out, 2, imports);

  const funcs: number[] = [];
  pushU32(funcs, spec.functions.length);
  spec.functions.forEach((_, i) => pushU32(funcs, i));
  pushSection(out, 3, funcs);

  const exports: number[] = [];
  pushU32(exports, spec.functions.length);
  spec.functions.forEach((f, i) => {
    pushName(exports, f.name);
    exports.push(0x00);
    pushU32(exports, i);
  });
  pushSection(out, 7, exports);

  const code: number[] = [];
  pushU32(code, spec.functions.length);
  for (const f of spec.functions) {
    const body: number[] = [];
    pushU32(body, f.locals.length);
    for (const t of f.locals) {
      pushU32(body, 1);
      body.push(t);
    }
    for (const b of f.body.bytes) body.push(b);
    body.push(END);
    pushVec(code, body);
  }
  pushSection(out, 10, code);
  return Uint8Array.from(out);
}
