/**
 * @internal A few helpers to assemble WebAssembly function bodies from their instructions (the
 * heap kernels are built so, and no binary is fetched): opcodes, LEB128 and vector encodings,
 * sections, and the loops and local updates the kernels are written with. Locals are numbered as
 * in the binary format: parameters first.
 */

/** WebAssembly opcodes used below. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  i32LtU: 0x49,
  i32Mul: 0x6c,
  select: 0x1b,
  f32Const: 0x43,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Lt: 0x5d,
  f32Le: 0x5f,
  f32Mul: 0x94,
  f32Div: 0x95,
  simd: 0xfd,
} as const;
export const SIMD = { load: [0x00], store: [0x0b], shuffle: [0x0d], splat: [0x13], extractLane: [0x1f], lt: [0x43], le: [0x45], andNot: [0x4f], sqrt: [0xe3, 0x01], add: [0xe4, 0x01], sub: [0xe5, 0x01], mul: [0xe6, 0x01], div: [0xe7, 0x01] } as const;
export const T = { i32: 0x7f, f32: 0x7d, v128: 0x7b, func: 0x60, void: 0x40 } as const;

export const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
export const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export const get = (i: number) => [OP.localGet, i];
export const set = (i: number) => [OP.localSet, i];
/** Address `base + i` (locals). */
export const at = (base: number, i: number) => [...get(base), ...get(i), OP.i32Add];
export const v128 = (op: readonly number[]) => [OP.simd, ...op];
export const vLoad = (base: number, i: number) => [...at(base, i), ...v128(SIMD.load), 4, 0];
export const fLoad = (base: number, i: number) => [...at(base, i), OP.f32Load, 2, 0];

/** `while (i < to) body` for locals `i` and `to` (unsigned); `body` advances `i`. */
export const whileBelow = (i: number, to: number, body: number[]) => [
  OP.block, T.void, OP.loop, T.void,
  ...get(i), ...get(to), OP.i32GeU, OP.brIf, 1,
  ...body,
  OP.br, 0, OP.end, OP.end,
];
/** `local[i] += local[by]`, or `+= step` for a constant. */
export const addTo = (i: number, step: number) => [...get(i), OP.i32Const, ...uleb(step), OP.i32Add, ...set(i)];
export const addLocal = (i: number, by: number) => [...get(i), ...get(by), OP.i32Add, ...set(i)];
/** `for (; i < to; i += step) body` over byte offsets in local `i`; the caller sets `i` first. */
export const forLoop = (i: number, to: number, step: number, body: number[]) => whileBelow(i, to, [...body, ...addTo(i, step)]);

/** The constant 0 as an f32, and in all four lanes of a v128. */
export const f32Zero = [OP.f32Const, 0, 0, 0, 0];
export const v128Zero = [...f32Zero, ...v128(SIMD.splat)];

/** `end4 = (n & ~3) << 2; end = n << 2; i = 0` for locals (n, i, end4, end). */
export const bounds = (n: number, i: number, end4: number, end: number) => [
  ...get(n), OP.i32Const, 0x7c /* -4 */, OP.i32And, OP.i32Const, 2, OP.i32Shl, ...set(end4),
  ...get(n), OP.i32Const, 2, OP.i32Shl, ...set(end),
  OP.i32Const, 0, ...set(i),
];

/** A function's local declarations (after its parameters): runs of `[count, type]`. */
export const localDecls = (runs: [number, number][]): number[] => vec(runs.map(([c, t]) => [...uleb(c), t]));
