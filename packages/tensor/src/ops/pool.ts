/**
 * 2-D pooling (`torch.nn.functional.max_pool2d`, `avg_pool2d`, `adaptive_avg_pool2d`) on
 * `[N, C, H, W]` (or unbatched `[C, H, W]`) inputs.
 *
 * The WASM pooling kernels are channels-last and know neither PyTorch's padding nor `ceil_mode`,
 * so Flint pads explicitly (with -inf for max, zeros for average) to exactly the extent PyTorch's
 * output size needs, runs a 'valid' pool, and rescales averages by PyTorch's divisor per output
 * position. Their gradients are the `MaxPoolGrad` / `AvgPoolGrad` kernels, exposed as the ops
 * `maxPool2dBackward` / `avgPool2dBackward` for the formulas in `@flint/autograd`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { record, recordMany, willRecord } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { outSize, pair, toNCHW, toNHWC, type Size2 } from './conv.js';
import { mm } from './linalg.js';
import { poolWithIndices } from './pool-indices.js';
import { mean } from './reduce.js';
import { reshape, transpose } from './shape.js';
import { shapeStr } from './util.js';

export interface MaxPool2dOptions {
  /** Default: `kernelSize`. */
  stride?: Size2 | null;
  /** Implicit -inf padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  /** Spacing between window elements (default 1). */
  dilation?: Size2;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Input and output in channels-last layout `[N, H, W, C]`; inference only, no dilation (default false). */
  channelsLast?: boolean;
}

