/**
 * Loss modules (`torch.nn.CrossEntropyLoss`, …): each holds its options and calls the function of
 * the same name in `F`. `reduction` is `'mean'` (default), `'sum'` or `'none'`.
 *
 * Constructor arguments are PyTorch's, positional or as one options object:
 * `new CrossEntropyLoss(weight)` is `new CrossEntropyLoss({ weight })`,
 * `new HuberLoss('sum', 0.5)` is `new HuberLoss({ reduction: 'sum', delta: 0.5 })`. The deprecated
 * `sizeAverage` / `reduce` pair is mapped to `reduction` as PyTorch does.
 */
import type { Tensor } from '@flint/tensor';
import { intArg, numberArg } from './args.js';
import * as F from './functional/loss.js';
import { Module } from './module.js';

const REDUCTIONS = ['mean', 'sum', 'none'];

type LossName = keyof typeof F.LOSS_ARGS;

function checkReduction(value: unknown, extra: readonly string[] = []): void {
  if (!REDUCTIONS.includes(value as string) && !extra.includes(value as string)) throw new Error(`${String(value)} is not a valid value for reduction`);
}

/** `torch.nn.modules.loss._Loss`: validates and stores `reduction`. */
abstract class Loss extends Module {
  readonly reduction: F.Reduction;
  /** @internal The bound constructor arguments (prototype-less). */
  declare protected readonly _args: Record<string, unknown>;
  constructor(op: string, fn: LossName, args: readonly unknown[]) {
    super();
    const a = F.bindLoss(op, args, F.LOSS_ARGS[fn]);
    Object.defineProperty(this, '_args', { value: a, enumerable: false });
    this.reduction = (a.reduction ?? 'mean') as F.Reduction;
    checkReduction(this.reduction, fn === 'klDiv' ? ['batchmean'] : []);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** `torch.nn.modules.loss._WeightedLoss`: a loss with an optional per-class weight buffer. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(op: string, fn: LossName, args: readonly unknown[]) {
    super(op, fn, args);
    this.registerBuffer('weight', (this._args.weight as Tensor | null | undefined) ?? null);
  }
}


/**
 * `torch.nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0)`: log-softmax + NLL. Input logits `[N, C]` /
 * `[N, C, d1, …]`; target int32 class indices `[N]` / `[N, d1, …]`, or float32 class
 * probabilities shaped like the input.
 */
export class CrossEntropyLoss extends WeightedLoss {
  static override readonly className: string = 'CrossEntropyLoss';
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: F.CrossEntropyOptions);
  constructor(
    weight?: Tensor | null,
    sizeAverage?: boolean | null,
    ignoreIndex?: number,
    reduce?: boolean | null,
    reduction?: F.Reduction,
    labelSmoothing?: number | F.CrossEntropyOptions,
  );
  constructor(...args: unknown[]) {
    super('CrossEntropyLoss', 'crossEntropy', args);
    this.ignoreIndex = intArg('CrossEntropyLoss', 'ignoreIndex', this._args.ignoreIndex, -100);
    this.labelSmoothing = numberArg('CrossEntropyLoss', 'labelSmoothing', this._args.labelSmoothing, 0);
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${this.labelSmoothing}`);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const { weight, ignoreIndex, reduction, labelSmoothing } = this;
    return F.crossEntropy(input, target, { weight, ignoreIndex, reduction, labelSmoothing });
  }
}

/**
 * `torch.nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean')` on log-probabilities.
 */
export class NLLLoss extends WeightedLoss {
  static override readonly className: string = 'NLLLoss';
  readonly ignoreIndex: number;
  constructor(options?: F.NLLLossOptions);
  constructor(weight?: Tensor | null, sizeAverage?: boolean | null, ignoreIndex?: number, reduce?: boolean | null, reduction?: F.Reduction | F.NLLLossOptions);
  constructor(...args: unknown[]) {
    super('NLLLoss', 'nllLoss', args);
    this.ignoreIndex = intArg('NLLLoss', 'ignoreIndex', this._args.ignoreIndex, -100);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** `torch.nn.MSELoss(size_average=None, reduce=None, reduction='mean')`: (input - target)². */
export class MSELoss extends Loss {
  static override readonly className: string = 'MSELoss';
  constructor(options?: F.ReductionOptions);
  constructor(...args: F.LegacyArgs);
  constructor(...args: unknown[]) {
    super('MSELoss', 'mseLoss', args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** `torch.nn.L1Loss(size_average=None, reduce=None, reduction='mean')`: |input - target|. */
export class L1Loss extends Loss {
  static override readonly className: string = 'L1Loss';
  constructor(options?: F.ReductionOptions);
  constructor(...args: F.LegacyArgs);
  constructor(...args: unknown[]) {
    super('L1Loss', 'l1Loss', args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** `torch.nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0)`. */
export class SmoothL1Loss extends Loss {
  static override readonly className: string = 'SmoothL1Loss';
  readonly beta: number;
  constructor(options?: F.SmoothL1LossOptions);
  constructor(sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: F.Reduction, beta?: number | F.SmoothL1LossOptions);
  constructor(...args: unknown[]) {
    super('SmoothL1Loss', 'smoothL1Loss', args);
    this.beta = numberArg('SmoothL1Loss', 'beta', this._args.beta, 1);
    if (this.beta < 0) throw new RangeError('SmoothL1Loss: smooth_l1_loss does not support negative values for beta.');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** `torch.nn.HuberLoss(reduction='mean', delta=1.0)`. */
export class HuberLoss extends Loss {
  static override readonly className: string = 'HuberLoss';
  readonly delta: number;
  constructor(options?: F.HuberLossOptions);
  constructor(reduction?: F.Reduction, delta?: number | Pick<F.HuberLossOptions, 'delta'>);
  constructor(...args: unknown[]) {
    super('HuberLoss', 'huberLoss', args);
    this.delta = numberArg('HuberLoss', 'delta', this._args.delta, 1);
    if (!(this.delta > 0)) throw new RangeError('HuberLoss: huber_loss does not support non-positive values for delta.');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * `torch.nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean')` on
 * probabilities in [0, 1]; logs clamped to ≥ -100.
 */
export class BCELoss extends WeightedLoss {
  static override readonly className: string = 'BCELoss';
  constructor(options?: F.BCEOptions);
  constructor(weight?: Tensor | null, ...rest: F.LegacyArgs);
  constructor(...args: unknown[]) {
    super('BCELoss', 'binaryCrossEntropy', args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * `torch.nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean',
 * pos_weight=None)`: sigmoid + BCE, stably.
 */
export class BCEWithLogitsLoss extends Loss {
  static override readonly className: string = 'BCEWithLogitsLoss';
  declare weight: Tensor | null;
  constructor(options?: F.BCEWithLogitsOptions);
  constructor(
    weight?: Tensor | null,
    sizeAverage?: boolean | null,
    reduce?: boolean | null,
    reduction?: F.Reduction,
    posWeight?: Tensor | null | Pick<F.BCEWithLogitsOptions, 'posWeight'>,
  );
  constructor(...args: unknown[]) {
    super('BCEWithLogitsLoss', 'binaryCrossEntropyWithLogits', args);
    this.registerBuffer('weight', (this._args.weight as Tensor | null | undefined) ?? null);
    this.registerBuffer('pos_weight', (this._args.posWeight as Tensor | null | undefined) ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const posWeight = this._buffers.get('pos_weight') ?? null;
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight, reduction: this.reduction });
  }
}

/**
 * `torch.nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False)`; input
 * are log-probabilities.
 */
export class KLDivLoss extends Module {
  static override readonly className: string = 'KLDivLoss';
  readonly reduction: F.Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(options?: F.KLDivOptions);
  constructor(sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: F.Reduction | 'batchmean', logTarget?: boolean | Pick<F.KLDivOptions, 'logTarget'>);
  constructor(...args: unknown[]) {
    super();
    const a = F.bindLoss('KLDivLoss', args, F.LOSS_ARGS.klDiv);
    this.reduction = (a.reduction ?? 'mean') as F.Reduction | 'batchmean';
    checkReduction(this.reduction, ['batchmean']);
    if (a.logTarget !== undefined && typeof a.logTarget !== 'boolean') throw new TypeError(`KLDivLoss: logTarget must be a boolean (got ${typeof a.logTarget})`);
    this.logTarget = (a.logTarget as boolean | undefined) ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
