/**
 * vision's functional ops (`torch.nn.functional` for images and signals): `F.conv2d`,
 * `F.conv1d`, `F.convTranspose2d`, `F.batchNorm`, `F.maxPool2d`, `F.avgPool2d`, `F.adaptiveAvgPool2d`, `F.maxPool1d`,
 * `F.avgPool1d`, `F.adaptiveAvgPool1d`, `F.adaptiveMaxPool2d`, `F.interpolate`,
 * `F.pixelShuffle`, `F.pixelUnshuffle`, `F.pad`. The kernels live in `@flint/tensor`; the rest is
 * composed here from tensor ops.
 */
import { noGrad } from '@flint/autograd';
import { _scaleAdd_, type Tensor } from '@flint/tensor';
import { BatchNormTraining } from './batch-norm-train.js';

export { conv2d, pad, maxPool2d, avgPool2d, adaptiveAvgPool2d } from '@flint/tensor';
export type { Conv2dOptions, MaxPool2dOptions, AvgPool2dOptions, PadMode } from '@flint/tensor';
export { conv1d, type Conv1dFunctionalOptions as Conv1dOptions } from './conv1d.js';
export { convTranspose2d, type ConvTranspose2dFunctionalOptions as ConvTranspose2dOptions } from './conv-transpose2d.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from './interpolate.js';
export { adaptiveMaxPool2d } from './adaptive-max-pool.js';
export { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';
export { maxPool1d, avgPool1d, adaptiveAvgPool1d, type MaxPool1dOptions, type AvgPool1dOptions } from './pooling1d.js';

export interface BatchNormOptions {
  /** Per-channel scale `[C]` (γ). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (β). */
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones) rather than the running ones (default false). */
  training?: boolean;
  /**
   * Running-stat update factor: `running = (1 - momentum)·running + momentum·batch` (default
   * 0.1). Flint also takes a 0-d tensor (BatchNorm's cumulative average on a backend that reads
   * only asynchronously).
   */
  momentum?: number | Tensor;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * `torch.nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training,
 * momentum, eps)` over `[N, C, *]`: `y = (x - mean) / √(var + eps) · weight + bias` per channel.
 * In training the mean and the biased variance come from the batch (over N and every spatial
 * position), and the running stats, if given, are updated in place with the batch mean and the
 * UNBIASED variance; otherwise the running stats are used. https://arxiv.org/abs/1502.03167
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new RangeError(`batch_norm: expected an input of at least 2 dims [N, C, *] (got [${input.shape.join(', ')}])`);
  const c = input.shape[1]!;
  const bshape = input.shape.map((d, i) => (i === 1 ? d : 1));
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new RangeError(`batch_norm: ${name} should contain ${c} elements not ${t.numel()}`);
    }
  }
  if (training) {
    const count = input.numel() / c;
    if (count <= 1) throw new RangeError(`batch_norm: Expected more than 1 value per channel when training, got input size [${input.shape.join(', ')}]`);
    const [y, mean, variance] = BatchNormTraining.apply(input.reshape([input.shape[0]!, c, -1]), weight, bias, eps) as [Tensor, Tensor, Tensor];
    if (runningMean || runningVar) {
      noGrad(() => {
        const keep = typeof momentum === 'number' ? 1 - momentum : momentum.neg().add(1);
        const unbiased = typeof momentum === 'number' ? (momentum * count) / (count - 1) : momentum.mul(count / (count - 1));
        // One in-place pass each on WASM (the same bits as the ops below).
        const fused = (running: Tensor, batch: Tensor, b: number | Tensor) => typeof keep === 'number' && typeof b === 'number' && _scaleAdd_(running, batch, keep, b);
        if (runningMean && !fused(runningMean, mean, momentum)) runningMean.copy_(runningMean.mul(keep).add(mean.mul(momentum)));
        if (runningVar && !fused(runningVar, variance, unbiased)) runningVar.copy_(runningVar.mul(keep).add(variance.mul(unbiased)));
      });
    }
    return y.reshape(input.shape);
  }
  if (!runningMean || !runningVar) throw new Error('batch_norm: running_mean and running_var must be defined in evaluation mode');
  const mean = runningMean.reshape(bshape);
  const variance = runningVar.reshape(bshape);
  // y = x·scale + shift with per-channel scale = weight/√(var + eps), shift = bias - mean·scale:
  // two full-size ops instead of four.
  let scale = variance.add(eps).rsqrt();
  if (weight) scale = scale.mul(weight.reshape(bshape));
  let shift = mean.mul(scale).neg();
  if (bias) shift = shift.add(bias.reshape(bshape));
  return input.mul(scale).add(shift);
}
