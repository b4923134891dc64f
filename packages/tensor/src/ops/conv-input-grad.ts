/**
 * @internal The input gradient of `conv2d` (groups 1), computed outside autograd (a backward
 * without `createGraph`). It is the forward convolution of the stride-dilated output gradient with
 * the filter flipped in space and with in/out channels swapped (see autograd's formulas/conv.ts,
 * which builds the same from recorded ops for a second backward). Here the filter comes from the
 * weight's kernel layout `[kh, kw, C, O]`, cached per weight version by the forward, with one tap
 * reversal and one batched transpose: the recorded form takes three weight-sized transposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '../tensor.js';
import { pointConvAsMatMul, toHWIO, toNCHW, toNHWC, type Conv2dAttrs } from './conv.js';

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
 * `[kh, kw, C, O]` → `[kh, kw, O, C]` flipped in space: the taps reversed by one matMul with the
 * exchange matrix (tfjs-wasm's Reverse and Gather take ~15× longer), then C and O swapped per tap.
 */
function flippedSwapped(hwio: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, o] = hwio.shape;
  const taps = kh * kw;
  const exchange = tf.tensor2d(exchangeMatrix(taps), [taps, taps]);
  const reversed = tf.reshape(tf.matMul(exchange, tf.reshape(hwio, [taps, c * o])), [taps, c, o]);
  return tf.reshape(tf.transpose(reversed, [0, 2, 1]), [kh, kw, o, c]);
}

/** dL/dinput `[N, C, H, W]` of `conv2d(input, weight)` from `g [N, O, Ho, Wo]`; groups 1, not recorded. */
export function conv2dInputGradFast(g: Tensor, weight: Tensor, inputShape: readonly number[], a: Conv2dAttrs): Tensor {
  const [n, o, ho, wo] = g.shape as [number, number, number, number];
  const [kh, kw] = [weight.shape[2]!, weight.shape[3]!];
  const [sh, sw] = a.stride;
  const { before, after } = conv2dInputGradPadding([ho, wo], [inputShape[2]!, inputShape[3]!], [kh, kw], a);
  const hwio = weight._derivedData('conv2d.hwio', toHWIO);
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
    const filter = flippedSwapped(hwio as tf.Tensor4D);
    const point = pointConvAsMatMul(gd, filter, { stride: [1, 1], padding, dilation: a.dilation, groups: 1 });
    return toNCHW(point ?? tf.conv2d(gd, filter, 1, [[0, 0], padding[0], padding[1], [0, 0]], 'NHWC', a.dilation));
  });
  return new Tensor(data);
}
