/** Tensor creation (`torch.tensor`, `torch.zeros`, `torch.randn`, …). */
import * as tf from '@tensorflow/tfjs-core';
import { normalizeDType, type DType, type DTypeArg } from './dtype.js';
import { inferShape } from './ops/shape.js';
import { numelOf, shapeStr } from './ops/util.js';
import { defaultGenerator, fillNormal, fillUniform, permutation, type Generator } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  /** `'int64'` (`torch.long`) is stored as int32, its values checked to fit. */
  dtype?: DTypeArg;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}
export type TensorData = NestedArray<number | boolean> | Float32Array | Int32Array | Uint8Array | Float64Array;

/** The stored dtype asked for (`'int64'` → int32), if any. */
function dtypeOf(options: CreateOptions, op: string): DType | undefined {
  return options.dtype === undefined ? undefined : normalizeDType(options.dtype, op);
}

function finish(data: tf.Tensor, options: CreateOptions, op: string): Tensor {
  const t = new Tensor(data);
  if (options.requiresGrad) {
    if (t.dtype !== 'float32') {
      t.dispose();
      throw new TypeError(`${op}: only Tensors of floating point dtype can require gradients (got torch.${data.dtype})`);
    }
    t.requiresGrad = true;
  }
  return t;
}

/**
 * Values going into an int32 tensor, checked as PyTorch checks them: NaN / infinity cannot be
 * converted, and a value outside int32 would overflow (PyTorch: `value cannot be converted to type
 * int32_t without overflow`). Fractions truncate toward zero, as in PyTorch.
 */
function checkInt32(values: ArrayLike<number>, op: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`${op}: cannot convert float ${v} to integer (element ${i}, dtype int32)`);
    if (v >= 2 ** 31 || v <= -(2 ** 31) - 1) throw new RangeError(`${op}: value ${v} cannot be converted to type int32_t without overflow (element ${i})`);
  }
}

function checkShape(shape: readonly number[], op: string): number[] {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RangeError(`${op}: invalid shape ${shapeStr(shape)} (sizes must be non-negative integers)`);
  return [...shape];
}

