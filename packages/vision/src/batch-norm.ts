/** `BatchNorm1d`, `BatchNorm2d` (`torch.nn.BatchNorm1d/2d`), sharing the private `_BatchNorm` base. */
import { noGrad } from '@flint/autograd';
import { backendReadsSync, ones, tensor, zeros, type Tensor } from '@flint/tensor';
import { Module, Parameter, init } from '@flint/nn';
import { batchNorm } from './functional.js';
import { py, pyNumber } from './repr.js';

export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Running-stat update factor (default 0.1); `null` keeps a cumulative average instead. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default `true`). */
  affine?: boolean;
  /** Keep `running_mean`, `running_var`, `num_batches_tracked` buffers (default `true`). */
  trackRunningStats?: boolean;
}

/**
 * `torch.nn.modules.batchnorm._BatchNorm`: the shared part of BatchNorm1d/2d. Buffers keep
 * PyTorch's state-dict names (`running_mean`, `running_var`, `num_batches_tracked`, an int32
 * 0-d tensor); they are updated in place, so the registered tensors stay the same objects.
 */
export abstract class _BatchNorm extends Module {
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  /** `running_mean`, under Flint's camelCase naming (the buffer keeps PyTorch's state-dict key). */
  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  /** `running_var`, camelCase. */
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  /** `num_batches_tracked`, camelCase. */
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (this.affine) {
      this.weight = ownParameter(ones([numFeatures]));
      this.bias = ownParameter(zeros([numFeatures]));
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', track ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** Running mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  /** Throws PyTorch's message when the input has the wrong number of dims. */
  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const tracked = this.num_batches_tracked;
      noGrad(() => tracked.add_(1));
      // The cumulative average's factor 1/n: a tensor where the count cannot be read at once (webgpu).
      if (this.momentum === null) factor = backendReadsSync() ? 1 / tracked.item() : noGrad(() => tracked.float().reciprocal());
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(input, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyNumber(this.eps, true)}, momentum=${this.momentum === null ? 'None' : pyNumber(this.momentum, true)}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

function ownParameter(data: Tensor): Parameter {
  const p = new Parameter(data);
  data.dispose();
  return p;
}

/**
 * `torch.nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True,
 * track_running_stats=True)` over `[N, C]` or `[N, C, L]`: per-channel statistics over N (and L).
 * https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm1d.html
 */
export class BatchNorm1d extends _BatchNorm {
  static override readonly className: string = 'BatchNorm1d';
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`${this.toString()}: expected 2D or 3D input (got ${input.ndim}D input)`);
    checkChannels(this, input);
  }
}

/**
 * `torch.nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=True,
 * track_running_stats=True)` over `[N, C, H, W]`: per-channel statistics over N, H and W.
 * Train mode normalises with the batch mean and biased variance and updates the running stats
 * (`running = (1 - momentum)·running + momentum·batch`, with the unbiased variance); eval mode
 * uses the running stats. https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html
 */
export class BatchNorm2d extends _BatchNorm {
  static override readonly className: string = 'BatchNorm2d';
  protected checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new RangeError(`${this.toString()}: expected 4D input (got ${input.ndim}D input)`);
    checkChannels(this, input);
  }
}

function checkChannels(m: _BatchNorm, input: Tensor): void {
  if (input.shape[1] !== m.numFeatures) {
    throw new RangeError(`${m.toString()}: expected input with ${m.numFeatures} channels (dim 1), got input of shape [${input.shape.join(', ')}]`);
  }
}
