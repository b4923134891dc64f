/**
 * @internal Per-channel passes over `[N, C, S]` float32 data on the WASM heap, for batch norm's
 * training forward and backward (PyTorch's `native_batch_norm` / `native_batch_norm_backward`):
 * tfjs has no kernel that reduces or scales by channel without transposing or broadcasting, so
 * each of these replaces several full-size kernel passes and their tensors.
 *
 * - `channelStats(x, n, c, s, m, mean, var)`: `mean[c] = Σ x / m`, then the biased
 *   `var[c] = Σ (x − mean)² / m` (two passes, as the ops computed it);
 * - `channelGradSums(g, x, n, c, s, mean, sumG, sumGD)`: `sumG[c] = Σ g`,
 *   `sumGD[c] = Σ g·(x − mean)`;
 * - `channelAffine(x, g, out, n, c, s, mean, a, b, k)`: `out = (g·a + (x − mean)·b) + k` per
 *   channel (the input gradient; with `g = x, a = 0` the forward `(x − mean)·b + k`).
 *
 * Pointers are byte offsets, counts are elements; sums run in four lanes, then the scalar tail of
 * each `S` run. Per-channel arrays are `[C]` float32.
 */
import { OP, SIMD, T, addTo, at, bounds, f32Zero, fLoad, forLoop, get, localDecls, set, v128, v128Zero as vZero, vLoad, whileBelow } from './wasm-assembler.js';
/** The sum of a v128 local's four lanes, plus an f32 local. */
const laneSum = (v: number, tail: number) => [
  ...[0, 1, 2, 3].flatMap((lane) => [...get(v), ...v128(SIMD.extractLane), lane, ...(lane > 0 ? [OP.f32Add] : [])]),
  ...get(tail), OP.f32Add,
];
/** `arr[ch]` (f32) for locals `arr` (byte offset) and `ch`. */
const channelAt = (arr: number, ch: number) => [...get(arr), ...get(ch), OP.i32Const, 2, OP.i32Shl, OP.i32Add];
const loadChannel = (arr: number, ch: number) => [...channelAt(arr, ch), OP.f32Load, 2, 0];

/** Locals every kernel walks with; `first` is the first local after the parameters. */
function walkLocals(first: number) {
  const [ch, b, i, end4, end, off] = [0, 1, 2, 3, 4, 5].map((k) => first + k) as [number, number, number, number, number, number];
  return { ch, b, i, end4, end, off, next: first + 6 };
}

/**
 * `for ch < c: prologue; for b < n: rows(off); lanes over the row's S&~3 elements; scalar over the rest; epilogue`,
 * with `off = ((b·c + ch)·s) << 2` and `i` the byte offset within the row.
 */
function perChannel(w: ReturnType<typeof walkLocals>, p: { n: number; c: number; s: number }, parts: { prologue: number[]; row: number[]; lanes: number[]; scalar: number[]; epilogue: number[] }): number[] {
  const row = [
    ...get(w.b), ...get(p.c), OP.i32Mul, ...get(w.ch), OP.i32Add, ...get(p.s), OP.i32Mul, OP.i32Const, 2, OP.i32Shl, ...set(w.off),
    ...parts.row,
    OP.i32Const, 0, ...set(w.i),
    ...forLoop(w.i, w.end4, 16, parts.lanes),
    ...forLoop(w.i, w.end, 4, parts.scalar),
    ...addTo(w.b, 1),
  ];
  const channel = [...parts.prologue, OP.i32Const, 0, ...set(w.b), ...whileBelow(w.b, p.n, row), ...parts.epilogue, ...addTo(w.ch, 1)];
  return [...bounds(p.s, w.i, w.end4, w.end), OP.i32Const, 0, ...set(w.ch), ...whileBelow(w.ch, p.c, channel)];
}

/** `row = base + off` for a row pointer local. */
const rowOf = (row: number, base: number, off: number) => [...get(base), ...get(off), OP.i32Add, ...set(row)];

/** channelStats(x, n, c, s, m: f32, mean, var); locals 7–12 walk, rx=13 (i32), acc=14, vmu=15, vd=16 (v128), sacc=17, mu=18, d=19 (f32). */
export function channelStatsBody(): number[] {
  const [x, n, c, s, m, mean, variance] = [0, 1, 2, 3, 4, 5, 6];
  const w = walkLocals(7);
  const [rx, acc, vmu, vd, sacc, mu, d] = [13, 14, 15, 16, 17, 18, 19];
  const dims = { n, c, s };
  const start = [...vZero, ...set(acc), ...f32Zero, ...set(sacc)];
  const sum = perChannel(w, dims, {
    prologue: start,
    row: rowOf(rx, x, w.off),
    lanes: [...get(acc), ...vLoad(rx, w.i), ...v128(SIMD.add), ...set(acc)],
    scalar: [...get(sacc), ...fLoad(rx, w.i), OP.f32Add, ...set(sacc)],
    epilogue: [...channelAt(mean, w.ch), ...laneSum(acc, sacc), ...get(m), OP.f32Div, OP.f32Store, 2, 0],
  });
  const squares = perChannel(w, dims, {
    prologue: [...start, ...loadChannel(mean, w.ch), OP.localTee, mu, ...v128(SIMD.splat), ...set(vmu)],
    row: rowOf(rx, x, w.off),
    lanes: [...vLoad(rx, w.i), ...get(vmu), ...v128(SIMD.sub), OP.localTee, vd, ...get(vd), ...v128(SIMD.mul), ...get(acc), ...v128(SIMD.add), ...set(acc)],
    scalar: [...fLoad(rx, w.i), ...get(mu), OP.f32Sub, OP.localTee, d, ...get(d), OP.f32Mul, ...get(sacc), OP.f32Add, ...set(sacc)],
    epilogue: [...channelAt(variance, w.ch), ...laneSum(acc, sacc), ...get(m), OP.f32Div, OP.f32Store, 2, 0],
  });
  return [...localDecls([[7, T.i32], [3, T.v128], [3, T.f32]]), ...sum, ...squares, OP.end];
}

