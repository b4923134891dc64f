/**
 * @internal The input gradient of `conv2d` (groups 1), computed outside autograd (a backward
 * without `createGraph`). It is the forward convolution of the stride-dilated output gradient with
 * the filter flipped in space and with in/out channels swapped (see autograd's formulas/conv.ts,
 * which builds the same from recorded ops for a second backward). Here the filter is made in one
 * weight-sized pass on WASM (a transpose writing the taps in reverse order), two elsewhere; the
 * recorded form takes four (a transposed view's copy, the flip, and conv2d's own layout change).
 * A one-pixel output runs as a matMul (conv-window.ts), one with few output positions as a matMul
 * over columns (conv-columns.ts), a strided one as one convolution per output phase
 * (conv-input-grad-strided.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d, transposeReversed } from './fast-transpose.js';
import { Tensor } from '../tensor.js';
import { isEmptyConv, pointConvAsMatMul, toNCHW, toNHWC, type Conv2dAttrs } from './conv.js';
import { oneWindow, windowConvInputGrad } from './conv-window.js';
import { stridedInputGrad, stridedSplit } from './conv-input-grad-strided.js';
import { columnsConvInputGrad, columnsFor } from './conv-columns.js';

/**
 * Per spatial axis, the padding (before, after) of the stride-dilated gradient (length Ho·s) that
 * makes the input gradient's convolution come out H long; negative amounts crop.
 */
export function conv2dInputGradPadding(gradSpatial: readonly number[], inputSpatial: readonly number[], kernel: readonly number[], a: Conv2dAttrs): { before: number[]; after: number[] } {
  const before = [0, 1].map((i) => a.dilation[i]! * (kernel[i]! - 1) - a.padding[i]![0]);
  const after = [0, 1].map((i) => inputSpatial[i]! + a.padding[i]![0] - gradSpatial[i]! * a.stride[i]!);
  return { before, after };
}

/** The `n×n` exchange matrix (ones on the anti-diagonal): a product with it reverses an axis. */
export function exchangeMatrix(n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, i) => (i % n === n - 1 - Math.floor(i / n) ? 1 : 0));
}

/**
 * PyTorch's weight `[O, C, kh, kw]` → the filter `[kh, kw, O, C]` flipped in space (reversing the
 * flattened taps flips both axes): on WASM one transpose of `[O·C, kh·kw]` that writes the tap
 * rows in reverse order; elsewhere the taps reversed by one matMul with the exchange matrix
 * (tfjs-wasm's Reverse and Gather take ~15× longer), then a 2-D transpose.
 */
function flippedSwapped(w: tf.Tensor): tf.Tensor4D {
  const [o, c, kh, kw] = w.shape as [number, number, number, number];
  const taps = kh * kw;
  const rows = tf.reshape(w, [o * c, taps]);
  const flipped = transposeReversed(rows) ?? transpose2d(tf.matMul(rows, tf.tensor2d(exchangeMatrix(taps), [taps, taps])));
  return tf.reshape(flipped, [kh, kw, o, c]);
}

/** dL/dinput `[N, C, H, W]` of `conv2d(input, weight)` from `g [N, O, Ho, Wo]`; groups 1, not recorded. */
export function conv2dInputGradFast(g: Tensor, weight: Tensor, inputShape: readonly number[], a: Conv2dAttrs): Tensor {
  const [n, o, ho, wo] = g.shape as [number, number, number, number];
  const [kh, kw] = [weight.shape[2]!, weight.shape[3]!];
  const [sh, sw] = a.stride;
  if (isEmptyConv(inputShape, weight.shape)) return new Tensor(tf.zeros([...inputShape]));
  const win = oneWindow(inputShape, weight.shape, a);
  if (win) return new Tensor(tf.tidy(() => windowConvInputGrad(g._data, weight, inputShape, win)));
  const cols = columnsFor(inputShape, weight.shape, a);
  if (cols) return new Tensor(tf.tidy(() => columnsConvInputGrad(g._data, weight._data, cols)));
  const split = stridedSplit(inputShape, g.shape, weight.shape, a);
  if (split) return new Tensor(tf.tidy(() => stridedInputGrad(toNHWC(g._data), weight._data, inputShape, a, split, () => flippedSwapped(weight._data))));
  const { before, after } = conv2dInputGradPadding([ho, wo], [inputShape[2]!, inputShape[3]!], [kh, kw], a);
  const data = tf.tidy(() => {
    let gd: tf.Tensor4D = toNHWC(g._data);
    if (sh > 1 || sw > 1) {
      // s − 1 zeros after every element of Ho and Wo.
      const spread = tf.pad(tf.reshape(gd, [n, ho, 1, wo, 1, o]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      gd = tf.reshape(spread, [n, ho * sh, wo * sw, o]);
    }
    if ([...before, ...after].some((p) => p < 0)) {
      const [, hd, wd] = gd.shape;
      const top = Math.max(-before[0]!, 0);
      const left = Math.max(-before[1]!, 0);
      gd = tf.slice(gd, [0, top, left, 0], [n, hd - top - Math.max(-after[0]!, 0), wd - left - Math.max(-after[1]!, 0), o]);
    }
    const padding: Conv2dAttrs['padding'] = [
      [Math.max(before[0]!, 0), Math.max(after[0]!, 0)],
      [Math.max(before[1]!, 0), Math.max(after[1]!, 0)],
    ];
    const filter = flippedSwapped(weight._data);
    const point = pointConvAsMatMul(gd, filter, { stride: [1, 1], padding, dilation: a.dilation, groups: 1 });
    return toNCHW(point ?? tf.conv2d(gd, filter, 1, [[0, 0], padding[0], padding[1], [0, 0]], 'NHWC', a.dilation));
  });
  return new Tensor(data);
}