export interface AvgPool2dOptions {
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the zero padding in the average (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead. */
  divisorOverride?: number | null;
}

/** Resolved pooling geometry, recorded as the op's attributes. */
export type Pool2dAttrs = {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
  /** Extra bottom/right padding so the last (ceil-mode) window fits. */
  extra: [number, number];
  outShape: [number, number];
};

function geometry(
  op: string,
  x: Tensor,
  kernelSize: Size2,
  o: { stride?: Size2 | null; padding?: Size2; dilation?: Size2; ceilMode?: boolean },
  shape: readonly number[] = x.shape,
): Pool2dAttrs {
  if (x.ndim !== 4) throw new RangeError(`${op}: Expected 3D or 4D (batch mode) tensor for input, but got: ${shapeStr(x.shape)}`);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input (got ${x.dtype})`);
  const kernel = pair(kernelSize, 'kernel_size', op);
  const stride = pair(o.stride ?? kernel, 'stride', op);
  const padding = pair(o.padding ?? 0, 'padding', op, 0);
  const dilation = pair(o.dilation ?? 1, 'dilation', op);
  const ceilMode = o.ceilMode ?? false;
  for (const i of [0, 1] as const) {
    if (padding[i] * 2 > kernel[i]) {
      throw new RangeError(`${op}: pad should be at most half of effective kernel size, but got pad=${padding[i]}, kernel_size=${kernel[i]} and dilation=${dilation[i]}`);
    }
  }
  const dims = [0, 1].map((i) => {
    const size = shape[2 + i]!;
    let n = outSize(size, [padding[i]!, padding[i]!], kernel[i]!, dilation[i]!, stride[i]!, ceilMode);
    // PyTorch: the last window must start inside the input or the left padding.
    if (ceilMode && (n - 1) * stride[i]! >= size + padding[i]!) n--;
    if (n < 1) {
      throw new RangeError(`${op}: Given input size: (${shape.slice(1).join('x')}). Calculated output size: (${shape[1]}x${i === 0 ? n : '?'}x${i === 1 ? n : '?'}). Output size is too small`);
    }
    const need = (n - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1;
    return { n, extra: Math.max(0, need - (size + 2 * padding[i]!)) };
  });
  return {
    kernel,
    stride,
    padding,
    dilation,
    ceilMode,
    extra: [dims[0]!.extra, dims[1]!.extra],
    outShape: [dims[0]!.n, dims[1]!.n],
  };
}

/** Pads NHWC data as the geometry says: `padding` before, `padding + extra` after. */
function padNHWC(x: tf.Tensor, a: Pool2dAttrs, value: number): tf.Tensor {
  const [ph, pw] = a.padding;
  if (ph === 0 && pw === 0 && a.extra[0] === 0 && a.extra[1] === 0) return x;
  return tf.pad(x, [[0, 0], [ph, ph + a.extra[0]], [pw, pw + a.extra[1]], [0, 0]], value);
}

/** Crops a 'valid' pool result to PyTorch's output size (it can have one row/column more). */
function crop(y: tf.Tensor, a: Pool2dAttrs): tf.Tensor {
  const [n, h, w, c] = y.shape as [number, number, number, number];
  const [oh, ow] = a.outShape;
  return h === oh && w === ow ? y : tf.slice(y, [0, 0, 0, 0], [n, oh, ow, c]);
}

function unbatched(x: Tensor, f: (x4: Tensor) => Tensor): Tensor | null {
  if (x.ndim !== 3) return null;
  return f(x.unsqueeze(0)).squeeze(0);
}

// ---- max pooling ----------------------------------------------------------------------------

/**
 * `torch.nn.functional.max_pool2d(x, kernel_size, stride=kernel_size, padding=0, dilation=1,
 * ceil_mode=False)`: the maximum of each window; `[N, C, H, W]` → `[N, C, Ho, Wo]`.
 * See https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
 *
 * When autograd records, the forward also finds where each window's first maximum is (as
 * PyTorch's `max_pool2d_with_indices`) and saves that as a second, int32 output of the node, so
 * backward is a cheap scatter (see `maxPool2dBackward`).
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: MaxPool2dOptions = {}): Tensor {
  const u = unbatched(x, (x4) => maxPool2d(x4, kernelSize, options));
  if (u) return u;
  if (options.channelsLast) return maxPool2dChannelsLast(x, kernelSize, options);
  const a = geometry('max_pool2d', x, kernelSize, options);
  if (willRecord([x])) {
    const { out, indices } = tf.tidy(() => poolWithIndices(x._data, a));
    return recordMany('maxPool2d', [new Tensor(out), new Tensor(indices)], [x], a)[0]!;
  }
  const data = tf.tidy(() => {
    // The WASM kernel has no dilation: then scan the windows as the recorded forward does.
    if (a.dilation[0] !== 1 || a.dilation[1] !== 1) return poolWithIndices(x._data, a).out;
    return toNCHW(maxPoolNHWC(toNHWC(x._data), a));
  });
  return new Tensor(data);
}

/** `maxPool2d` on `[N, H, W, C]` data: the WASM kernel's own layout, no transposes. */
function maxPool2dChannelsLast(x: Tensor, kernelSize: Size2, options: MaxPool2dOptions): Tensor {
  const op = 'max_pool2d';
  if (willRecord([x])) throw new Error(`${op}: channelsLast is an inference layout that autograd does not record; run it under noGrad`);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const a = geometry(op, x, kernelSize, options, [n, c, h, w]);
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) throw new RangeError(`${op}: channelsLast supports dilation 1 only`);
  return new Tensor(tf.tidy(() => maxPoolNHWC(x._data, a)));
}

/** The WASM max-pool kernel on `[N, H, W, C]`; it pads itself, ignoring padded positions as -inf would. */
function maxPoolNHWC(x: tf.Tensor, a: Pool2dAttrs): tf.Tensor {
  const [ph, pw] = a.padding;
  const pad = [[0, 0], [ph, ph + a.extra[0]], [pw, pw + a.extra[1]], [0, 0]] as tf.backend_util.ExplicitPadding;
  return crop(tf.maxPool(x as tf.Tensor4D, a.kernel, a.stride, pad), a);
}

/**
 * The gradient of `maxPool2d` w.r.t. its input (`max_pool2d_with_indices_backward`): each output
 * gradient goes to the position of its window's maximum (see `poolWithIndices`), as in PyTorch,
 * and overlapping windows add up. `indices` are what the recorded forward saved (see
 * `poolWithIndices`); without them they are recomputed from `input`. WASM's `MaxPoolGrad` kernel
 * drops gradients in some windows (tfjs 4.22), so this is a summing `scatterND` of the gradient
 * to the saved positions. Not itself differentiable.
 */
export function maxPool2dBackward(gradOutput: Tensor, input: Tensor | readonly number[], attrs: Pool2dAttrs, indices?: Tensor): Tensor {
  if (!indices && !(input instanceof Tensor)) throw new TypeError('maxPool2dBackward: needs the input tensor or the saved indices');
  const [n, c, h, w] = (input instanceof Tensor ? input.shape : input) as [number, number, number, number];
  const data = tf.tidy(() => {
    const idx = indices ? indices._data : poolWithIndices((input as Tensor)._data, attrs).indices;
    return tf.reshape(tf.scatterND(tf.reshape(idx, [-1, 1]), tf.reshape(gradOutput._data, [-1]), [n * c * h * w]), [n, c, h, w]);
  });
  return new Tensor(data);
}

// ---- average pooling ------------------------------------------------------------------------

/**
 * `torch.nn.functional.avg_pool2d(x, kernel_size, stride=kernel_size, padding=0,
 * ceil_mode=False, count_include_pad=True, divisor_override=None)`: the mean of each window.
 * See https://pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  const u = unbatched(x, (x4) => avgPool2d(x4, kernelSize, options));
  if (u) return u;
  const a = geometry('avg_pool2d', x, kernelSize, options);
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null && (!Number.isFinite(divisorOverride) || divisorOverride === 0)) {
    throw new RangeError('avg_pool2d: divisor must be not zero');
  }
  const scale = avgScale(x.shape[2]!, x.shape[3]!, a, options.countIncludePad ?? true, divisorOverride);
  const attrs = { ...a, scale, countIncludePad: options.countIncludePad ?? true, divisorOverride };
  const data = tf.tidy(() => {
    const xp = padNHWC(toNHWC(x._data), a, 0) as tf.Tensor4D;
    let y = crop(tf.avgPool(xp, a.kernel, a.stride, 'valid'), a);
    if (scale) y = tf.mul(y, tf.tensor(scale, [a.outShape[0], a.outShape[1], 1]));
    return toNCHW(y);
  });
  return record('avgPool2d', new Tensor(data), [x], attrs);
}

/**
 * PyTorch's divisor per output position, as a factor on the plain window mean (`null` when every
 * window divides by kh·kw). Windows are clipped to the padded input; without `countIncludePad`
 * only real input positions count.
 */
function avgScale(h: number, w: number, a: Pool2dAttrs, countIncludePad: boolean, override: number | null): Float32Array | null {
  const [oh, ow] = a.outShape;
  const [kh, kw] = a.kernel;
  const scale = new Float32Array(oh * ow);
  let trivial = true;
  const span = (o: number, k: number, s: number, p: number, size: number): [number, number] => {
    const start = o * s - p;
    const end = Math.min(start + k, size + p);
    const pool = end - start;
    return [pool, Math.min(end, size) - Math.max(start, 0)];
  };
  for (let i = 0; i < oh; i++) {
    const [poolH, realH] = span(i, kh, a.stride[0], a.padding[0], h);
    for (let j = 0; j < ow; j++) {
      const [poolW, realW] = span(j, kw, a.stride[1], a.padding[1], w);
      const divisor = override ?? (countIncludePad ? poolH * poolW : realH * realW);
      scale[i * ow + j] = (kh * kw) / divisor;
      if (divisor !== kh * kw) trivial = false;
    }
  }
  return trivial ? null : scale;
}

/** The gradient of `avgPool2d` w.r.t. its input: spreads each (rescaled) output gradient over its window. */
export function avgPool2dBackward(gradOutput: Tensor, inputShape: readonly number[], attrs: Pool2dAttrs & { scale: Float32Array | null; countIncludePad?: boolean; divisorOverride?: number | null }): Tensor {
  const [n, c, h, w] = inputShape as [number, number, number, number];
  const hp = h + 2 * attrs.padding[0] + attrs.extra[0];
  const wp = w + 2 * attrs.padding[1] + attrs.extra[1];
  const data = tf.tidy(() => {
    let dy = toNHWC(gradOutput._data) as tf.Tensor;
    if (attrs.scale) dy = tf.mul(dy, tf.tensor(attrs.scale, [attrs.outShape[0], attrs.outShape[1], 1]));
    const full = [Math.floor((hp - attrs.kernel[0]) / attrs.stride[0]) + 1, Math.floor((wp - attrs.kernel[1]) / attrs.stride[1]) + 1];
    if (full[0] !== dy.shape[1] || full[1] !== dy.shape[2]) {
      dy = tf.pad(dy, [[0, 0], [0, full[0]! - dy.shape[1]!], [0, full[1]! - dy.shape[2]!], [0, 0]]);
    }
    const shapeHolder = tf.fill([n, hp, wp, c], 0);
    const dxp = tf.engine().runKernel('AvgPoolGrad', { dy, input: shapeHolder }, { filterSize: attrs.kernel, strides: attrs.stride, pad: 'valid' }) as tf.Tensor;
    return toNCHW(tf.slice(dxp, [0, attrs.padding[0], attrs.padding[1], 0], [n, h, w, c]));
  });
  return record('avgPool2dBackward', new Tensor(data), [gradOutput], { ...attrs, inputShape: [...inputShape] });
}

// ---- adaptive average pooling ---------------------------------------------------------------

/**
 * `torch.nn.functional.adaptive_avg_pool2d(x, output_size)`: averages over bins
 * `[floor(i·H/out), ceil((i+1)·H/out))`, so any output size works (`null` keeps that dim).
 * Built from Flint ops: a mean for 1×1, a pooling-matrix product otherwise.
 * See https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | null | readonly [number | null, number | null]): Tensor {
  const u = unbatched(x, (x4) => adaptiveAvgPool2d(x4, outputSize));
  if (u) return u;
  if (x.ndim !== 4) throw new RangeError(`adaptive_avg_pool2d: Expected 3D or 4D tensor, but got ${shapeStr(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const req = Array.isArray(outputSize) ? outputSize : [outputSize, outputSize];
  const oh = req[0] ?? h;
  const ow = req[1] ?? w;
  if (![oh, ow].every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`adaptive_avg_pool2d: output_size must be non-negative integers (got ${JSON.stringify(outputSize)})`);
  if (oh === 1 && ow === 1) return mean(x, [2, 3], true);
  if (oh === h && ow === w) return x.clone();
  // out = Ph · x · Pwᵀ with Ph [oh, H] and Pw [ow, W] holding 1/len over each bin.
  const bins = (out: number, size: number): Tensor => {
    const m = new Float32Array(size * out);
    for (let i = 0; i < out; i++) {
      const s = Math.floor((i * size) / out);
      const e = Math.ceil(((i + 1) * size) / out);
      for (let k = s; k < e; k++) m[k * out + i] = 1 / (e - s);
    }
    return new Tensor(tf.tensor2d(m, [size, out])); // [size, out] = Pᵀ
  };
  const byW = reshape(mm(reshape(x, [n * c * h, w]), bins(ow, w)), [n * c, h, ow]);
  const byH = mm(reshape(transpose(byW, 1, 2), [n * c * ow, h]), bins(oh, h));
  return transpose(reshape(byH, [n, c, ow, oh]), 2, 3);
}
