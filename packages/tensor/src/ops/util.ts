/** Shared by the ops: dims, broadcasting, and PyTorch's error messages. */
import type { DType } from '../dtype.js';
import { promoteTypes, scalarType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import * as tf from '@tensorflow/tfjs-core';
import { willRecord } from '../graph-hooks.js';
import { scope } from '../lifetime.js';

export type Shape = readonly number[];
export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
/** A `dim` argument that may be left out: one dim, several, or `null` / `undefined` for all. */
export type OptionalDims = number | readonly number[] | null | undefined;

/** `[2, 3]` */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Wraps a negative dim, with PyTorch's `Dimension out of range` error. */
export function normDim(dim: number, ndim: number, op: string): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new RangeError(`${op}: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalises `dim` (one, several, or all when undefined) to sorted unique non-negative dims. */
export function normDims(dim: number | readonly number[] | undefined | null, ndim: number, op: string): number[] {
  if (dim === undefined || dim === null) return [...Array(ndim).keys()];
  const dims = (typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, ndim, op));
  if (new Set(dims).size !== dims.length) throw new RangeError(`${op}: dim ${dims.join(', ')} appears multiple times in the list of dims`);
  // A 0-d tensor accepts dim 0 / -1 (PyTorch), but has no axis for the kernels to reduce.
  if (ndim === 0) return [];
  return dims.sort((a, b) => a - b);
}

/** The broadcast shape of two shapes, or PyTorch's error naming both shapes and the dimension. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} ` +
          `(shapes ${shapeStr(a)} and ${shapeStr(b)})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** PyTorch's scalar-type name in kernel errors (`'Int'`, `'Bool'`, `'Float'`). */
export function scalarTypeName(dtype: DType): string {
  return dtype === 'float32' ? 'Float' : dtype === 'int32' ? 'Int' : 'Bool';
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The backend tensor of `t` cast to `dtype` (shared, not copied, when it already has it). */
export function castData(t: Tensor, dtype: DType): { data: tf.Tensor; owned: boolean } {
  const data = t._data;
  return data.dtype === dtype ? { data, owned: false } : { data: castTo(data, dtype), owned: true };
}

/**
 * A second handle on the same backend buffer (refcounted, as `reshape` makes). Backend buffers
 * are never written in place (a write gives a storage new data), so this is all a copy or an
 * ownership hand-over needs; `tf.clone` would copy the whole buffer on WASM (its Identity kernel
 * is a memcpy).
 */
export function shareData(data: tf.Tensor): tf.Tensor {
  return tf.reshape(data, data.shape);
}

/** `tf.cast`, except that bool is `x != 0` (see `boolData`). Always a new tensor. */
export function castTo(data: tf.Tensor, dtype: DType): tf.Tensor {
  return dtype === 'bool' ? (data.dtype === 'bool' ? shareData(data) : tf.notEqual(data, 0)) : tf.cast(data, dtype);
}

/**
 * Runs an op built from other ops. When autograd records it, the graph owns the intermediates
 * (they live as long as it does); otherwise they are freed at once, so the op adds
 * exactly the tensors it returns.
 */
export function composite<T>(inputs: readonly unknown[], fn: () => T): T {
  return willRecord(inputs) ? fn() : scope(fn);
}

/**
 * Turns a binary op's operands into tensors of one dtype. A JS number stays a raw backend scalar
 * (freed by the caller) unless autograd needs it as a graph input.
 */
export function operands(
  op: string,
  a: TensorOrScalar,
  b: TensorOrScalar,
  dtypeRule: (a: DType, b: DType) => DType = promoteTypes,
): { x: Tensor; y: Tensor; dtype: DType } {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${op}: expected at least one tensor operand`);
  for (const v of [a, b]) {
    if (!(v instanceof Tensor) && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new TypeError(`${op}(): argument 'other' must be a Tensor, a number or a boolean, not ${v === null ? 'null' : typeof v}${typeof v === 'string' ? ` ('${String(v).slice(0, 20)}')` : ''}`);
    }
  }
  const like = a instanceof Tensor ? a.dtype : (b as Tensor).dtype;
  const x = a instanceof Tensor ? a : Tensor._scalar(a, scalarType(a, like));
  const y = b instanceof Tensor ? b : Tensor._scalar(b, scalarType(b, like));
  return { x, y, dtype: dtypeRule(x.dtype, y.dtype) };
}

/**
 * Casts to bool as `x != 0`. (tfjs-wasm's Cast to bool keeps values such as 2 in the bool buffer,
 * which later kernels misread.) The result is new unless `data` is already bool.
 */
export function boolData(data: tf.Tensor): tf.Tensor {
  return data.dtype === 'bool' ? data : tf.notEqual(data, 0);
}
