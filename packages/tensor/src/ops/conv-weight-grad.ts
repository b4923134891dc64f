/**
 * @internal The weight gradient of `conv2d` (groups 1), computed outside autograd (a backward
 * without `createGraph`). It is a forward convolution in which the batch becomes the contracted
 * channel axis (see autograd's formulas/conv.ts, which builds the same from recorded ops for a
 * second backward):
 *
 *   dW[o, c, i, j] = Σ_{n, y, x} g[n, o, y, x] · x_pad[n, c, y·s + i·d, x·s + j·d]
 *                  = conv(x as [C, H, W, N], g as the filter [Ho, Wo, N, O], stride d, dilation s)
 *
 * Each layout change is one 2-D transpose: `x [N, C·H·W] → [C·H·W, N]`, `g [N·O, Ho·Wo] →
 * [Ho·Wo, N·O]` and the result `[C·kh·kw, O] → [O, C·kh·kw]`, which is PyTorch's `[O, C, kh, kw]`.
 * The recorded form copies two transposed views and the transposed result, each a 4-D permute.
 * A one-pixel output runs as a matMul (conv-window.ts), few output positions as a matMul over
 * the input's columns (conv-columns.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './fast-transpose.js';
import { Tensor } from '../tensor.js';
import { isEmptyConv, type Conv2dAttrs } from './conv.js';
import { oneWindow, windowConvWeightGrad } from './conv-window.js';
import { columnsConvWeightGrad, columnsFor } from './conv-columns.js';

/** Whether `conv2dWeightGradFast` covers these attributes (tfjs takes stride and dilation > 1 only one at a time). */
export function conv2dWeightGradFastCovers(a: Conv2dAttrs): boolean {
  const strided = a.stride[0] > 1 || a.stride[1] > 1;
  const dilated = a.dilation[0] > 1 || a.dilation[1] > 1;
  return a.groups === 1 && !(strided && dilated);
}

/**
 * The padding `[[top, bottom], [left, right]]` of the weight gradient's convolution: the forward's
 * before, and after only as far as the last kernel tap reaches, so the result is (nearly) k wide.
 */
export function conv2dWeightGradPadding(gradSpatial: readonly number[], inputSpatial: readonly number[], kernel: readonly number[], a: Conv2dAttrs): Conv2dAttrs['padding'] {
  const [h, w] = [0, 1].map((i) => {
    const reach = (gradSpatial[i]! - 1) * a.stride[i]! + 1 + a.dilation[i]! * (kernel[i]! - 1);
    return [a.padding[i]![0], Math.min(a.padding[i]![1], Math.max(0, reach - inputSpatial[i]! - a.padding[i]![0]))] as [number, number];
  });
  return [h!, w!];
}

/** dL/dweight `[O, C, kh, kw]` of `conv2d(input, weight)` from `g [N, O, Ho, Wo]`; groups 1, not recorded. */
export function conv2dWeightGradFast(g: Tensor, input: Tensor, weightShape: readonly number[], a: Conv2dAttrs): Tensor {
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [o, , kh, kw] = weightShape as [number, number, number, number];
  const [, , ho, wo] = g.shape as [number, number, number, number];
  const { stride, dilation } = a;
  // An empty batch sums nothing (tfjs's convolution over zero channels leaves its output unset).
  if (isEmptyConv(input.shape, weightShape)) return new Tensor(tf.zeros([...weightShape]));
  const win = oneWindow(input.shape, weightShape, a);
  const cols = win ? null : columnsFor(input.shape, weightShape, a);
  const data = tf.tidy(() => {
    if (win) return windowConvWeightGrad(g._data, input._data, weightShape, win);
    if (cols) return columnsConvWeightGrad(g._data, input._data, cols);
    const xs = tf.reshape(transpose2d(tf.reshape(input._data, [n, c * h * w])), [c, h, w, n]) as tf.Tensor4D;
    const gs = tf.reshape(transpose2d(tf.reshape(g._data, [n * o, ho * wo])), [ho, wo, n, o]) as tf.Tensor4D;
    const [ph, pw] = conv2dWeightGradPadding([ho, wo], [h, w], [kh, kw], a);
    const pad = [[0, 0], ph, pw, [0, 0]] as tf.backend_util.ExplicitPadding;
    let gw = tf.conv2d(xs, gs, dilation, pad, 'NHWC', stride); // [C, kh', kw', O], kh' >= kh
    if (gw.shape[1] !== kh || gw.shape[2] !== kw) gw = tf.slice(gw, [0, 0, 0, 0], [c, kh, kw, o]);
    return tf.reshape(transpose2d(tf.reshape(gw, [c * kh * kw, o])), [o, c, kh, kw]);
  });
  return new Tensor(data);
}