/** channelGradSums(g, x, n, c, s, mean, sumG, sumGD); locals 8–13 walk, rg=14, rx=15 (i32), accG=16, accGD=17, vmu=18, vg=19 (v128), sG=20, sGD=21, mu=22, fg=23 (f32). */
export function channelGradSumsBody(): number[] {
  const [g, x, n, c, s, mean, sumG, sumGD] = [0, 1, 2, 3, 4, 5, 6, 7];
  const w = walkLocals(8);
  const [rg, rx, accG, accGD, vmu, vg, sG, sGD, mu, fg] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const body = perChannel(w, { n, c, s }, {
    prologue: [...vZero, ...set(accG), ...vZero, ...set(accGD), ...f32Zero, ...set(sG), ...f32Zero, ...set(sGD), ...loadChannel(mean, w.ch), OP.localTee, mu, ...v128(SIMD.splat), ...set(vmu)],
    row: [...rowOf(rg, g, w.off), ...rowOf(rx, x, w.off)],
    lanes: [
      ...vLoad(rg, w.i), OP.localTee, vg, ...get(accG), ...v128(SIMD.add), ...set(accG),
      ...get(vg), ...vLoad(rx, w.i), ...get(vmu), ...v128(SIMD.sub), ...v128(SIMD.mul), ...get(accGD), ...v128(SIMD.add), ...set(accGD),
    ],
    scalar: [
      ...fLoad(rg, w.i), OP.localTee, fg, ...get(sG), OP.f32Add, ...set(sG),
      ...get(fg), ...fLoad(rx, w.i), ...get(mu), OP.f32Sub, OP.f32Mul, ...get(sGD), OP.f32Add, ...set(sGD),
    ],
    epilogue: [...channelAt(sumG, w.ch), ...laneSum(accG, sG), OP.f32Store, 2, 0, ...channelAt(sumGD, w.ch), ...laneSum(accGD, sGD), OP.f32Store, 2, 0],
  });
  return [...localDecls([[8, T.i32], [4, T.v128], [4, T.f32]]), ...body, OP.end];
}

/** channelAffine(x, g, out, n, c, s, mean, a, b, k); locals 10–15 walk, rx=16, rg=17, ro=18 (i32), vmu=19, va=20, vb=21, vk=22 (v128), mu=23, fa=24, fb=25, fk=26 (f32). */
export function channelAffineBody(): number[] {
  const [x, g, out, n, c, s, mean, a, b, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const w = walkLocals(10);
  const [rx, rg, ro, vmu, va, vb, vk, mu, fa, fb, fk] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const splatFrom = (arr: number, f: number, v: number) => [...loadChannel(arr, w.ch), OP.localTee, f, ...v128(SIMD.splat), ...set(v)];
  const body = perChannel(w, { n, c, s }, {
    prologue: [...splatFrom(mean, mu, vmu), ...splatFrom(a, fa, va), ...splatFrom(b, fb, vb), ...splatFrom(k, fk, vk)],
    row: [...rowOf(rx, x, w.off), ...rowOf(rg, g, w.off), ...rowOf(ro, out, w.off)],
    lanes: [
      ...at(ro, w.i),
      ...vLoad(rg, w.i), ...get(va), ...v128(SIMD.mul),
      ...vLoad(rx, w.i), ...get(vmu), ...v128(SIMD.sub), ...get(vb), ...v128(SIMD.mul), ...v128(SIMD.add),
      ...get(vk), ...v128(SIMD.add), ...v128(SIMD.store), 4, 0,
    ],
    scalar: [
      ...at(ro, w.i),
      ...fLoad(rg, w.i), ...get(fa), OP.f32Mul,
      ...fLoad(rx, w.i), ...get(mu), OP.f32Sub, ...get(fb), OP.f32Mul, OP.f32Add,
      ...get(fk), OP.f32Add, OP.f32Store, 2, 0,
    ],
    epilogue: [],
  });
  return [...localDecls([[9, T.i32], [4, T.v128], [4, T.f32]]), ...body, OP.end];
}