/** Flattens nested arrays, checking they are rectangular; returns the values and the shape. */
function flattenNested(data: NestedArray<number | boolean>): { values: (number | boolean)[]; shape: number[] } {
  const shape: number[] = [];
  for (let d: unknown = data; Array.isArray(d); d = d[0]) shape.push(d.length);
  const values: (number | boolean)[] = [];
  const walk = (d: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(d)) throw new RangeError(`tensor: expected a number at ${path} but got a nested array (ragged input)`);
      if (typeof d !== 'number' && typeof d !== 'boolean') throw new TypeError(`tensor: expected numbers or booleans but got ${typeof d} at ${path}`);
      values.push(d);
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[depth]) {
      throw new RangeError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${Array.isArray(d) ? d.length : typeof d}) at ${path}`);
    }
    d.forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, 'data');
  return { values, shape };
}

/**
 * `torch.tensor(data)`: from a number, a boolean, nested arrays or a typed array (with `shape`).
 * Numbers default to float32, booleans to bool, an Int32Array to int32.
 */
export function tensor(data: TensorData, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  const asked = dtypeOf(options, 'tensor');
  if (ArrayBuffer.isView(data)) {
    const shape = options.shape ? inferShape(options.shape, data.length, 'tensor') : [data.length];
    const dtype = asked ?? (data instanceof Int32Array ? 'int32' : data instanceof Uint8Array ? 'bool' : 'float32');
    if (dtype === 'int32' && !(data instanceof Int32Array) && !(data instanceof Uint8Array)) checkInt32(data, 'tensor');
    const values = data instanceof Float64Array ? Float32Array.from(data) : data;
    return finish(tf.tensor(values as Float32Array, shape, dtype), options, 'tensor');
  }
  const { values, shape } = flattenNested(data);
  const allBool = values.length > 0 && values.every((v) => typeof v === 'boolean');
  const dtype = asked ?? (allBool ? 'bool' : 'float32');
  const nums = values.map(Number);
  if (dtype === 'int32') checkInt32(nums, 'tensor');
  const target = options.shape ? inferShape(options.shape, nums.length, 'tensor') : shape;
  return finish(tf.tensor(nums, target, dtype), options, 'tensor');
}

/** `torch.full(shape, value)` */
export function full(shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor {
  const dtype = dtypeOf(options, 'full') ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`full: fill_value must be a number or a boolean (got ${value === null ? 'null' : typeof value})`);
  if (dtype === 'int32') checkInt32([Number(value)], 'full');
  return finish(tf.fill(checkShape(shape, 'full'), Number(value), dtype), options, 'full');
}
/** `torch.zeros(shape)`: float32 unless `dtype` says otherwise. */
export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 0, options);
/** `torch.ones(shape)`: float32 unless `dtype` says otherwise. */
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 1, options);
/** `torch.empty`: zero-filled here (the backend has no uninitialised memory). */
export const empty = (shape: readonly number[], options: CreateOptions = {}): Tensor => full(shape, 0, options);

/** `torch.zeros_like(t)`: `t`'s shape and dtype (unless `dtype` is given). */
export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor => zeros(t.shape, { dtype: t.dtype, ...options });
/** `torch.ones_like(t)`: `t`'s shape and dtype (unless `dtype` is given). */
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor => ones(t.shape, { dtype: t.dtype, ...options });
/** `torch.full_like(t, value)`: `t`'s shape and dtype (unless `dtype` is given). */
export const fullLike = (t: Tensor, value: number, options: CreateOptions = {}): Tensor => full(t.shape, value, { dtype: t.dtype, ...options });
/** `torch.empty_like(t)`: zero-filled, as `empty`. */
export const emptyLike = zerosLike;

/**
 * `torch.arange(end)` / `arange(start, end, step = 1)`. The result is int32 when all arguments
 * are integers (PyTorch: int64), float32 otherwise.
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((end - start) / step < 0) throw new RangeError('arange: upper bound and larger bound inconsistent with step sign');
  const dtype = dtypeOf(options, 'arange') ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.ceil((end - start) / step);
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return finish(tf.tensor(values, [n], dtype), options, 'arange');
}

/** `torch.linspace(start, end, steps)` */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError('linspace: number of steps must be non-negative');
  const values = Array.from({ length: steps }, (_, i) => (steps === 1 ? start : start + ((end - start) * i) / (steps - 1)));
  return finish(tf.tensor(values, [steps], dtypeOf(options, 'linspace') ?? 'float32'), options, 'linspace');
}

/** `torch.eye(n, m = n)` */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  return finish(tf.eye(n, m, undefined, dtypeOf(options, 'eye') ?? 'float32'), options, 'eye');
}

/** `torch.rand(shape)`: U[0, 1) from the seeded generator. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape(shape, 'rand');
  return finish(tf.tensor(fillUniform(numelOf(s), 0, 1, options.generator), s), options, 'rand');
}
/** `torch.randn(shape)`: N(0, 1) from the seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const s = checkShape(shape, 'randn');
  return finish(tf.tensor(fillNormal(numelOf(s), 0, 1, options.generator), s), options, 'randn');
}
/** `torch.randint(low, high, shape)`: int32 uniform in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (high <= low) throw new RangeError(`randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < -(2 ** 31) || high > 2 ** 31) {
    throw new RangeError(`randint: low=${low} and high=${high} must be integers within int32 (Flint's integer dtype: [-2147483648, 2147483648])`);
  }
  const s = checkShape(shape, 'randint');
  const gen = options.generator ?? defaultGenerator;
  const values = Int32Array.from({ length: numelOf(s) }, () => gen.randint(low, high));
  return finish(tf.tensor(values, s, 'int32'), { ...options, dtype: options.dtype ?? 'int32' }, 'randint');
}
/** `torch.randperm(n)`: int32 permutation of 0..n-1. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  return finish(tf.tensor(permutation(n, options.generator), [n], 'int32'), options, 'randperm');
}
/** `torch.rand_like(t)`: U[0, 1) of `t`'s shape. */
export const randLike = (t: Tensor, options: RandomOptions = {}): Tensor => rand(t.shape, options);
/** `torch.randn_like(t)`: N(0, 1) of `t`'s shape. */
export const randnLike = (t: Tensor, options: RandomOptions = {}): Tensor => randn(t.shape, options);
