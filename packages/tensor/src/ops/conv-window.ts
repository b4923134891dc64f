/**
 * @internal Convolutions whose output is a single pixel (`Ho = Wo = 1`: ResNet's last stage on
 * 32×32 images, where every activation is 2×2 or 1×1), as three plain matMuls over the one window.
 *
 * With one output position, `conv2d` is `y[N, O] = P[N, K] · W[O, K]ᵀ`, where `P` holds the input
 * values under the window's taps and `K = C · taps`. Only the taps that land on the input (not on
 * padding) contribute, so `P` and `W` keep just those (`W_T [O, C · |T|]`: on WASM read straight
 * from the heap, where tfjs's column slice and gather are slow; elsewhere one matMul with a 0/1
 * selection matrix, which is exact).
 *
 * tfjs-wasm runs a matMul on XNNPACK only untransposed, and packs the right operand anew for each
 * new buffer (~7 ns per element), so each product below keeps the weight-sized operand on the
 * left or packs only the `|T| / taps` part of it:
 * - forward:      `yᵀ [O, N]     = W_T [O, K'] · Pᵀ [K', N]`
 * - input grad:   `dPᵀ [K', N]   = W_Tᵀ [K', O] · gᵀ [O, N]` (one 2-D transpose of `W_T`), put back under the window
 * - weight grad:  `dW_T [O, K']  = gᵀ [O, N] · P [N, K']`, spread to all taps by the selection's
 *   transpose (writing the zeros dominates: a spread on the heap measured the same)
 *
 * The forward's `W_T` is cached on the weight's storage until it is written (the backward reuses it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './fast-transpose.js';
import { activeHeapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer, heapView } from '../heap.js';
import type { Tensor } from '../tensor.js';
import { outSize, type Conv2dAttrs } from './conv.js';

/** The landing taps along one axis: the first tap, their count, and where the first lands in the input. */
interface AxisTaps {
  first: number;
  count: number;
  at: number;
}

/** The window of a one-pixel output, per spatial axis; null if the output is not 1×1 or the case is not covered. */
export interface Window {
  h: AxisTaps;
  w: AxisTaps;
  kh: number;
  kw: number;
}

function axisTaps(size: number, k: number, pad: readonly [number, number], d: number, s: number): AxisTaps | null {
  const out = outSize(size, pad, k, d, s);
  if (out !== 1 || d !== 1) return null;
  // Tap i reads input position i - pad[0].
  const first = Math.max(0, pad[0]);
  const last = Math.min(k - 1, size - 1 + pad[0]);
  if (last < first) return null;
  return { first, count: last - first + 1, at: first - pad[0] };
}

/** The window of `conv2d(x [N, C, H, W], w [O, C, kh, kw])` if its output is one pixel (groups 1, dilation 1). */
export function oneWindow(inputShape: readonly number[], weightShape: readonly number[], a: Conv2dAttrs): Window | null {
  if (a.groups !== 1) return null;
  const [kh, kw] = [weightShape[2]!, weightShape[3]!];
  const h = axisTaps(inputShape[2]!, kh, a.padding[0], a.dilation[0], a.stride[0]);
  const w = axisTaps(inputShape[3]!, kw, a.padding[1], a.dilation[1], a.stride[1]);
  return h && w ? { h, w, kh, kw } : null;
}

const allTaps = (win: Window): boolean => win.h.count === win.kh && win.w.count === win.kw;

/** `[kh·kw, |T|]` with a 1 where tap (row) is the landing tap (column), in row-major tap order. */
function selection(win: Window): tf.Tensor2D {
  const taps = win.kh * win.kw;
  const t = win.h.count * win.w.count;
  const m = new Float32Array(taps * t);
  for (let i = 0; i < win.h.count; i++) {
    for (let j = 0; j < win.w.count; j++) m[((win.h.first + i) * win.kw + win.w.first + j) * t + i * win.w.count + j] = 1;
  }
  return tf.tensor2d(m, [taps, t]);
}

const key = (win: Window): string => `conv2d.window:${win.h.first},${win.h.count},${win.w.first},${win.w.count}`;

