/**
 * @internal ReLU and its gradient as heap kernels over float32 (see `heap-kernels.ts`). tfjs-wasm
 * runs ReLU through XNNPACK's thread pool, which on the threaded build costs ~1 ms per call once
 * the worker has gone to sleep; these run on the calling thread, in one pass.
 *
 * - `relu(x, out, n)`: `out = x < 0 ? 0 : x` (PyTorch's `torch.relu`: NaN and -0 stay);
 * - `reluBackward(g, y, out, n)`: `out = y <= 0 ? 0 : g` for `y = relu(x)` (PyTorch's
 *   `threshold_backward`: a NaN passes the gradient), each lane masked by a comparison.
 */
import { OP, SIMD, T, at, bounds, f32Zero, fLoad, forLoop, get, localDecls, v128, v128Zero, vLoad } from './wasm-assembler.js';

/** relu(x, out, n); locals i=3, end4=4, end=5 (i32), zero=6 (v128). */
export function reluBody(): number[] {
  const [x, out, n, i, end4, end, zero] = [0, 1, 2, 3, 4, 5, 6];
  const lanes = [...at(out, i), ...vLoad(x, i), ...vLoad(x, i), ...get(zero), ...v128(SIMD.lt), ...v128(SIMD.andNot), ...v128(SIMD.store), 4, 0];
  const scalar = [...at(out, i), ...f32Zero, ...fLoad(x, i), ...fLoad(x, i), ...f32Zero, OP.f32Lt, OP.select, OP.f32Store, 2, 0];
  const code = [...v128Zero, OP.localSet, zero, ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, lanes), ...forLoop(i, end, 4, scalar), OP.end];
  return [...localDecls([[3, T.i32], [1, T.v128]]), ...code];
}

/** reluBackward(g, y, out, n); locals i=4, end4=5, end=6 (i32), zero=7 (v128). */
export function reluBackwardBody(): number[] {
  const [g, y, out, n, i, end4, end, zero] = [0, 1, 2, 3, 4, 5, 6, 7];
  const lanes = [...at(out, i), ...vLoad(g, i), ...vLoad(y, i), ...get(zero), ...v128(SIMD.le), ...v128(SIMD.andNot), ...v128(SIMD.store), 4, 0];
  const scalar = [...at(out, i), ...f32Zero, ...fLoad(g, i), ...fLoad(y, i), ...f32Zero, OP.f32Le, OP.select, OP.f32Store, 2, 0];
  const code = [...v128Zero, OP.localSet, zero, ...bounds(n, i, end4, end), ...forLoop(i, end4, 16, lanes), ...forLoop(i, end, 4, scalar), OP.end];
  return [...localDecls([[3, T.i32], [1, T.v128]]), ...code];
}
