/** `F.layer_norm`. */
import type { Tensor } from '@flint/tensor';
import { shapeStr } from '../repr.js';

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * `F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5)`: normalises over the
 * last `normalizedShape.length` dims: (x - E[x]) / √(Var[x] + eps) · weight + bias, with the
 * biased variance. https://arxiv.org/abs/1607.06450
 */
export function layerNorm(input: Tensor, normalizedShape: readonly number[], options: LayerNormOptions = {}): Tensor {
  const k = normalizedShape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(
      `layerNorm: Given normalized_shape=${shapeStr(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size ${shapeStr(input.shape)}`,
    );
  }
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  const mean = input.mean(dims, true);
  const centered = input.sub(mean);
  const variance = centered.square().mean(dims, true);
  let out = centered.mul(variance.add(options.eps ?? 1e-5).rsqrt());
  if (options.weight) out = out.mul(options.weight);
  if (options.bias) out = out.add(options.bias);
  return out;
}
