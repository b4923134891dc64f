/**
 * Shape ops (`reshape`, `permute`, `expand`, …). `view`/`reshape` (where the strides allow),
 * `permute`/`transpose`, `expand`, `squeeze`/`unsqueeze`/`flatten`/`unflatten` return views of
 * the input's storage (`strided.ts`); `reshape` of a view that cannot be re-strided copies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { expandGeometry, permuteGeometry, reshapeGeometry } from '../strided.js';
import { composite, normDim, normDims, numelOf, sameShape, shapeStr, shareData, type Shape } from './util.js';

/** Accepts both `reshape(2, 3)` and `reshape([2, 3])`. */
export function shapeArg(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

/** Resolves one `-1` in a requested shape, with PyTorch's `shape '[…]' is invalid` error. */
export function inferShape(shape: readonly number[], numel: number, op: string): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== free) throw new RangeError(`${op}: only one dimension can be inferred (shape ${shapeStr(shape)})`);
  if (out.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== free))) {
    throw new RangeError(`${op}: invalid shape ${shapeStr(shape)}`);
  }
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (free >= 0) {
    if (known === 0 || numel % known !== 0) throw new RangeError(`${op}: shape '${shapeStr(shape)}' is invalid for input of size ${numel}`);
    out[free] = numel / known;
  }
  if (numelOf(out) !== numel) throw new RangeError(`${op}: shape '${shapeStr(shape)}' is invalid for input of size ${numel}`);
  return out;
}

/**
 * `reshape` / `view`: same data, new shape (one dim may be -1). A view of the storage when the
 * strides allow it; otherwise `view` throws PyTorch's error and `reshape` copies.
 */
export function reshape(x: Tensor, shape: Shape, op = 'reshape'): Tensor {
  const target = inferShape(shape, x.numel(), op);
  if (sameShape(target, x.shape)) return x;
  const g = reshapeGeometry(x._geom, target);
  if (g === null && op === 'view') {
    throw new RangeError(
      "view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const out = g === null ? new Tensor(tf.reshape(x._data, target)) : Tensor._view(x, g);
  return record('reshape', out, [x], { shape: target });
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d]!, 'unflatten');
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** Removes size-1 dims (all, or the given ones; a given dim of size > 1 is left alone). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normDims(dim, x.ndim, 'squeeze');
  return reshape(x, x.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** `permute(dims)`: reorders dims, as a view (a kernel transposes only when data is needed). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new RangeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`);
  }
  const perm = dims.map((d) => normDim(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length) throw new RangeError(`permute(): duplicate dims are not allowed (got [${dims.join(', ')}])`);
  if (perm.every((d, i) => d === i)) return x;
  return record('permute', Tensor._view(x, permuteGeometry(x._geom, perm)), [x], { dims: perm });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return x;
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  const perm = [...Array(x.ndim).keys()];
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return permute(x, perm);
}

export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** `expand(shape)`: broadcasts size-1 dims (-1 keeps a dim), as a view with stride 0 there. */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (shape.length < x.ndim) {
    throw new RangeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const lead = shape.length - x.ndim;
  const target = shape.map((s, i) => {
    const cur = i < lead ? 1 : x.shape[i - lead]!;
    if (s === -1) {
      if (i < lead) throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension ${i}`);
      return cur;
    }
    if (cur !== 1 && cur !== s) {
      throw new RangeError(`expand: The expanded size of the tensor (${s}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(shape)}.  Tensor sizes: ${shapeStr(x.shape)}`);
    }
    return s;
  });
  if (sameShape(target, x.shape)) return x;
  return record('expand', Tensor._view(x, expandGeometry(x._geom, target)), [x], { shape: target });
}

/**
 * `tf.broadcastTo` without its kernel: WASM's Tile / BroadcastTo run a scalar loop (~190 ms for
 * 1M floats) while a broadcasting add of zeros takes ~0.3 ms (zeros from `tf.fill`: `tf.zeros`
 * builds them in JS memory first, ~45 ms for 1M floats).
 */
export function broadcastData(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (sameShape(x.shape, shape)) return shareData(x);
  // A bool broadcasts as float32 0/1 (exact): tfjs-wasm broadcasts an int32 add with a scalar loop, ~10× slower.
  if (x.dtype === 'bool') return tf.tidy(() => tf.notEqual(tf.add(tf.cast(x, 'float32'), tf.fill([...shape], 0, 'float32')), 0));
  return tf.tidy(() => tf.add(x, tf.fill([...shape], 0, x.dtype)));
}

/** `repeat(reps)`: tiles the tensor (`torch.Tensor.repeat`). */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  if (reps.length < x.ndim) {
    throw new RangeError('repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  return composite([x], () => {
    const src = reshape(x, [...Array(reps.length - x.ndim).fill(1), ...x.shape]);
    return record('repeat', new Tensor(tf.tile(src._data, [...reps])), [src], { reps: [...reps] });
  });
}

export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const ds = normDims(dims, x.ndim, 'flip');
  return record('flip', new Tensor(tf.reverse(x._data, ds)), [x], { dims: ds });
}
