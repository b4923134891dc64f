/**
 * @internal Training convolutions with fewer output positions than output channels (`N·Ho·Wo ≤ O`:
 * ResNet's third stage on 32×32 images, 2×2 activations with 256 channels), as matMuls over the
 * input's columns (im2col), on WASM.
 *
 * tfjs-wasm's Conv2D transposes a new filter and has XNNPACK pack it on every call (~10 ns per
 * weight element), and in training every step brings a new filter, for the forward and for the
 * input gradient. Here the weight stays in PyTorch's layout `W [O, K]` (`K = C·kh·kw`, a free
 * reshape) as the left operand of an untransposed matMul, which XNNPACK does not pack; the right
 * operand it packs is the columns, no larger than the weight:
 * - forward:     `yᵀ [O, N·Ho·Wo] = W [O, K] · cols [K, N·Ho·Wo]`
 * - input grad:  `dcols [K, N·Ho·Wo] = Wᵀ [K, O] · gᵀ [O, N·Ho·Wo]`, summed back onto the input (col2im)
 * - weight grad: `dW [O, K] = gᵀ [O, N·Ho·Wo] · colsᵀ [N·Ho·Wo, K]`, already in PyTorch's layout
 *
 * `cols[(c, i, j), (n, y, x)] = input[n, c, y·s + i·d - p, x·s + j·d - p]`, zero on padding.
 * The columns are built and summed back by JS loops over the WASM heap (tfjs has no im2col kernel),
 * straight into the output tensors there, through a map from column entries to input offsets made
 * once per geometry.
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './fast-transpose.js';
import { heapAlloc, heapView } from '../heap.js';
import { outSize, type Conv2dAttrs } from './conv.js';

/** One spatial axis: input length, kernel, stride, dilation, padding before, output length. */
interface Axis {
  size: number;
  k: number;
  s: number;
  d: number;
  p: number;
  out: number;
}

/** The geometry of a convolution the columns path covers. */
export interface Columns {
  n: number;
  c: number;
  o: number;
  h: Axis;
  w: Axis;
}

function axis(size: number, k: number, s: number, d: number, pad: readonly [number, number]): Axis {
  return { size, k, s, d, p: pad[0], out: outSize(size, pad, k, d, s) };
}

/**
 * The geometry of `conv2d(x [N, C, H, W], w [O, C, kh, kw])` if the columns path pays here: groups
 * 1, WASM, and no more output positions than output channels (so the columns are at most the
 * weight's size). `null` otherwise.
 */
export function columnsFor(inputShape: readonly number[], weightShape: readonly number[], a: Conv2dAttrs): Columns | null {
  if (a.groups !== 1 || tf.getBackend() !== 'wasm') return null;
  const [n, c, hh, ww] = inputShape as [number, number, number, number];
  const [o, , kh, kw] = weightShape as [number, number, number, number];
  const h = axis(hh, kh, a.stride[0], a.dilation[0], a.padding[0]);
  const w = axis(ww, kw, a.stride[1], a.dilation[1], a.padding[1]);
  const positions = n * h.out * w.out;
  return positions > 0 && positions <= o ? { n, c, o, h, w } : null;
}

/** The most recent geometries' source maps (a training loop meets a handful). */
const maps = new Map<string, Int32Array>();
const MAX_MAPS = 8;

/**
 * For every entry of `cols [K, N·Ho·Wo]` in row-major order, the input's NCHW offset it reads,
 * or -1 on padding. Rows are `(c, i, j)`, columns `(n, y, x)`.
 */
