/** `F.group_norm`. */
import type { Tensor } from '@flint/tensor';
import { bindArgs, intArg, numberArg } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor } from './activation.js';

export interface GroupNormOptions {
  /** Per-channel scale `[C]`. */
  weight?: Tensor | null;
  /** Per-channel shift `[C]`. */
  bias?: Tensor | null;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

function optionalTensor(op: string, name: string, value: unknown): Tensor | null {
  if (value === undefined || value === null) return null;
  checkTensor(op, value, name);
  return value;
}

/**
 * `F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5)`: splits the channels of
 * `input [N, C, *]` into `numGroups` groups and normalises each sample's group over its channels
 * and positions, (x - E[x]) / √(Var[x] + eps) with the biased variance, then scales and shifts
 * each channel by `weight [C]`, `bias [C]`. https://arxiv.org/abs/1803.08494
 * `F.groupNorm(x, 2, w, b)` is `F.groupNorm(x, 2, { weight: w, bias: b })`.
 */
export function groupNorm(input: Tensor, numGroups: number, options?: GroupNormOptions): Tensor;
export function groupNorm(input: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null | Omit<GroupNormOptions, 'weight'>, eps?: number | Pick<GroupNormOptions, 'eps'>): Tensor;
export function groupNorm(input: Tensor, numGroups: number, ...args: unknown[]): Tensor {
  const op = 'groupNorm';
  checkTensor(op, input);
  const groups = intArg(op, 'numGroups', numGroups, 1);
  const a = bindArgs(op, args, ['weight', 'bias', 'eps']);
  const weight = optionalTensor(op, 'weight', a.weight);
  const bias = optionalTensor(op, 'bias', a.bias);
  const eps = numberArg(op, 'eps', a.eps, 1e-5);
  if (input.ndim < 2) throw new RangeError(`${op}: expected input of shape [N, C, *] (at least 2 dims), got ${shapeStr(input.shape)}`);
  const [n, c] = input.shape as [number, number];
  if (!(groups > 0) || c % groups !== 0) {
    throw new RangeError(`${op}: Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeStr(input.shape)} and num_groups=${groups}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new RangeError(`${op}: Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${shapeStr(t.shape)} and input of shape ${shapeStr(input.shape)}`);
    }
  }
  const grouped = input.reshape([n, groups, -1]);
  const mean = grouped.mean(2, true);
  const centered = grouped.sub(mean);
  const variance = centered.square().mean(2, true);
  let out = centered.mul(variance.add(eps).rsqrt()).reshape(input.shape);
  const perChannel = [c, ...Array.from({ length: input.ndim - 2 }, () => 1)];
  if (weight) out = out.mul(weight.reshape(perChannel));
  if (bias) out = out.add(bias.reshape(perChannel));
  return out;
}
