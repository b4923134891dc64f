/**
 * 2-D convolution (`torch.nn.functional.conv2d`) and padding (`torch.nn.functional.pad`).
 *
 * The API is PyTorch's: input `[N, C, H, W]` (or unbatched `[C, H, W]`), weight
 * `[O, C / groups, kh, kw]`. The WASM kernels are channels-last only (`[N, H, W, C]`, filter
 * `[kh, kw, I, O]`), so each call converts on the way in and out. A 4-D permute is slow on WASM
 * (a scalar loop, ~7 ms for 1M floats), but NCHW ↔ NHWC is a batched 2-D transpose
 * (`[N, C, HW] ↔ [N, HW, C]`), which runs ~7× faster; the conversions cost a few percent of the
 * convolution itself. Padding is passed to the kernel explicitly (no copy).
 *
 * `groups` splits the channels (depthwise convolutions, `groups == C`, use the depthwise kernel).
 * The backward formulas (in `@flint/autograd`) are convolutions again, built from this op.
 */
import * as tf from '@tensorflow/tfjs-core';
import { transposeLast2 } from './fast-transpose.js';
import { reluData } from './heap-relu.js';
import { record, willRecord } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { shapeStr } from './util.js';
import { matMulFresh } from './linalg.js';
import { oneWindow, windowConv } from './conv-window.js';
import { columnsConv, columnsFor } from './conv-columns.js';

/** A size given once for both spatial dims, or as `[h, w]`. */
export type Size2 = number | readonly [number, number];
/** Explicit, possibly asymmetric padding: `[[top, bottom], [left, right]]`. */
export type Padding2 = readonly [readonly [number, number], readonly [number, number]];

export interface Conv2dOptions {
  /** Stride of the sliding window (default 1). */
  stride?: Size2;
  /**
   * Implicit zero padding on both sides (default 0), `'valid'` (none) or `'same'` (output size =
   * input size, stride 1 only; an odd total goes to the bottom/right as in PyTorch). Flint also
   * takes explicit asymmetric padding `[[top, bottom], [left, right]]`.
   */
  padding?: Size2 | 'same' | 'valid' | Padding2;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
  /** Blocked connections from input channels to output channels (default 1). */
  groups?: number;
  /**
   * Input and output in channels-last layout, `[N, H, W, C]` (PyTorch's
   * `memory_format=torch.channels_last`, as a layout of the shape here). The WASM kernel works in
   * this layout, so chains of convolutions skip two transposes each. Inference only: autograd does
   * not record it (default false).
   */
  channelsLast?: boolean;
  /**
   * Flint: ReLU applied to the output inside the convolution kernel (PyTorch's fused inference
   * module `torch.ao.nn.intrinsic.ConvReLU2d`). Inference only, like `channelsLast` (default false).
   */
  relu?: boolean;
}

/** The attributes `conv2d` records for autograd, all resolved. */
export type Conv2dAttrs = {
  stride: [number, number];
  padding: [[number, number], [number, number]];
  dilation: [number, number];
  groups: number;
};

export function pair(v: Size2, name: string, op: string, min = 1): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(v) && typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number or a pair of numbers`);
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(`${op}: ${name} should be ${min === 1 ? 'positive' : 'non-negative'} integers (got ${JSON.stringify(v)})`);
  }
  return p;
}

/** Resolves `padding` to `[[top, bottom], [left, right]]` for a kernel of `k` with dilation `d`. */
export function resolvePadding(
  padding: Conv2dOptions['padding'],
  k: readonly [number, number],
  d: readonly [number, number],
  stride: readonly [number, number],
  op: string,
): [[number, number], [number, number]] {
  if (padding === undefined || padding === 'valid') return [[0, 0], [0, 0]];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    const side = (i: 0 | 1): [number, number] => {
      const total = d[i]! * (k[i]! - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [side(0), side(1)];
  }
  if (typeof padding === 'string') {
    throw new RangeError(`${op}: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
  }
  if (Array.isArray(padding) && Array.isArray(padding[0])) {
    const [[t, b], [l, r]] = padding as Padding2;
    if (![t, b, l, r].every((x) => Number.isInteger(x) && x >= 0)) throw new RangeError(`${op}: negative padding is not supported (got ${JSON.stringify(padding)})`);
    return [[t, b], [l, r]];
  }
  const [ph, pw] = pair(padding as Size2, 'padding', op, 0);
  return [[ph, ph], [pw, pw]];
}

