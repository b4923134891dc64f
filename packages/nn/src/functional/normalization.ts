/** `F.layer_norm`. */
import type { Tensor } from '@flint/tensor';
import { bindArgs, numberArg } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor } from './activation.js';

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** @internal `normalized_shape` as PyTorch takes it: an int or a list of ints. */
export function normalizedShapeArg(op: string, shape: unknown): number[] {
  const dims = typeof shape === 'number' ? [shape] : Array.isArray(shape) ? [...(shape as unknown[])] : null;
  if (!dims || dims.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${op}: normalizedShape must be a non-negative integer or an array of them (got ${Array.isArray(shape) ? JSON.stringify(shape) : String(shape)})`);
  }
  return dims as number[];
}

function optionalTensor(op: string, name: string, value: unknown): Tensor | null {
  if (value === undefined || value === null) return null;
  checkTensor(op, value, name);
  return value;
}

/**
 * `F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)`: normalises over the
 * last `normalizedShape.length` dims: (x - E[x]) / √(Var[x] + eps) · weight + bias, with the
 * biased variance. `F.layerNorm(x, [4], w, b, 1e-6)` is `F.layerNorm(x, [4], { weight: w, bias: b, eps: 1e-6 })`.
 * https://arxiv.org/abs/1607.06450
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options?: LayerNormOptions): Tensor;
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null | Omit<LayerNormOptions, 'weight'>,
  eps?: number | Pick<LayerNormOptions, 'eps'>,
): Tensor;
export function layerNorm(input: Tensor, normalizedShapeArg_: number | readonly number[], ...args: unknown[]): Tensor {
  const op = 'layerNorm';
  checkTensor(op, input);
  const normalizedShape = normalizedShapeArg(op, normalizedShapeArg_);
  const a = bindArgs(op, args, ['weight', 'bias', 'eps']);
  const weight = optionalTensor(op, 'weight', a.weight);
  const bias = optionalTensor(op, 'bias', a.bias);
  const eps = numberArg(op, 'eps', a.eps, 1e-5);
  const k = normalizedShape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(
      `layerNorm: Given normalized_shape=${shapeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size ${shapeStr(input.shape)}`,
    );
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new RangeError(`layerNorm: Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${shapeStr(t.shape)} and normalized_shape = ${shapeStr(normalizedShape)}`);
    }
  }
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  const mean = input.mean(dims, true);
  const centered = input.sub(mean);
  const variance = centered.square().mean(dims, true);
  let out = centered.mul(variance.add(eps).rsqrt());
  if (weight) out = out.mul(weight);
  if (bias) out = out.add(bias);
  return out;
}
