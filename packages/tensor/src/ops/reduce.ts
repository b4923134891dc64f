/** Reductions with `dim` / `keepdim` (`torch.sum`, `torch.max`, `torch.var`, …). */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor, type ValuesIndices } from '../tensor.js';
import { boolData, castData, composite, normDim, normDims, numelOf, scalarTypeName } from './util.js';
import { reshape } from './shape.js';
import { activeHeapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer } from '../heap.js';

import type { OptionalDims as Dims } from './util.js';

/** The shape with reduced dims removed, or kept as 1. */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

/**
 * A reduction over no elements, filled with `value` (0 for sum, 1 for prod, NaN for mean, as
 * PyTorch). tfjs-wasm's kernels return uninitialised memory there.
 */
function emptyReduction(x: Tensor, dims: readonly number[], keepdim: boolean, value: number, dtype: 'float32' | 'int32'): tf.Tensor {
  return tf.fill(reducedShape(x.shape, dims, keepdim), value, dtype);
}

/**
 * A sum or mean over `dims` without tfjs's 4-D transpose (a slow scalar loop on WASM: ~14 ms for
 * [16, 64, 32, 32] over [0, 2, 3], against ~0.7 ms here): adjacent dims are merged by a reshape
 * and the innermost reduced run is reduced first, which needs no transpose. A float32 sum left
 * with one outer axis runs on the heap (`sumMiddle`: tfjs transposes for it, ~20 ms for a
 * `[2048, 1024]` bias gradient, against ~1 ms).
 */
function reduceFast(kernel: typeof tf.sum, x: tf.Tensor, dims: readonly number[], keepdim: boolean): tf.Tensor {
  if (dims.length === 0 || dims.length === x.rank) return kernel(x, [...dims], keepdim);
  return tf.tidy(() => {
    const merged: number[] = [];
    const reduced: boolean[] = [];
    x.shape.forEach((d, i) => {
      const r = dims.includes(i);
      if (i > 0 && reduced[reduced.length - 1] === r) merged[merged.length - 1]! *= d;
      else {
        merged.push(d);
        reduced.push(r);
      }
    });
    let y = tf.reshape(x, merged);
    let axes = reduced.flatMap((r, i) => (r ? [i] : []));
    if (axes.length > 1 && axes[axes.length - 1] === merged.length - 1) {
      y = kernel(y, merged.length - 1);
      axes = axes.slice(0, -1);
    }
    const reducedOnHeap = kernel === tf.sum && axes.length === 1 ? sumMiddleOnHeap(y, axes[0]!) : null;
    return tf.reshape(reducedOnHeap ?? kernel(y, axes), reducedShape(x.shape, dims, keepdim));
  });
}

/**
 * The float32 sum of `y` over one axis that is not its innermost, by the heap kernel on WASM (the
 * same sequential sums as tfjs's Sum, without its transpose); `null` elsewhere.
 */
function sumMiddleOnHeap(y: tf.Tensor, axis: number): tf.Tensor | null {
  if (axis === y.rank - 1 || y.dtype !== 'float32') return null;
  const kernels = activeHeapKernels();
  const src = kernels ? heapBuffer(y) : null;
  if (!kernels || !src) return null;
  const [a, r, b] = [numelOf(y.shape.slice(0, axis)), y.shape[axis]!, numelOf(y.shape.slice(axis + 1))];
  const out = heapAlloc([a, b]);
  kernels.sumMiddle(src.offset, out.offset, a, r, b);
  return out.tensor;
}

/** `torch.sum`: bools and ints sum to int32 (PyTorch: int64). */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims(dim, x.ndim, 'sum');
  const dtype = x.dtype === 'bool' ? 'int32' : x.dtype;
  if (x.numel() === 0) return record('sum', new Tensor(emptyReduction(x, dims, keepdim, 0, dtype)), [x], { dims, keepdim });
  const c = castData(x, dtype);
  const out = new Tensor(reduceFast(tf.sum, c.data, dims, keepdim));
  if (c.owned) c.data.dispose();
  return record('sum', out, [x], { dims, keepdim });
}

/** `torch.mean` (float result). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (x.dtype !== 'float32') {
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)} (call .float() first)`,
    );
  }
  const dims = normDims(dim, x.ndim, 'mean');
  if (x.numel() === 0) return record('mean', new Tensor(emptyReduction(x, dims, keepdim, NaN, 'float32')), [x], { dims, keepdim });
  const c = castData(x, 'float32');
  const out = new Tensor(reduceFast(tf.mean, c.data, dims, keepdim));
  if (c.owned) c.data.dispose();
  return record('mean', out, [x], { dims, keepdim });
}

/** `torch.prod(x, dim=None, keepdim=False)`: float32 stays float32, ints and bools give int32 (PyTorch: int64). */
export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  const dims = normDims(dim, x.ndim, 'prod');
  const dtype = x.dtype === 'float32' ? 'float32' : 'int32';
  if (x.numel() === 0) return record('prod', new Tensor(emptyReduction(x, dims, keepdim, 1, dtype)), [x], { dims, keepdim });
  const c = castData(x, dtype);
  const out = new Tensor(tf.prod(c.data, dims, keepdim));
  if (c.owned) c.data.dispose();
  return record('prod', out, [x], { dims, keepdim });
}