/** Output length of a window sweep: floor((size + pads - dilation*(k-1) - 1) / stride) + 1. */
export function outSize(size: number, pads: readonly [number, number], k: number, d: number, s: number, ceil = false): number {
  const span = size + pads[0] + pads[1] - d * (k - 1) - 1;
  return (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
}

// ---- layout ---------------------------------------------------------------------------------

/** `[N, C, H, W]` → `[N, H, W, C]` as a batched 2-D transpose (the fast path on WASM). */
export function toNHWC(x: tf.Tensor): tf.Tensor4D {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return tf.tidy(() => tf.reshape(transposeLast2(tf.reshape(x, [n, c, h * w])), [n, h, w, c]));
}

/** `[N, H, W, C]` → `[N, C, H, W]`. */
export function toNCHW(x: tf.Tensor): tf.Tensor4D {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return tf.tidy(() => tf.reshape(transposeLast2(tf.reshape(x, [n, h * w, c])), [n, c, h, w]));
}

/** PyTorch's weight `[O, I, kh, kw]` → tfjs's filter `[kh, kw, I, O]`. */
function toHWIO(w: tf.Tensor): tf.Tensor4D {
  const [o, i, kh, kw] = w.shape as [number, number, number, number];
  // One 3-axis transpose. Two heap matrix transposes ([O, I, T] → [O, T, I] → [T·I, O]) were
  // ~1 ms faster per ResNet-18 training step, but the weight-sized intermediate they free under
  // each cached eval filter grew the WASM heap by ~30 MB in inference.
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(w, [o, i, kh * kw]), [2, 1, 0]), [kh, kw, i, o]));
}

// ---- conv2d ---------------------------------------------------------------------------------

