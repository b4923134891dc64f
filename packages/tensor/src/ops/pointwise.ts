/**
 * Elementwise ops with broadcasting (`torch.add`, `torch.exp`, …). Each computes its result with
 * one tfjs kernel and records itself for autograd under the op name used in `@flint/autograd`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DType } from '../dtype.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, castData, castTo, composite, operands, type TensorOrScalar } from './util.js';

type Kernel2 = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Shared body of the binary ops: promote, broadcast-check, run the kernel, record. */
export function binary(
  op: string,
  a: TensorOrScalar,
  b: TensorOrScalar,
  kernel: Kernel2,
  opts: {
    dtype?: (a: DType, b: DType) => DType;
    differentiable?: boolean;
    outDtype?: DType;
    /** Records the op itself (for ops with extra inputs, like `where`'s condition). */
    record?: (out: Tensor, inputs: [Tensor, Tensor]) => void;
  } = {},
): Tensor {
  const { x, y, dtype } = operands(op, a, b, opts.dtype);
  broadcastShapes(op, x.shape, y.shape);
  const cx = castData(x, dtype);
  const cy = castData(y, dtype);
  let data: tf.Tensor;
  try {
    data = tf.tidy(() => kernel(cx.data, cy.data));
  } finally {
    if (cx.owned) cx.data.dispose();
    if (cy.owned) cy.data.dispose();
  }
  if (opts.outDtype && data.dtype !== opts.outDtype) {
    const cast = castTo(data, opts.outDtype);
    data.dispose();
    data = cast;
  }
  const out = new Tensor(data);
  if (opts.record) opts.record(out, [x, y]);
  else if (opts.differentiable !== false) record(op, out, [x, y]);
  // Scalars wrapped for this op are freed now unless the graph holds them.
  if (!out.requiresGrad) {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
  return out;
}

/** Shared body of the unary float ops: ints and bools are computed in float32, as PyTorch does. */
export function unary(op: string, x: Tensor, kernel: (a: tf.Tensor) => tf.Tensor, keepDtype = false): Tensor {
  const c = keepDtype ? { data: x._data, owned: false } : castData(x, 'float32');
  const out = new Tensor(kernel(c.data));
  if (c.owned) c.data.dispose();
  return record(op, out, [x]);
}

const floatOnly = (): DType => 'float32';

/** `torch.add(a, b, alpha=1)`: a + alpha * b. */
export function add(a: TensorOrScalar, b: TensorOrScalar, options: { alpha?: number } = {}): Tensor {
  if (options.alpha !== undefined && options.alpha !== 1) return composite([a, b], () => add(a, mul(b, options.alpha!)));
  return binary('add', a, b, tf.add);
}
/** `torch.sub(a, b, alpha=1)`: a - alpha * b. */
export function sub(a: TensorOrScalar, b: TensorOrScalar, options: { alpha?: number } = {}): Tensor {
  if (options.alpha !== undefined && options.alpha !== 1) return composite([a, b], () => sub(a, mul(b, options.alpha!)));
  return binary('sub', a, b, tf.sub);
}
/** `torch.mul` */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('mul', a, b, tf.mul);
}
/** `torch.div`: true division, always floating point (`rounding_mode=None`). */
export function div(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('div', a, b, tf.div, { dtype: floatOnly });
}
/** `torch.pow(a, b)` */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  // PyTorch checks a scalar exponent only (a tensor of exponents is not read).
  if (a instanceof Tensor && a.dtype !== 'float32' && typeof b === 'number' && Number.isInteger(b) && b < 0) {
    throw new RangeError('pow: Integers to negative integer powers are not allowed.');
  }
  // A number exponent is recorded as such: the backward then needs no read of the wrapped scalar.
  if (typeof b === 'number') return binary('pow', a, b, tf.pow, { record: (out, inputs) => record('pow', out, inputs, { exponent: b }) });
  return binary('pow', a, b, tf.pow);
}
/** `torch.maximum` (elementwise; gradient split evenly at ties, as PyTorch). */
export function maximum(a: Tensor, b: TensorOrScalar): Tensor {
  return binary('maximum', a, b, tf.maximum);
}
/** `torch.minimum` */
export function minimum(a: Tensor, b: TensorOrScalar): Tensor {
  return binary('minimum', a, b, tf.minimum);
}
/** `torch.remainder` (Python's modulo: sign of the divisor). Not differentiable here. */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('remainder', a, b, tf.mod, { differentiable: false });
}
/** `torch.floor_divide` (rounds toward negative infinity, as PyTorch ≥ 1.13). */
export function floorDivide(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return binary('floorDivide', a, b, tf.floorDiv, { differentiable: false });
}

/** `torch.neg`; ints stay ints. */
export const neg = (x: Tensor): Tensor => {
  if (x.dtype === 'bool') {
    throw new TypeError('neg: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.');
  }
  return unary('neg', x, tf.neg, true);
};
/** `torch.abs`; ints stay ints. */
export const abs = (x: Tensor): Tensor => unary('abs', x, tf.abs, x.dtype !== 'bool');
/** `torch.exp`; ints and bools give float32. */
export const exp = (x: Tensor): Tensor => unary('exp', x, tf.exp);
/** `torch.log`; ints and bools give float32. */
export const log = (x: Tensor): Tensor => unary('log', x, tf.log);
/** `torch.log1p`; ints and bools give float32. */
export const log1p = (x: Tensor): Tensor => unary('log1p', x, tf.log1p);
/** `torch.expm1`; ints and bools give float32. */
export const expm1 = (x: Tensor): Tensor => unary('expm1', x, tf.expm1);
/** `torch.sqrt`; ints and bools give float32. */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, tf.sqrt);
/** `torch.rsqrt`; ints and bools give float32. */
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x, tf.rsqrt);
/** `torch.square`; ints stay ints. */
export const square = (x: Tensor): Tensor => unary('square', x, tf.square, x.dtype !== 'bool');
/** `torch.reciprocal`; ints and bools give float32. */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, tf.reciprocal);
/** `torch.sin`; ints and bools give float32. */
export const sin = (x: Tensor): Tensor => unary('sin', x, tf.sin);
/** `torch.cos`; ints and bools give float32. */
export const cos = (x: Tensor): Tensor => unary('cos', x, tf.cos);
/** `torch.sign`: zero gradient everywhere. */
export const sign = (x: Tensor): Tensor => unary('sign', x, tf.sign, true);
/** Rounding ops leave integer tensors unchanged (a copy), as PyTorch. */
const rounding = (op: string, kernel: (a: tf.Tensor) => tf.Tensor) => (x: Tensor): Tensor =>
  unary(op, x, x.dtype === 'float32' ? kernel : tf.clone, true);
export const floor = rounding('floor', tf.floor);
export const ceil = rounding('ceil', tf.ceil);
/** `torch.round`: half to even, as PyTorch. */
export const round = rounding('round', tf.round);