function sources(g: Columns): Int32Array {
  const { n, c, h, w } = g;
  const key = [n, c, ...Object.values(h), ...Object.values(w)].join(',');
  const known = maps.get(key);
  if (known) return known;
  const positions = n * h.out * w.out;
  const at = new Int32Array(c * h.k * w.k * positions).fill(-1);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h.k; i++) {
      for (let j = 0; j < w.k; j++) {
        const row = ((ch * h.k + i) * w.k + j) * positions;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ch) * h.size * w.size;
          for (let y = 0; y < h.out; y++) {
            const iy = y * h.s + i * h.d - h.p;
            if (iy < 0 || iy >= h.size) continue;
            for (let x = 0; x < w.out; x++) {
              const ix = x * w.s + j * w.d - w.p;
              if (ix >= 0 && ix < w.size) at[row + (b * h.out + y) * w.out + x] = plane + iy * w.size + ix;
            }
          }
        }
      }
    }
  }
  if (maps.size >= MAX_MAPS) maps.delete(maps.keys().next().value!);
  maps.set(key, at);
  return at;
}

/** `cols [K, N·Ho·Wo]` of the input `[N, C, H, W]` (or `colsᵀ` with `transposed`), read from the heap. */
function columns(x: tf.Tensor, g: Columns, transposed = false): tf.Tensor2D {
  const at = sources(g);
  const positions = g.n * g.h.out * g.w.out;
  const k = at.length / positions;
  const result = heapAlloc(transposed ? [positions, k] : [k, positions]);
  const [src, out] = [heapView(x)!, heapView(result.tensor)!];
  if (!transposed) {
    for (let t = 0; t < at.length; t++) out[t] = at[t]! >= 0 ? src[at[t]!]! : 0;
  } else {
    for (let row = 0, t = 0; row < k; row++) {
      for (let pos = 0; pos < positions; pos++, t++) out[pos * k + row] = at[t]! >= 0 ? src[at[t]!]! : 0;
    }
  }
  return result.tensor as tf.Tensor2D;
}

/** `gᵀ [O, N·Ho·Wo]` of `grad [N, O, Ho, Wo]`. */
function gradT(grad: tf.Tensor, g: Columns): tf.Tensor2D {
  return tf.reshape(tf.transpose(tf.reshape(grad, [g.n, g.o, g.h.out * g.w.out]), [1, 0, 2]), [g.o, g.n * g.h.out * g.w.out]);
}

/** The forward `[N, O, Ho, Wo]` (plus `bias [O]`), inside the caller's `tf.tidy`. */
export function columnsConv(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null, g: Columns): tf.Tensor4D {
  const yt = tf.matMul(tf.reshape(weight, [g.o, weight.size / g.o]), columns(x, g));
  const y = tf.transpose(tf.reshape(yt, [g.o, g.n, g.h.out * g.w.out]), [1, 0, 2]);
  return tf.reshape(bias ? tf.add(y, tf.reshape(bias, [g.o, 1])) : y, [g.n, g.o, g.h.out, g.w.out]);
}

/** dL/dinput `[N, C, H, W]` from `grad [N, O, Ho, Wo]`, inside the caller's `tf.tidy`. */
export function columnsConvInputGrad(grad: tf.Tensor, weight: tf.Tensor, g: Columns): tf.Tensor4D {
  const dcols = tf.matMul(transpose2d(tf.reshape(weight, [g.o, weight.size / g.o])), gradT(grad, g));
  const at = sources(g);
  const result = heapAlloc([g.n, g.c, g.h.size, g.w.size]);
  const [src, out] = [heapView(dcols)!, heapView(result.tensor)!];
  out.fill(0);
  for (let t = 0; t < at.length; t++) if (at[t]! >= 0) out[at[t]!] += src[t]!;
  return result.tensor as tf.Tensor4D;
}

/** dL/dweight `[O, C, kh, kw]` from `grad [N, O, Ho, Wo]` and the input, inside the caller's `tf.tidy`. */
export function columnsConvWeightGrad(grad: tf.Tensor, x: tf.Tensor, g: Columns): tf.Tensor4D {
  return tf.reshape(tf.matMul(gradT(grad, g), columns(x, g, true)), [g.o, g.c, g.h.k, g.w.k]);
}