/**
 * `torch.nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups)`: 2-D
 * cross-correlation of `input [N, C, H, W]` with `weight [O, C/groups, kh, kw]`, plus `bias [O]`.
 * Output `[N, O, Ho, Wo]` with `Ho = floor((H + pt + pb - dilation*(kh-1) - 1) / stride) + 1`.
 * See https://pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  if (input.ndim === 3) return conv2d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (input.ndim !== 4) {
    throw new RangeError(`${op}: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${shapeStr(input.shape)}`);
  }
  if (weight.ndim !== 4) {
    throw new RangeError(`${op}: weight should have at least three dimensions (expected 4-D [out_channels, in_channels/groups, kH, kW], got ${shapeStr(weight.shape)})`);
  }
  if (input.dtype !== 'float32' || weight.dtype !== 'float32') {
    throw new TypeError(`${op}: expected float32 input and weight (got ${input.dtype} and ${weight.dtype})`);
  }
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: non-positive groups is not supported (got ${groups})`);
  const stride = pair(options.stride ?? 1, 'stride', op);
  const dilation = pair(options.dilation ?? 1, 'dilation', op);
  const cl = options.channelsLast ?? false;
  const relu = options.relu ?? false;
  if ((cl || relu) && willRecord([input, weight, bias])) {
    throw new Error(`${op}: ${cl ? 'channelsLast is an inference layout' : 'relu is an inference fusion'} that autograd does not record; run it under noGrad`);
  }
  const [n, c, h, w] = (cl ? [input.shape[0], input.shape[3], input.shape[1], input.shape[2]] : input.shape) as [number, number, number, number];
  const [o, cg, kh, kw] = weight.shape as [number, number, number, number];
  if (o < groups) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  if (o % groups !== 0) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  if (c !== cg * groups) {
    throw new RangeError(
      `${op}: Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(input.shape)} to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new RangeError(`${op}: Given weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${o} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  const padding = resolvePadding(options.padding, [kh, kw], dilation, stride, op);
  const ph = h + padding[0][0] + padding[0][1];
  const pw = w + padding[1][0] + padding[1][1];
  const ekh = dilation[0] * (kh - 1) + 1;
  const ekw = dilation[1] * (kw - 1) + 1;
  if (ph < ekh || pw < ekw) {
    throw new RangeError(
      `${op}: Calculated padded input size per channel: (${ph} x ${pw}). Kernel size: (${ekh} x ${ekw}). Kernel size can't be greater than actual input size`,
    );
  }
  const attrs: Conv2dAttrs = { stride, padding, dilation, groups };
  if (isEmptyConv(input.shape, weight.shape)) {
    const ho = outSize(h, padding[0], kh, dilation[0], stride[0]);
    const wo = outSize(w, padding[1], kw, dilation[1], stride[1]);
    const data = emptyConv(n, o, ho, wo, bias?._data ?? null, cl, relu);
    return record('conv2d', new Tensor(data), bias ? [input, weight, bias] : [input, weight], attrs);
  }
  // A kept weight outside autograd (inference) keeps its channels-last filter: the transpose is
  // slow on WASM, and the same filter tensor lets XNNPACK reuse its packed weights.
  const win = cl ? null : oneWindow(input.shape, weight.shape, attrs);
  const filter = !win && groups === 1 && weight._kept && !willRecord([input, weight, bias]) ? weight._derivedData('conv2d.hwio', toHWIO) : null;
  // A weight without a kept filter (training) is a new filter for tfjs on every call.
  const cols = win || filter || cl ? null : columnsFor(input.shape, weight.shape, attrs);
  const data = tf.tidy(() => {
    if (win || cols) {
      const y = win ? windowConv(input._data, weight, bias?._data ?? null, win) : columnsConv(input._data, weight._data, bias?._data ?? null, cols!);
      return relu ? reluData(y) : y;
    }
    const xn = cl ? (input._data as tf.Tensor4D) : toNHWC(input._data);
    const y = convNHWC(xn, weight._data, attrs, n, filter, bias?._data ?? null, relu);
    return cl ? y : toNCHW(y);
  });
  return record('conv2d', new Tensor(data), bias ? [input, weight, bias] : [input, weight], attrs);
}

/**
 * Whether a convolution has nothing to multiply: an empty batch, or zero input or output channels.
 * tfjs-wasm's kernels fail on empty tensors (its Transpose divides by zero), so these skip them.
 */
export function isEmptyConv(inputShape: readonly number[], weightShape: readonly number[]): boolean {
  return inputShape.includes(0) || weightShape.includes(0);
}

/**
 * The output of an empty convolution: `[N, O, Ho, Wo]` (or channels-last) holding the bias, or
 * zeros; PyTorch gives the same (a sum over no products is 0).
 */
function emptyConv(n: number, o: number, ho: number, wo: number, bias: tf.Tensor | null, cl: boolean, relu: boolean): tf.Tensor {
  const shape = cl ? [n, ho, wo, o] : [n, o, ho, wo];
  if (!bias || shape.includes(0)) return tf.zeros(shape);
  return tf.tidy(() => {
    const b = tf.reshape(relu ? tf.relu(bias) : bias, cl ? [1, 1, 1, o] : [1, o, 1, 1]);
    return tf.broadcastTo(b, shape);
  });
}

