/**
 * @internal Training-mode batch norm over `x [N, C, S]` on the WASM heap (`channel-kernels.ts`),
 * for `@flint/vision`'s batch norm (PyTorch's `native_batch_norm` / `native_batch_norm_backward`):
 * the per-channel sums and the two full-size passes are heap kernels, and the `[C]` arithmetic
 * between them runs in JS in float32 (`Math.fround` after every operation, in the order the ops
 * would run it), so a layer costs two kernel calls each way instead of ~25 ops. Each returns
 * `null` where it does not apply (off WASM, not float32, or no values per channel); the caller
 * then runs the ops. Outside autograd: the results record no graph.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeHeapKernels, type HeapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer, heapView } from '../heap.js';
import { Tensor } from '../tensor.js';
import { sameShape } from './util.js';

const f = Math.fround;

/** The kernels and the `[N, C, S]` sizes, if the passes apply to `x` and the `[C]` vectors. */
function applies(x: Tensor, ...perChannel: (Tensor | null)[]): { k: HeapKernels; n: number; c: number; s: number } | null {
  const k = activeHeapKernels();
  if (!k || x.ndim !== 3 || x.numel() === 0 || ![x, ...perChannel].every((t) => t === null || t.dtype === 'float32')) return null;
  const [n, c, s] = x.shape as [number, number, number];
  return perChannel.every((t) => t === null || t.numel() === c) ? { k, n, c, s } : null;
}

const offsetOf = (t: tf.Tensor): number => heapBuffer(t)!.offset;
const f32 = (t: tf.Tensor): Float32Array => heapView(t) as Float32Array;

/**
 * The forward: `mean` and the biased `variance` over every axis but 1, `invStd = 1/√(variance + eps)`
 * and `y = (x − mean)·(invStd·weight) + bias` (`weight`, `bias` `[C]` or null).
 */
export function batchNormTrainForward(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): { y: Tensor; mean: Tensor; variance: Tensor; invStd: Tensor } | null {
  const p = applies(x, weight, bias);
  if (!p) return null;
  const { k, n, c, s } = p;
  const [w, b, xd] = [weight?._data ?? null, bias?._data ?? null, x._data];
  // Every allocation before the heap views: one may grow the heap. `perC` holds scale, shift, zeros.
  const [mean, variance, invStd, perC, y] = [heapAlloc([c]), heapAlloc([c]), heapAlloc([c]), heapAlloc([3 * c]), heapAlloc(x.shape)];
  const xo = offsetOf(xd);
  k.channelStats(xo, n, c, s, n * s, mean.offset, variance.offset);
  const [v, inv, vec, wv, bv] = [f32(variance.tensor), f32(invStd.tensor), f32(perC.tensor), w && f32(w), b && f32(b)];
  for (let ch = 0; ch < c; ch++) {
    inv[ch] = f(1 / f(Math.sqrt(f(v[ch]! + eps))));
    vec[ch] = wv ? f(inv[ch]! * wv[ch]!) : inv[ch]!;
    vec[c + ch] = bv ? bv[ch]! : 0;
    vec[2 * c + ch] = 0;
  }
  // (x·0 + (x − mean)·scale) + shift
  k.channelAffine(xo, xo, y.offset, n, c, s, mean.offset, perC.offset + 8 * c, perC.offset, perC.offset + 4 * c);
  perC.tensor.dispose();
  return { y: new Tensor(y.tensor), mean: new Tensor(mean.tensor), variance: new Tensor(variance.tensor), invStd: new Tensor(invStd.tensor) };
}

/**
 * The backward from `gy [N, C, S]` and the forward's `mean`, `invStd` (`[C]`): with
 * `dβ = Σ gy`, `dγ = invStd·Σ gy·(x − mean)`, `a = invStd·γ`, `b = a·invStd·dγ/(−M)`,
 * `c = a·dβ/(−M)`, the input gradient `dx = (gy·a + (x − mean)·b) + c`. `dWeight` is null
 * without a weight.
 */
export function batchNormTrainBackward(gy: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, weight: Tensor | null): { dx: Tensor; dWeight: Tensor | null; dBias: Tensor } | null {
  const p = applies(x, mean, invStd, weight);
  if (!p || gy.dtype !== 'float32' || !sameShape(gy.shape, x.shape)) return null;
  const { k, n, c, s } = p;
  const [gd, xd, md, id, w] = [gy._data, x._data, mean._data, invStd._data, weight?._data ?? null];
  // `perC` holds Σ gy·(x − mean), then a, b, c.
  const [sumG, dWeight, perC, dx] = [heapAlloc([c]), heapAlloc([c]), heapAlloc([4 * c]), heapAlloc(x.shape)];
  const [go, xo, mo] = [offsetOf(gd), offsetOf(xd), offsetOf(md)];
  k.channelGradSums(go, xo, n, c, s, mo, sumG.offset, perC.offset);
  const [sg, dw, vec, inv, wv] = [f32(sumG.tensor), f32(dWeight.tensor), f32(perC.tensor), f32(id), w && f32(w)];
  const negM = -(n * s);
  for (let ch = 0; ch < c; ch++) {
    dw[ch] = f(vec[ch]! * inv[ch]!);
    const a = wv ? f(inv[ch]! * wv[ch]!) : inv[ch]!;
    vec[c + ch] = a;
    vec[2 * c + ch] = f(f(f(a * inv[ch]!) * dw[ch]!) / negM);
    vec[3 * c + ch] = f(f(a * sg[ch]!) / negM);
  }
  k.channelAffine(xo, go, dx.offset, n, c, s, mo, perC.offset + 4 * c, perC.offset + 8 * c, perC.offset + 12 * c);
  perC.tensor.dispose();
  if (!weight) dWeight.tensor.dispose();
  return { dx: new Tensor(dx.tensor), dWeight: weight ? new Tensor(dWeight.tensor) : null, dBias: new Tensor(sumG.tensor) };
}
