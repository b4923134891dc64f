/** Activation functions of `F` (`torch.nn.functional.relu`, …), on Flint's tensor ops. */
import * as ops from '@flint/tensor';
import type { Tensor } from '@flint/tensor';

/** `F.relu(x)`: max(x, 0). */
export const relu = (input: Tensor): Tensor => ops.relu(input);
/** `F.sigmoid(x)`: 1 / (1 + exp(-x)). */
export const sigmoid = (input: Tensor): Tensor => ops.sigmoid(input);
/** `F.tanh(x)`. */
export const tanh = (input: Tensor): Tensor => ops.tanh(input);
/** `F.silu(x)`: x · σ(x). */
export const silu = (input: Tensor): Tensor => ops.silu(input);
/** `F.softplus(x)` (beta 1): log(1 + exp(x)). */
export const softplus = (input: Tensor): Tensor => ops.softplus(input);
/** `F.elu(x, alpha=1)`: x if x > 0 else alpha · (exp(x) - 1). */
export const elu = (input: Tensor, alpha = 1): Tensor => ops.elu(input, alpha);

/** `F.gelu(x, approximate='none')`: x · Φ(x), or its tanh approximation. */
export function gelu(input: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`approximate argument must be either none or tanh (got '${String(approximate)}')`);
  return ops.gelu(input, approximate);
}

/** `F.leaky_relu(x, negative_slope=0.01)`. */
export const leakyRelu = (input: Tensor, negativeSlope = 0.01): Tensor => ops.leakyRelu(input, negativeSlope);

/** `F.softmax(x, dim)`: exp(x) / Σ exp(x) along `dim`. */
export const softmax = (input: Tensor, dim: number): Tensor => ops.softmax(input, dim);

/** `F.log_softmax(x, dim)`: x - logsumexp(x) along `dim`. */
export const logSoftmax = (input: Tensor, dim: number): Tensor => ops.logSoftmax(input, dim);