/**
 * A convolution on 1×1 activations with a 1×1 output (ResNet's layer 4 on 32×32 images) as one
 * plain 2-D matMul: only the tap that lands on the input (if any) contributes, so the output is
 * `x[N, C] · w_tap[C, O]`. tfjs-wasm's Conv2D runs these at ~4 GFLOP/s with 8 of 9 taps
 * multiplying padding; XNNPACK's matMul runs the one useful tap at its full rate.
 */
export function pointConvAsMatMul(x: tf.Tensor4D, filter: tf.Tensor4D, a: Conv2dAttrs): tf.Tensor4D | null {
  const [n, h, w, c] = x.shape;
  const [kh, kw, , o] = filter.shape;
  const { stride, padding, dilation } = a;
  if (h !== 1 || w !== 1) return null;
  if (outSize(1, padding[0], kh, dilation[0], stride[0]) !== 1 || outSize(1, padding[1], kw, dilation[1], stride[1]) !== 1) return null;
  // The tap (i, j) with i·d = padding before lands on the input; no other does.
  const i = padding[0][0] / dilation[0];
  const j = padding[1][0] / dilation[1];
  return tf.tidy(() => {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i >= kh || j >= kw) return tf.zeros([n, 1, 1, o]) as tf.Tensor4D;
    const tap = tf.reshape(tf.slice(tf.reshape(filter, [kh * kw, c * o]), [i * kw + j, 0], [1, c * o]), [c, o]);
    return tf.reshape(matMulFresh(tf.reshape(x, [n, c]), tap), [n, 1, 1, o]) as tf.Tensor4D;
  });
}

/**
 * The convolution on channels-last data, plus `bias` and the ReLU when given (inside a `tf.tidy`).
 * An ungrouped convolution adds them in the kernel (tfjs's FusedConv2D: XNNPACK starts its sums at
 * the bias and clamps at 0); the other forms add them after.
 */
function convNHWC(x: tf.Tensor4D, weight: tf.Tensor, a: Conv2dAttrs, n: number, filter: tf.Tensor | null, bias: tf.Tensor | null, relu: boolean): tf.Tensor4D {
  const { stride, padding, dilation, groups } = a;
  const [o, cg, kh, kw] = weight.shape as [number, number, number, number];
  const c = cg * groups;
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], padding[0], padding[1], [0, 0]] as tf.backend_util.ExplicitPadding;
  // tfjs refuses stride > 1 together with dilation > 1: run stride 1 and subsample.
  const both = (stride[0] > 1 || stride[1] > 1) && (dilation[0] > 1 || dilation[1] > 1);
  const s: [number, number] = both ? [1, 1] : stride;
  let y: tf.Tensor4D;
  let fused = false;
  if (groups === 1) {
    const hwio = (filter ?? toHWIO(weight)) as tf.Tensor4D;
    const point = pointConvAsMatMul(x, hwio, a);
    if (point) {
      if (hwio !== filter) hwio.dispose();
      y = point;
    } else if (bias || relu) {
      const activation = relu ? 'relu' : 'linear';
      y = tf.fused.conv2d({ x, filter: hwio, strides: s, pad, dataFormat: 'NHWC', dilations: dilation, bias: bias ?? undefined, activation });
      fused = true;
    } else {
      y = tf.conv2d(x, hwio, s, pad, 'NHWC', dilation);
    }
  } else if (groups === c && cg === 1) {
    // Depthwise: output channel q*m + j reads input channel q; tfjs wants [kh, kw, C, m].
    const m = o / c;
    const filter = tf.reshape(tf.transpose(tf.reshape(weight, [c, m, kh * kw]), [2, 0, 1]), [kh, kw, c, m]) as tf.Tensor4D;
    y = tf.depthwiseConv2d(x, filter, s, pad, 'NHWC', dilation);
  } else {
    const xs = tf.split(x, groups, 3);
    const ws = tf.split(weight, groups, 0);
    y = tf.concat(xs.map((xg, g) => tf.conv2d(xg as tf.Tensor4D, toHWIO(ws[g]!), s, pad, 'NHWC', dilation)), 3);
  }
  if (both) {
    const [, hh, ww, oo] = y.shape;
    y = tf.stridedSlice(y, [0, 0, 0, 0], [n, hh, ww, oo], [1, stride[0], stride[1], 1]) as tf.Tensor4D;
  }
  if (!fused && bias) y = tf.add(y, bias);
  return !fused && relu ? reluData(y) : y;
}

