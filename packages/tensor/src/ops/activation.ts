/** Activations (`torch.relu`, `torch.softmax`, …) as single tfjs kernels. */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { unary } from './pointwise.js';
import { reluData } from './heap-relu.js';
import { composite, normDim, scalarTypeName } from './util.js';
import { transpose } from './shape.js';

/** `torch.relu`; its gradient at 0 is 0, as PyTorch. */
export const relu = (x: Tensor): Tensor => unary('relu', x, reluData, x.dtype !== 'bool');
/** `torch.sigmoid`: 1 / (1 + exp(-x)). */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, tf.sigmoid);
/** `torch.tanh` */
export const tanh = (x: Tensor): Tensor => unary('tanh', x, tf.tanh);
/** `F.silu` (x·σ(x)). */
export const silu = (x: Tensor): Tensor => composite([x], () => x.mul(sigmoid(x)));
/** `F.softplus` with beta 1: log(1 + exp(x)), computed stably. */
export const softplus = (x: Tensor): Tensor => unary('softplus', x, tf.softplus);

/** `F.leaky_relu(x, negative_slope=0.01)`. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return composite([x], () => {
    const c = x.to('float32');
    return record('leakyRelu', new Tensor(tf.leakyRelu(c._data, negativeSlope)), [c], { negativeSlope });
  });
}

/** `F.elu(x, alpha=1)`. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return composite([x], () => {
    const c = x.to('float32');
    const data = tf.tidy(() => tf.where(tf.greater(c._data, 0), c._data, tf.mul(tf.expm1(c._data), alpha)));
    return record('elu', new Tensor(data), [c], { alpha });
  });
}

/**
 * `F.gelu(x, approximate='none')`: x·Φ(x) with the exact normal CDF (via erf), or the tanh
 * approximation with `approximate: 'tanh'`.
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return composite([x], () => geluFloat(x.to('float32'), approximate));
}
function geluFloat(c: Tensor, approximate: 'none' | 'tanh'): Tensor {
  const data = tf.tidy(() => {
    const v = c._data;
    if (approximate === 'tanh') {
      const inner = tf.mul(tf.add(v, tf.mul(tf.pow(v, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(v, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(v, 0.5), tf.add(tf.erf(tf.mul(v, Math.SQRT1_2)), 1));
  });
  return record('gelu', new Tensor(data), [c], { approximate });
}

/** Runs a last-axis tfjs kernel along `dim` by moving `dim` last and back. */
function alongDim(op: string, x: Tensor, dim: number, kernel: (v: tf.Tensor) => tf.Tensor): Tensor {
  if (x.dtype !== 'float32') {
    const kernel = op === 'softmax' ? 'softmax_lastdim_kernel_impl' : 'log_softmax_lastdim_kernel_impl';
    throw new TypeError(`${op}: "${kernel}" not implemented for '${scalarTypeName(x.dtype)}' (${op} needs a floating point tensor: call .float() first)`);
  }
  const d = normDim(dim, x.ndim, op);
  return composite([x], () => alongDimFloat(op, x, d, kernel));
}
function alongDimFloat(op: string, x: Tensor, d: number, kernel: (v: tf.Tensor) => tf.Tensor): Tensor {
  const c = x.to('float32');
  if (c.ndim === 0) return record(op, new Tensor(tf.tidy(() => tf.reshape(kernel(tf.reshape(c._data, [1])), []))), [c], { dim: 0 });
  if (d === c.ndim - 1) return record(op, new Tensor(kernel(c._data)), [c], { dim: d });
  return transpose(alongDimFloat(op, transpose(c, d, -1), c.ndim - 1, kernel), d, -1);
}

/** `torch.softmax(x, dim)`: exp(x) / sum(exp(x)) along `dim`. */
export const softmax = (x: Tensor, dim: number): Tensor => alongDim('softmax', x, dim, (v) => tf.softmax(v));
/** `torch.log_softmax(x, dim)`: x - logsumexp(x) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => alongDim('logSoftmax', x, dim, (v) => tf.logSoftmax(v));
