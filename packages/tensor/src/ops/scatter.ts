/**
 * `torch.scatter` (out of place): `out[index[i][j]][j] = src[i][j]` for dim 0 (and so on), the
 * rest of `out` a copy of `x`. A repeated index keeps the last value written (PyTorch leaves it
 * unspecified). Computed on the host; recorded as `scatter`, whose gradient is `g` with the written
 * entries zeroed for `x`, and `g` gathered at `index` for `src`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { torchName } from '../dtype.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { flatTargets, indexTargets } from './indexing.js';
import { canReadSync } from '../readback.js';
import { normDim, shapeStr } from './util.js';

/** `torch.scatter(input, dim, index, src)` or `torch.scatter(input, dim, index, value)`. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, ...rest: unknown[]): Tensor {
  const op = 'scatter()';
  bindArgs('scatter', rest, []);
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (!(index instanceof Tensor) || index.dtype !== 'int32') {
    throw new TypeError(`${op}: Expected dtype int32 for index (got ${index instanceof Tensor ? torchName(index.dtype) : typeof index}); create the index with { dtype: 'int32' }`);
  }
  const isValue = typeof src === 'number' || typeof src === 'boolean';
  if (!isValue && !(src instanceof Tensor)) throw new TypeError(`${op}: argument 'src' must be a Tensor or a number, not ${src === null ? 'null' : typeof src}`);
  if (src instanceof Tensor && src.dtype !== x.dtype) {
    throw new TypeError(`${op}: Expected self.dtype to be equal to src.dtype (got ${torchName(x.dtype)} and ${torchName(src.dtype)})`);
  }
  const d = normDim(dim, x.ndim, op);
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const iShape = index.ndim === 0 ? [1] : index.shape;
  if (iShape.length !== xShape.length) throw new RangeError(`${op}: Index tensor must have the same number of dimensions as self tensor (got ${index.ndim} and ${x.ndim})`);
  let sShape: readonly number[] = iShape;
  if (src instanceof Tensor) {
    sShape = src.ndim === 0 ? [1] : src.shape;
    if (sShape.length !== xShape.length) throw new RangeError(`${op}: Index tensor must have the same number of dimensions as src tensor (got ${index.ndim} and ${src.ndim})`);
  }
  if (iShape.some((n, k) => n > sShape[k]! || (k !== d && n > xShape[k]!))) {
    throw new RangeError(
      `${op}: Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d}${src instanceof Tensor ? ` and to be smaller size than src ${shapeStr(src.shape)}` : ''}`,
    );
  }
  if (!canReadSync(index._data) || !canReadSync(x._data) || (src instanceof Tensor && !canReadSync(src._data))) {
    // A backend that reads only asynchronously (webgpu): a TensorScatterUpdate, index unchecked.
    const data = tf.tidy(() => {
      const ids = indexTargets(index, iShape, xShape, d, `${op}: `);
      const n = ids.size;
      const calc = x.dtype === 'bool' ? 'int32' : x.dtype;
      const flat = tf.reshape(x.dtype === calc ? x._data : tf.cast(x._data, calc), [-1]);
      if (n === 0) return tf.reshape(tf.clone(x._data), [...x.shape]);
      let values: tf.Tensor;
      if (src instanceof Tensor) {
        const corner = sShape.every((k, i) => k === iShape[i]) ? src._data : tf.slice(src._data, iShape.map(() => 0), [...iShape]);
        values = tf.reshape(corner, [n]);
      } else {
        values = tf.fill([n], x.dtype === 'int32' ? Math.trunc(Number(src)) : Number(src), calc);
      }
      if (values.dtype !== calc) values = tf.cast(values, calc);
      let out = tf.tensorScatterUpdate(flat, tf.reshape(ids, [n, 1]), values);
      if (x.dtype === 'bool') out = tf.notEqual(out, 0);
      return tf.reshape(out, [...x.shape]);
    });
    const result = new Tensor(data);
    return src instanceof Tensor ? record('scatter', result, [x, index, src], { dim: d }) : record('scatter', result, [x, index], { dim: d });
  }
  const targets = flatTargets(index._data.dataSync() as Int32Array, iShape, xShape, d, `${op}: `);
  const out = (x._data.dataSync() as Float32Array).slice();
  if (src instanceof Tensor) {
    // The index-shaped corner of src, row-major.
    const corner = sShape.every((n, k) => n === iShape[k]) ? src._data : tf.slice(src._data, iShape.map(() => 0), [...iShape]);
    const values = corner.dataSync();
    if (corner !== src._data) corner.dispose();
    targets.forEach((t, p) => (out[t] = values[p]!));
  } else {
    const v = x.dtype === 'int32' ? Math.trunc(Number(src)) : Number(src);
    for (const t of targets) out[t] = v;
  }
  const result = new Tensor(tf.tensor(out, [...x.shape], x.dtype));
  return src instanceof Tensor ? record('scatter', result, [x, index, src], { dim: d }) : record('scatter', result, [x, index], { dim: d });
}