// ---- pad ------------------------------------------------------------------------------------

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * `torch.nn.functional.pad(x, pads, mode, value)`: `pads` lists (before, after) pairs starting
 * from the LAST dim (`[left, right, top, bottom, …]`). In `'constant'` mode negative pads crop.
 * `'reflect'`, `'replicate'` and `'circular'` pad the last 1–3 dims by index selection.
 * See https://pytorch.org/docs/stable/generated/torch.nn.functional.pad.html
 */
export function pad(x: Tensor, pads: readonly number[], options: { mode?: PadMode; value?: number } = {}): Tensor {
  const mode = options.mode ?? 'constant';
  if (pads.length % 2 !== 0) throw new RangeError('pad: Padding length must be divisible by 2');
  if (pads.length / 2 > x.ndim) throw new RangeError(`pad: Padding length should be less than or equal to two times the input dimension but got padding length ${pads.length} and input of dimension ${x.ndim}`);
  if (!pads.every((p) => Number.isInteger(p))) throw new TypeError(`pad: pads must be integers (got ${JSON.stringify(pads)})`);
  const perDim: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pads.length / 2; i++) perDim[x.ndim - 1 - i] = [pads[2 * i]!, pads[2 * i + 1]!];
  if (mode !== 'constant') return padByIndex(x, perDim, mode);
  perDim.forEach(([b, a], d) => {
    if (x.shape[d]! + b + a < 0) throw new RangeError(`pad: The input size ${x.shape[d]}, plus negative padding ${b} and ${a} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`);
  });
  const value = options.value ?? 0;
  const data = tf.tidy(() => {
    let d = x._data;
    if (perDim.some(([b, a]) => b < 0 || a < 0)) {
      const begin = perDim.map(([b]) => Math.max(-b, 0));
      const size = perDim.map(([b, a], i) => x.shape[i]! + Math.min(b, 0) + Math.min(a, 0));
      d = tf.slice(d, begin, size);
    }
    const positive = perDim.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)] as [number, number]);
    return positive.some(([b, a]) => b > 0 || a > 0) ? tf.pad(d, positive, value) : tf.clone(d);
  });
  return record('pad', new Tensor(data), [x], { pads: perDim, value });
}

/** Non-constant modes: gathers the padded positions along each padded dim (differentiable). */
function padByIndex(x: Tensor, perDim: [number, number][], mode: Exclude<PadMode, 'constant'>): Tensor {
  let out = x;
  perDim.forEach(([b, a], d) => {
    if (b === 0 && a === 0) return;
    const size = x.shape[d]!;
    if (b < 0 || a < 0) throw new RangeError(`pad: negative padding is only supported in 'constant' mode (got ${b}, ${a} for dim ${d})`);
    if (mode === 'reflect' && (b >= size || a >= size)) {
      throw new RangeError(`pad: Padding size should be less than the corresponding input dimension, but got: padding (${b}, ${a}) at dimension ${d} of input ${shapeStr(x.shape)}`);
    }
    if (mode === 'circular' && (b > size || a > size)) throw new RangeError('pad: Padding value causes wrapping around more than once.');
    const idx: number[] = [];
    for (let i = -b; i < size + a; i++) {
      if (mode === 'replicate') idx.push(Math.min(Math.max(i, 0), size - 1));
      else if (mode === 'circular') idx.push(((i % size) + size) % size);
      else idx.push(i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i);
    }
    out = out.indexSelect(d, new Tensor(tf.tensor1d(idx, 'int32')));
  });
  return out;
}
