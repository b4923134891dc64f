/**
 * Eval-mode BatchNorm folded into the convolution before it, for inference (PyTorch's
 * `torch.nn.utils.fusion.fuse_conv_bn_weights`): with `s = γ / √(running_var + ε)` per output
 * channel, `bn(conv(x)) = conv'(x)` where `weight' = weight · s` and `bias' = (bias − running_mean) · s + β`.
 * One kernel then does the convolution, the normalisation, the shift and (fused) the ReLU.
 *
 * The folded pair is cached per `Conv2d` and made again when any tensor it comes from is written
 * (an optimizer step, `loadStateDict`, a training-mode batch updating the running stats) or
 * replaced. It is kept (`keep()`), so conv2d also keeps its kernel layout of the filter.
 */
import { noGrad } from '@flint/autograd';
import type { Tensor } from '@flint/tensor';
import type { BatchNorm2d } from './batch-norm.js';
import type { Conv2d } from './conv2d.js';

interface Folded {
  sources: readonly (Tensor | null)[];
  versions: readonly number[];
  weight: Tensor;
  bias: Tensor;
}

const folds = new WeakMap<Conv2d, Folded>();

/** The folded `weight [O, I/groups, kh, kw]` and `bias [O]` of `bn(conv(·))`; `bn` must have running stats. */
export function foldedConvBatchNorm(conv: Conv2d, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  const sources = [conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean!, bn.running_var!];
  const versions = sources.map((t) => t?._version ?? -1);
  const hit = folds.get(conv);
  if (hit && hit.sources.every((t, i) => t === sources[i] && hit.versions[i] === versions[i])) return hit;
  releaseFold(conv);
  const folded = noGrad(() => {
    let scale = bn.running_var!.add(bn.eps).rsqrt();
    if (bn.weight) scale = scale.mul(bn.weight);
    const weight = conv.weight.mul(scale.reshape([-1, 1, 1, 1]));
    let bias = (conv.bias ? conv.bias.sub(bn.running_mean!) : bn.running_mean!.neg()).mul(scale);
    if (bn.bias) bias = bias.add(bn.bias);
    return { weight: weight.keep(), bias: bias.keep() };
  });
  const entry = { sources, versions, ...folded };
  folds.set(conv, entry);
  return entry;
}

/** Frees the cached fold of `conv` now (`dispose()` of the conv or a module holding it); otherwise it goes with the module. */
export function releaseFold(conv: Conv2d): void {
  const old = folds.get(conv);
  if (old === undefined) return;
  old.weight.dispose();
  old.bias.dispose();
  folds.delete(conv);
}
