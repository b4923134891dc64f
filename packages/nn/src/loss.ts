/**
 * Loss modules (`torch.nn.CrossEntropyLoss`, …): each holds its options and calls the function of
 * the same name in `F`. `reduction` is `'mean'` (default), `'sum'` or `'none'`.
 */
import type { Tensor } from '@flint/tensor';
import * as F from './functional/loss.js';
import { Module } from './module.js';

const REDUCTIONS = ['mean', 'sum', 'none'];

/** `torch.nn.modules.loss._Loss`: validates and stores `reduction`. */
abstract class Loss extends Module {
  readonly reduction: F.Reduction;
  constructor(options: F.ReductionOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    if (!REDUCTIONS.includes(this.reduction)) throw new Error(`${String(this.reduction)} is not a valid value for reduction`);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** `torch.nn.modules.loss._WeightedLoss`: a loss with an optional per-class weight buffer. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(options: F.ReductionOptions & { weight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

/**
 * `torch.nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean',
 * label_smoothing=0.0)`: log-softmax + NLL. Input logits `[N, C]` / `[N, C, d1, …]`; target int32
 * class indices `[N]` / `[N, d1, …]`, or float32 class probabilities shaped like the input.
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: F.CrossEntropyOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${this.labelSmoothing}`);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction, labelSmoothing } = this;
    return F.crossEntropy(input, target, { weight, ignoreIndex, reduction, labelSmoothing });
  }
}

/** `torch.nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')` on log-probabilities. */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options: F.NLLLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** `torch.nn.MSELoss(reduction='mean')`: (input - target)². */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** `torch.nn.L1Loss(reduction='mean')`: |input - target|. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** `torch.nn.SmoothL1Loss(reduction='mean', beta=1.0)`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: F.ReductionOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** `torch.nn.HuberLoss(reduction='mean', delta=1.0)`. */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: F.ReductionOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** `torch.nn.BCELoss(weight=None, reduction='mean')` on probabilities in [0, 1]; logs clamped to ≥ -100. */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** `torch.nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)`: sigmoid + BCE, stably. */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  constructor(options: F.BCEWithLogitsOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const posWeight = this._buffers.get('pos_weight') ?? null;
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight, reduction: this.reduction });
  }
}

/** `torch.nn.KLDivLoss(reduction='mean', log_target=False)`; input are log-probabilities. */
export class KLDivLoss extends Module {
  readonly reduction: F.Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(options: { reduction?: F.Reduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

