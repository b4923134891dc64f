/**
 * @internal Batch norm's training passes over `x [N, C, S]` on the WASM heap (`channel-kernels.ts`),
 * for `@flint/vision`'s training-mode batch norm (PyTorch's `native_batch_norm` and
 * `native_batch_norm_backward` compute the same per-channel sums). Each returns `null` where it
 * does not apply (off WASM, not float32, or no values per channel); the caller then runs the ops.
 * Outside autograd: the results record no graph.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeHeapKernels, type HeapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer } from '../heap.js';
import { Tensor } from '../tensor.js';

/** The kernels and the `[N, C, S]` sizes, if the passes apply to these tensors. */
function applies(x: Tensor, ...others: Tensor[]): { k: HeapKernels; n: number; c: number; s: number } | null {
  const k = activeHeapKernels();
  if (!k || x.ndim !== 3 || x.numel() === 0 || ![x, ...others].every((t) => t.dtype === 'float32')) return null;
  const [n, c, s] = x.shape as [number, number, number];
  return { k, n, c, s };
}

const offsetOf = (t: tf.Tensor): number => heapBuffer(t)!.offset;

/** `(mean [C], biased variance [C])` over every axis of `x [N, C, S]` but 1 (`torch.var_mean(x, (0, 2), correction=0)`). */
export function batchNormStats(x: Tensor): { mean: Tensor; variance: Tensor } | null {
  const p = applies(x);
  if (!p) return null;
  const [mean, variance] = [heapAlloc([p.c]), heapAlloc([p.c])];
  p.k.channelStats(offsetOf(x._data), p.n, p.c, p.s, p.n * p.s, mean.offset, variance.offset);
  return { mean: new Tensor(mean.tensor), variance: new Tensor(variance.tensor) };
}

/** `(Σ g, Σ g·(x − mean))` per channel of `g, x [N, C, S]`, `mean [C]`: batch norm's backward sums. */
export function batchNormGradSums(g: Tensor, x: Tensor, mean: Tensor): { sumG: Tensor; sumGD: Tensor } | null {
  const p = applies(x, g, mean);
  if (!p) return null;
  const [sumG, sumGD] = [heapAlloc([p.c]), heapAlloc([p.c])];
  p.k.channelGradSums(offsetOf(g._data), offsetOf(x._data), p.n, p.c, p.s, offsetOf(mean._data), sumG.offset, sumGD.offset);
  return { sumG: new Tensor(sumG.tensor), sumGD: new Tensor(sumGD.tensor) };
}

/**
 * `(g·a + (x − mean)·b) + k` with per-channel `mean, a, b, k [C]` broadcast over `x, g [N, C, S]`:
 * batch norm's input gradient, or with `g = a = null` its forward `(x − mean)·b + k` (`k = null`: 0).
 */
export function channelAffine(x: Tensor, g: Tensor | null, mean: Tensor, a: Tensor | null, b: Tensor, k: Tensor | null): Tensor | null {
  const p = applies(x, ...[g, mean, a, b, k].filter((t): t is Tensor => t !== null));
  if (!p) return null;
  const zeros = a === null || k === null ? tf.zeros([p.c]) : null;
  const out = heapAlloc(x.shape);
  const xo = offsetOf(x._data);
  const at = (t: Tensor | null) => (t === null ? offsetOf(zeros!) : offsetOf(t._data));
  p.k.channelAffine(xo, g === null ? xo : offsetOf(g._data), out.offset, p.n, p.c, p.s, at(mean), at(a), at(b), at(k));
  zeros?.dispose();
  return new Tensor(out.tensor);
}
