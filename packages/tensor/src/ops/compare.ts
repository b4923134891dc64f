/** Comparisons (bool results), `where`, `clamp`. */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { binary } from './pointwise.js';
import { boolData, broadcastShapes, composite, type TensorOrScalar } from './util.js';
import { broadcastData } from './shape.js';

const cmp = (op: string, kernel: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binary(op, a, b, kernel, { differentiable: false });

export const eq = cmp('eq', tf.equal);
export const ne = cmp('ne', tf.notEqual);
export const lt = cmp('lt', tf.less);
export const le = cmp('le', tf.lessEqual);
export const gt = cmp('gt', tf.greater);
export const ge = cmp('ge', tf.greaterEqual);
export const logicalAnd = cmp('logicalAnd', (a, b) => tf.tidy(() => tf.logicalAnd(boolData(a), boolData(b))));
export const logicalOr = cmp('logicalOr', (a, b) => tf.tidy(() => tf.logicalOr(boolData(a), boolData(b))));

/** `torch.logical_not`: bool, true where `x` is zero. */
export function logicalNot(x: Tensor): Tensor {
  return new Tensor(tf.tidy(() => tf.logicalNot(boolData(x._data))));
}
/** `torch.isnan`: bool, elementwise. */
export function isnan(x: Tensor): Tensor {
  return new Tensor(tf.isNaN(x._data));
}
/** `torch.isfinite`: bool, false for ±inf and NaN. */
export function isfinite(x: Tensor): Tensor {
  return new Tensor(tf.isFinite(x._data));
}

/** `torch.where(condition, x, y)` with broadcasting; the gradient flows to the chosen side. */
export function where(condition: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  if (condition.dtype !== 'bool') throw new TypeError(`where: expected condition to be a boolean tensor, but got a tensor with dtype ${condition.dtype}`);
  const shape = broadcastShapes('where', condition.shape, broadcastShapes('where', shapeOf(x), shapeOf(y)));
  // tfjs-wasm's Select kernel is wrong for bool values: select in int32 and compare back.
  const select = (a: tf.Tensor, b: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const c = broadcastData(condition._data, shape);
      if (a.dtype !== 'bool') return tf.where(c, broadcastData(a, shape), broadcastData(b, shape));
      const picked = tf.where(c, broadcastData(tf.cast(a, 'int32'), shape), broadcastData(tf.cast(b, 'int32'), shape));
      return boolData(picked);
    });
  return binary('where', x, y, select, {
    record: (out, xs) => record('where', out, [condition, ...xs]),
  });
}

function shapeOf(v: TensorOrScalar): readonly number[] {
  return v instanceof Tensor ? v.shape : [];
}

/**
 * `torch.clamp(x, min, max)`: bounds may be numbers or tensors. The gradient is 1 where
 * min ≤ x ≤ max (bounds included, as PyTorch) and 0 outside.
 */
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new Error("clamp: At least one of 'min' or 'max' must not be None");
  }
  return composite([x, min, max], () => {
    let out = x;
    if (min !== undefined && min !== null) out = binary('clampMin', out, min, tf.maximum);
    if (max !== undefined && max !== null) out = binary('clampMax', out, max, tf.minimum);
    return out;
  });
}
