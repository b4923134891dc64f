/**
 * `F` (`torch.nn.functional`): the stateless functions behind the layers and losses.
 *
 * ```ts
 * import { F } from '@flint/nn';
 * const loss = F.crossEntropy(logits, target, { labelSmoothing: 0.1 });
 * ```
 */
export {
  relu,
  sigmoid,
  tanh,
  silu,
  softplus,
  elu,
  gelu,
  leakyRelu,
  softmax,
  logSoftmax,
  type InplaceOptions,
  type SoftplusOptions,
  type EluOptions,
  type GeluOptions,
  type LeakyReluOptions,
  type SoftmaxOptions,
} from './functional/activation.js';
export { celu, selu, mish, hardtanh, relu6, hardswish, hardsigmoid, softsign, logsigmoid, tanhshrink, prelu, type HardtanhOptions, type GeluApproximate } from './functional/activation.js';
export type { LegacyArgs } from './functional/loss.js';
export { groupNorm, type GroupNormOptions } from './functional/group-norm.js';
export { normalize, cosineSimilarity, type NormalizeOptions, type CosineSimilarityOptions } from './functional/normalize.js';
export { pad, type PadMode, type PadOptions } from './functional/padding.js';
export { linear } from './functional/linear.js';
export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from './functional/attention.js';
export { dropout, type DropoutOptions } from './functional/dropout.js';
export { layerNorm, type LayerNormOptions } from './functional/normalization.js';
export { embedding, oneHot, type EmbeddingOptions } from './functional/sparse.js';
export {
  crossEntropy,
  nllLoss,
  mseLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  klDiv,
  type Reduction,
  type ReductionOptions,
  type NLLLossOptions,
  type CrossEntropyOptions,
  type BCEOptions,
  type BCEWithLogitsOptions,
  type SmoothL1LossOptions,
  type HuberLossOptions,
  type KLDivOptions,
} from './functional/loss.js';