/** `W_T [O, C·|T|]`: the weight's landing taps, cached on its storage until it is written. */
function landingWeight(weight: Tensor, win: Window): tf.Tensor2D {
  const [o, c] = weight.shape as [number, number];
  const t = win.h.count * win.w.count;
  if (allTaps(win)) return tf.reshape(weight._data, [o, c * t]);
  return weight._derivedData(key(win), (w) => {
    const kernels = activeHeapKernels();
    const src = kernels ? heapBuffer(w) : null;
    if (kernels && src) {
      // One pass over the weight (memory-bound: every cache line holds a landing tap).
      const out = heapAlloc([o, c * t]);
      const at = heapAlloc([t], 'int32');
      (heapView(at.tensor) as Int32Array).set(landingTaps(win).map((tap) => tap * 4));
      kernels.gatherTaps(src.offset, out.offset, o * c, win.kh * win.kw * 4, t * 4, at.offset);
      at.tensor.dispose();
      return out.tensor;
    }
    return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(w, [o * c, win.kh * win.kw]), selection(win)), [o, c * t]));
  }) as tf.Tensor2D;
}

/** The landing taps' positions in a `[kh, kw]` filter plane, in row-major order. */
function landingTaps(win: Window): number[] {
  return Array.from({ length: win.h.count * win.w.count }, (_, k) => (win.h.first + Math.floor(k / win.w.count)) * win.kw + win.w.first + (k % win.w.count));
}

/** `P [N, C·|T|]`: the input under the landing taps. */
function patches(x: tf.Tensor, win: Window): tf.Tensor2D {
  const [n, c] = x.shape as [number, number];
  const sub = tf.slice(x, [0, 0, win.h.at, win.w.at], [n, c, win.h.count, win.w.count]);
  return tf.reshape(sub, [n, c * win.h.count * win.w.count]);
}

/** The forward `[N, O, 1, 1]` (plus `bias [O]`), inside the caller's `tf.tidy`. */
export function windowConv(x: tf.Tensor, weight: Tensor, bias: tf.Tensor | null, win: Window): tf.Tensor4D {
  const [n] = x.shape as [number];
  const o = weight.shape[0]!;
  const yt = tf.matMul(landingWeight(weight, win), transpose2d(patches(x, win)));
  const y = transpose2d(yt);
  return tf.reshape(bias ? tf.add(y, bias) : y, [n, o, 1, 1]);
}

/** dL/dinput `[N, C, H, W]` from `g [N, O, 1, 1]`, inside the caller's `tf.tidy`. */
export function windowConvInputGrad(g: tf.Tensor, weight: Tensor, inputShape: readonly number[], win: Window): tf.Tensor4D {
  const [n, c, h, w] = inputShape as [number, number, number, number];
  const o = weight.shape[0]!;
  const dpt = tf.matMul(transpose2d(landingWeight(weight, win)), transpose2d(tf.reshape(g, [n, o])));
  const under = tf.reshape(transpose2d(dpt), [n, c, win.h.count, win.w.count]);
  return tf.pad(under, [
    [0, 0],
    [0, 0],
    [win.h.at, h - win.h.at - win.h.count],
    [win.w.at, w - win.w.at - win.w.count],
  ]) as tf.Tensor4D;
}

/** dL/dweight `[O, C, kh, kw]` from `g [N, O, 1, 1]` and the input, inside the caller's `tf.tidy`. */
export function windowConvWeightGrad(g: tf.Tensor, x: tf.Tensor, weightShape: readonly number[], win: Window): tf.Tensor4D {
  const [o, c, kh, kw] = weightShape as [number, number, number, number];
  const n = x.shape[0]!;
  const dwt = tf.matMul(transpose2d(tf.reshape(g, [n, o])), patches(x, win));
  if (allTaps(win)) return tf.reshape(dwt, [o, c, kh, kw]);
  const t = win.h.count * win.w.count;
  return tf.reshape(tf.matMul(tf.reshape(dwt, [o * c, t]), transpose2d(selection(win))), [o, c, kh, kw]);
}
