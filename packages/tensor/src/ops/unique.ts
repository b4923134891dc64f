/**
 * `torch.unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None)`: the
 * distinct elements of the flattened input, in ascending order (computed on the host).
 */
import { NEEDS_HOST_VALUES, readSync } from '../readback.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { Tensor } from '../tensor.js';

export interface UniqueOptions {
  /** Ascending order (default; Flint always sorts, as PyTorch's CPU kernel does). */
  sorted?: boolean;
  /** Also return, for each input element, the index of its value in the output (input's shape, int32). */
  returnInverse?: boolean;
  /** Also return how many times each output value occurs (int32). */
  returnCounts?: boolean;
  /** Only `null` (the flattened input): unique slices along a dim are not supported. */
  dim?: number | null;
}

/** `(sorted?, returnInverse?, returnCounts?, dim?)` or `({ sorted, returnInverse, returnCounts, dim })`. */
export type UniqueArgs = [sorted?: boolean, returnInverse?: boolean, returnCounts?: boolean, dim?: number | null] | [options: UniqueOptions];

/**
 * `unique(x)` → the values; with `returnInverse` / `returnCounts`, `[values, inverse?, counts?]`
 * (in that order, the ones asked for), as PyTorch's tuple. NaNs are each distinct, last.
 */
export function unique(x: Tensor, ...args: UniqueArgs): Tensor | Tensor[] {
  if (!(x instanceof Tensor)) throw new TypeError(`unique(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  const a = bindArgs('unique', args, ['sorted', 'returnInverse', 'returnCounts', 'dim']) as UniqueOptions;
  if (a.dim !== undefined && a.dim !== null) throw new RangeError('unique(): dim is not supported (unique slices along a dim); flatten or call without dim');
  const data = readSync(x._data, 'unique()', NEEDS_HOST_VALUES);
  const order = Array.from({ length: data.length }, (_, i) => i);
  const key = (i: number): number => data[i]!;
  order.sort((i, j) => (Number.isNaN(key(i)) ? (Number.isNaN(key(j)) ? i - j : 1) : Number.isNaN(key(j)) ? -1 : key(i) - key(j) || i - j));
  const values: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(data.length);
  for (const i of order) {
    const v = key(i);
    if (values.length === 0 || !(values[values.length - 1] === v)) {
      values.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = values.length - 1;
  }
  const out = new Tensor(tf.tensor1d(values, x.dtype === 'bool' ? 'bool' : x.dtype));
  if (!a.returnInverse && !a.returnCounts) return out;
  const result = [out];
  if (a.returnInverse) result.push(new Tensor(tf.tensor(inverse, [...x.shape], 'int32')));
  if (a.returnCounts) result.push(new Tensor(tf.tensor1d(counts, 'int32')));
  return result;
}
