/**
 * `F.linear(x, weight, bias)`: x @ weightᵀ + bias, as one recorded op.
 *
 * Shapes: x `[*, in]`, weight `[out, in]`, bias `[out]` → `[*, out]`. On WASM only a plain 2-D
 * matMul reaches XNNPACK (transpose flags are 12–25× slower) and transposes are slow scalar
 * loops, so the forward picks the cheaper of two plain products:
 * - x·(Wᵀ), transposing the weight: for a kept weight (a module's parameter) that is not being
 *   trained, Wᵀ is cached until its storage changes, so inference transposes nothing;
 * - (W·xᵀ)ᵀ, transposing the input and the result: cheaper while training when the batch is
 *   small next to the weight (batch·(in + out) < in·out), since the weight changes every step.
 * The backward (`@flint/autograd`) needs no weight transpose at all: dX = G·W, dW = Gᵀ·X.
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './fast-transpose.js';
import { isGradEnabled } from '../grad-mode.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { shapeStr } from './util.js';
import { matMulFresh } from './linalg.js';
import { numelOf } from '../strided.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [out, in], got shape ${shapeStr(weight.shape)}`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    const rows = x.ndim === 0 ? 1 : x.numel() / (x.shape[x.ndim - 1] || 1);
    throw new RangeError(`linear: mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape[x.ndim - 1] ?? 0} and ${inF}x${outF})`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new RangeError(`linear: bias must have shape [${outF}], got ${shapeStr(bias.shape)}`);
  }
  if (x.dtype !== 'float32' || weight.dtype !== 'float32') {
    throw new TypeError(`linear: expected float32 input and weight, got ${x.dtype} and ${weight.dtype}`);
  }
  const rows = numelOf(x.shape.slice(0, -1));
  const training = weight.requiresGrad && isGradEnabled();
  const data = tf.tidy(() => {
    const x2 = tf.reshape(x._data, [rows, inF]);
    let y: tf.Tensor;
    if (training && rows * (inF + outF) < inF * outF) {
      y = transpose2d(matMulFresh(weight._data, transpose2d(x2)));
    } else {
      const wT = weight._kept && !training ? weight._derivedData('linear.wT', (w) => transpose2d(w)) : transpose2d(weight._data);
      y = matMulFresh(x2, wT);
    }
    return tf.reshape(bias ? tf.add(y, bias._data) : y, [...x.shape.slice(0, -1), outF]);
  });
  return record('linear', new Tensor(data), bias ? [x, weight, bias] : [x, weight]);
}
