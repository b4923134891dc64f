/**
 * @internal A sum over a middle axis as a heap kernel (see `heap-kernels.ts`). tfjs-wasm's Sum
 * reduces only the innermost axis and transposes the input first for any other (~20 ms for a
 * `[2048, 1024]` bias gradient summed over the batch); this walks the rows in place, four lanes
 * at a time, adding them in order, so each output is the same sequential sum tfjs computes.
 *
 * - `sumMiddle(x, out, a, r, b)`: `out[a, b] = Σ_r x[a, r, b]` for row-major `x [a, r, b]`.
 */
import { OP, SIMD, T, addLocal, addTo, at, bounds, f32Zero, fLoad, forLoop, get, localDecls, set, v128, v128Zero, vLoad, whileBelow } from './wasm-assembler.js';

/**
 * sumMiddle(x, out, a, r, b); locals ai=5, ri=6, j=7, end4=8, end=9 (`end` is also a row's bytes),
 * ob=10, row=11 (i32), zero=12 (v128).
 */
export function sumMiddleBody(): number[] {
  const [x, out, a, r, b, ai, ri, j, end4, end, ob, row, zero] = Array.from({ length: 13 }, (_, k) => k);
  const clear = [
    OP.i32Const, 0, ...set(j),
    ...forLoop(j, end4, 16, [...at(ob, j), ...get(zero), ...v128(SIMD.store), 4, 0]),
    ...forLoop(j, end, 4, [...at(ob, j), ...f32Zero, OP.f32Store, 2, 0]),
  ];
  const addRow = [
    OP.i32Const, 0, ...set(j),
    ...forLoop(j, end4, 16, [...at(ob, j), ...vLoad(ob, j), ...vLoad(row, j), ...v128(SIMD.add), ...v128(SIMD.store), 4, 0]),
    ...forLoop(j, end, 4, [...at(ob, j), ...fLoad(ob, j), ...fLoad(row, j), OP.f32Add, OP.f32Store, 2, 0]),
    ...addLocal(row, end), ...addTo(ri, 1),
  ];
  const block = [...clear, OP.i32Const, 0, ...set(ri), ...whileBelow(ri, r, addRow), ...addLocal(ob, end), ...addTo(ai, 1)];
  const code = [
    ...v128Zero, ...set(zero),
    ...bounds(b, j, end4, end),
    ...get(out), ...set(ob), ...get(x), ...set(row),
    OP.i32Const, 0, ...set(ai), ...whileBelow(ai, a, block), OP.end,
  ];
  return [...localDecls([[7, T.i32], [1, T.v128]]), ...code];
}
