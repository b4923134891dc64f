/**
 * Joining and splitting: `cat`, `stack`, `split`, `chunk`, `unbind`.
 *
 * `cat` and `stack` record one op each. The splitting ops return `narrow` / `select` views, each
 * recorded on its own, so autograd needs no multi-output formula for them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { promoteTypes, type DType } from '../dtype.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { narrow, select } from './indexing.js';
import { castData, normDim, sameShape, shapeStr } from './util.js';

function checkList(tensors: readonly Tensor[], op: string): void {
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: expected a list of Tensors (got ${typeof tensors})`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected Tensor as element ${i} in argument 0, but got ${t === null ? 'null' : typeof t}`);
  });
}

/** Runs `kernel` on the tensors' backend data cast to their promoted dtype. */
function promoted(tensors: readonly Tensor[], kernel: (data: tf.Tensor[]) => tf.Tensor): Tensor {
  const dtype = tensors.map((t) => t.dtype).reduce<DType>((a, b) => promoteTypes(a, b), tensors[0]!.dtype);
  const cast = tensors.map((t) => castData(t, dtype));
  try {
    return new Tensor(kernel(cast.map((c) => c.data)));
  } finally {
    for (const c of cast) if (c.owned) c.data.dispose();
  }
}

/**
 * `torch.cat(tensors, dim)`: joins along an existing dim; dtypes promote. As PyTorch, 1-D empty
 * tensors (shape `[0]`) are skipped whatever the other shapes (they are not recorded either).
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'cat');
  if (tensors.length === 0) throw new RangeError('cat: expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new RangeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const legacyEmpty = (t: Tensor): boolean => t.ndim === 1 && t.shape[0] === 0;
  const kept = tensors.map((t, i) => ({ t, i })).filter(({ t }) => !legacyEmpty(t));
  const parts = kept.length > 0 ? kept : tensors.map((t, i) => ({ t, i }));
  const ref = parts[0]!.t;
  const d = normDim(dim, ref.ndim, 'cat');
  for (const { t, i } of parts) {
    if (t.ndim !== ref.ndim) throw new RangeError(`cat: Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(
          `cat: Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
  }
  const inputs = parts.map(({ t }) => t);
  // The result dtype promotes over all tensors, skipped ones included (as PyTorch).
  const dtype = tensors.map((t) => t.dtype).reduce<DType>((a, b) => promoteTypes(a, b), tensors[0]!.dtype);
  const out = promoted(inputs, (data) => {
    const joined = tf.concat(data, d);
    if (joined.dtype === dtype) return joined;
    const c = tf.cast(joined, dtype);
    joined.dispose();
    return c;
  });
  return record('cat', out, inputs, { dim: d });
}

/** `torch.stack(tensors, dim)`: joins equal-shaped tensors along a new dim; dtypes promote. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'stack');
  if (tensors.length === 0) throw new RangeError('stack: stack expects a non-empty TensorList');
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, ref.shape)) {
      throw new RangeError(`stack: stack expects each tensor to be equal size, but got ${shapeStr(ref.shape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}`);
    }
  });
  const d = normDim(dim, ref.ndim + 1, 'stack');
  const out = promoted(tensors, (data) => tf.stack(data, d));
  return record('stack', out, tensors, { dim: d });
}

function splitWithSizes(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  let start = 0;
  return sizes.map((n) => {
    const part = narrow(x, dim, start, n);
    start += n;
    return part;
  });
}

/**
 * `torch.split(x, splitSize, dim)`: a number is the size of each piece (the last may be smaller);
 * an array gives every piece's size and must sum to the dim's size.
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  if (x.ndim === 0) throw new RangeError('split: split expects at least a 1-dimensional tensor');
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize < 0) {
      throw new RangeError(`split: split expects split_size be non-negative, but got split_size=${splitSize}`);
    }
    if (splitSize === 0 && n !== 0) {
      throw new RangeError(`split: split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
    }
    const count = splitSize === 0 ? 1 : Math.max(Math.ceil(n / splitSize), 1);
    return splitWithSizes(
      x,
      Array.from({ length: count }, (_, i) => Math.min(splitSize, n - i * splitSize)),
      d,
    );
  }
  const sizes = [...splitSize];
  if (!sizes.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new RangeError(`split: split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${shapeStr(sizes)}`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new RangeError(
      `split: split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${shapeStr(sizes)}`,
    );
  }
  return splitWithSizes(x, sizes, d);
}

/**
 * `torch.chunk(x, chunks, dim)`: pieces of size `ceil(n / chunks)` (the last smaller), so there
 * may be fewer than `chunks` of them.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new RangeError('chunk: chunk expects at least a 1-dimensional tensor');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim, 'chunk');
  const n = x.shape[d]!;
  if (n === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(n / chunks), d);
}

/** `torch.unbind(x, dim)`: the slices along `dim`, which each removes. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new RangeError('unbind: Dimension specified as 0 but tensor has no dimensions');
  const d = normDim(dim, x.ndim, 'unbind');
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}