function extreme(op: 'amax' | 'amin', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  if (x.numel() === 0) throw new RangeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  const dims = normDims(dim, x.ndim, op);
  const kernel = op === 'amax' ? tf.max : tf.min;
  // amax/amin split the gradient evenly between ties, as PyTorch's max() and amax() do.
  return record(op, new Tensor(kernel(x._data, dims, keepdim)), [x], { dims, keepdim });
}
/** `torch.amax(x, dim=all, keepdim=False)`: the gradient is split evenly between ties. */
export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme('amax', x, dim, keepdim);
/** `torch.amin(x, dim=all, keepdim=False)`: the gradient is split evenly between ties. */
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme('amin', x, dim, keepdim);

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  if (dim === undefined || dim === null) {
    // Over the flattened tensor; keepdim keeps every dim as 1 (PyTorch ≥ 1.13).
    const shape = keepdim ? x.shape.map(() => 1) : [];
    return composite([], () => reshape(argExtreme(op, reshape(x, [-1]), 0, false), shape));
  }
  const d = normDim(dim, x.ndim, op);
  if (x.ndim === 0) return new Tensor(tf.scalar(0, 'int32'));
  if (x.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const kernel = op === 'argmax' ? tf.argMax : tf.argMin;
  const c = castData(x, x.dtype === 'bool' ? 'int32' : x.dtype);
  let data = kernel(c.data, d);
  if (c.owned) c.data.dispose();
  if (keepdim) {
    const r = tf.expandDims(data, d);
    data.dispose();
    data = r;
  }
  return new Tensor(data);
}
/** `torch.argmax` (first index of the maximum; flattened when `dim` is omitted), int32. */
export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme('argmax', x, dim, keepdim);
/** `torch.argmin` (first index of the minimum; flattened when `dim` is omitted), int32. */
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme('argmin', x, dim, keepdim);

/** `max(dim)`: values and int32 indices; the gradient flows to the index returned. */
export function maxDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return valuesIndices('maxDim', x, dim, keepdim);
}
/** `min(dim)`: values and int32 indices; the gradient flows to the index returned. */
export function minDim(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return valuesIndices('minDim', x, dim, keepdim);
}
function valuesIndices(op: 'maxDim' | 'minDim', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normDim(dim, x.ndim, op === 'maxDim' ? 'max' : 'min');
  if (x.ndim === 0) return { values: reshape(x, []).clone(), indices: new Tensor(tf.scalar(0, 'int32')) };
  return composite([x], () => valuesIndicesAt(op, x, d, keepdim));
}
function valuesIndicesAt(op: 'maxDim' | 'minDim', x: Tensor, d: number, keepdim: boolean): ValuesIndices {
  const indices = argExtreme(op === 'maxDim' ? 'argmax' : 'argmin', x, d, true);
  const values = new Tensor(gatherAlong(x._data, indices._data, d));
  record(op, values, [x], { dim: d, keepdim: true, indices });
  if (keepdim) return { values, indices };
  return { values: reshape(values, values.shape.filter((_, i) => i !== d)), indices: reshape(indices, indices.shape.filter((_, i) => i !== d)) };
}

/** Picks `x[..., idx, ...]` along `dim` with `idx` of keepdim shape (a one-hot mask and a sum). */
function gatherAlong(x: tf.Tensor, idx: tf.Tensor, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const positions = tf.reshape(tf.range(0, x.shape[dim]!, 1, 'int32'), x.shape.map((s, i) => (i === dim ? s : 1)));
    const mask = tf.equal(positions, idx);
    return tf.sum(tf.where(mask, x, tf.zerosLike(x)), dim, true);
  });
}

export interface VarOptions {
  /** Bessel's correction: the divisor is N - correction (default 1, PyTorch's `unbiased=True`). */
  correction?: number;
  /** Same as `correction: unbiased ? 1 : 0`. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** `torch.var`: mean of squared deviations over N - correction. */
export function variance(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  const dims = normDims(dim, x.ndim, 'var');
  return composite([x], () => varianceAt(x, dims, options));
}
function varianceAt(x: Tensor, dims: number[], options: VarOptions): Tensor {
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const n = dims.reduce((p, d) => p * x.shape[d]!, 1);
  const centered = x.sub(x.mean(dims, true));
  return centered.mul(centered).sum(dims, options.keepdim ?? false).div(Math.max(n - correction, 0));
}

/** `torch.std`: the square root of `variance` (same `correction`, default 1). */
export function std(x: Tensor, dim?: Dims, options: VarOptions = {}): Tensor {
  const dims = normDims(dim, x.ndim, 'std');
  return composite([x], () => varianceAt(x, dims, options).sqrt());
}

/** `torch.logsumexp`, stable: m + log(sum(exp(x - m))). */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const dims = normDims(dim, x.ndim, 'logsumexp');
  return composite([x], () => logsumexpAt(x, dims, keepdim));
}
function logsumexpAt(x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const m = amax(x, dims, true).detach();
  // An all -inf (or +inf) slice would give inf - inf = nan: shift by 0 there instead.
  const finite = m.maskedFill(m.abs().eq(Infinity), 0);
  const out = x.sub(finite).exp().sum(dims, true).log().add(finite);
  return keepdim ? out : reshape(out, reducedShape(x.shape, dims, false));
}

/** `torch.all(x)` / `torch.all(x, dim, keepdim)`: whether every element (along `dim`) is nonzero; bool. */
export function all(x: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return logical('all', x, dim, keepdim, true, tf.all);
}
/** `torch.any(x)` / `torch.any(x, dim, keepdim)`: whether some element (along `dim`) is nonzero; bool. */
export function any(x: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  return logical('any', x, dim, keepdim, false, tf.any);
}
function logical(op: string, x: Tensor, dim: Dims | null | undefined, keepdim: boolean, empty: boolean, kernel: typeof tf.all): Tensor {
  const dims = normDims(dim, x.ndim, op);
  if (x.numel() === 0) return new Tensor(tf.fill(reducedShape(x.shape, dims, keepdim), Number(empty), 'bool'));
  return new Tensor(tf.tidy(() => tf.reshape(kernel(boolData(x._data), dims.length > 0 ? dims : undefined), reducedShape(x.shape, dims, keepdim))));
}
