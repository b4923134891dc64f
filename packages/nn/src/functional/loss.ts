/**
 * Loss functions of `F` (`torch.nn.functional.cross_entropy`, …). Each takes
 * `reduction: 'mean' | 'sum' | 'none'` (default `'mean'`) and checks the target's shape, naming
 * the loss and both shapes.
 */
import { tensor, where, type Tensor } from '@flint/tensor';
import { shapeStr } from '../repr.js';
import { logSoftmax } from './activation.js';
import { oneHotUnchecked } from './sparse.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

function reductionOf(options: ReductionOptions, op: string): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new Error(`${op}: ${String(r)} is not a valid value for reduction`);
  return r;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

function sameShape(input: Tensor, target: Tensor, op: string): void {
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(`${op}: target shape ${shapeStr(target.shape)} must match input shape ${shapeStr(input.shape)}`);
  }
}

export interface NLLLossOptions extends ReductionOptions {
  /** Per-class weight `[C]`. */
  weight?: Tensor | null;
  /** Target value that contributes neither loss nor gradient (default -100). */
  ignoreIndex?: number;
}

/** Moves the class dim of `[N, C, d1, ...]` last and flattens: `[N·d1·…, C]`. */
function classesLast(input: Tensor): Tensor {
  if (input.ndim <= 2) return input.ndim === 1 ? input.unsqueeze(0) : input;
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2), 1];
  return input.permute(dims).reshape([-1, input.shape[1]!]);
}

function checkClassTarget(input: Tensor, target: Tensor, op: string): void {
  if (target.dtype !== 'int32') {
    throw new TypeError(`${op}: expected target of class indices with dtype int32 (got ${target.dtype} with shape ${shapeStr(target.shape)}); for class probabilities pass a float32 target shaped like the input ${shapeStr(input.shape)}`);
  }
  const expected = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`${op}: expected target shape ${shapeStr(expected)} for input of shape ${shapeStr(input.shape)}, got target shape ${shapeStr(target.shape)}`);
  }
}

/**
 * The shared core of `nllLoss` and `crossEntropy` on log-probabilities `[M, C]` and targets
 * `[M]`: per-element losses `-w[t]·logp[t]`, their weights `w[t]` (0 where ignored), and the
 * valid mask. Picking `logp[t]` is a one-hot product (mul + sum), cheap and differentiable everywhere.
 */
function pick(logp: Tensor, target: Tensor, options: NLLLossOptions, op: string): { loss: Tensor; w: Tensor; valid: Tensor } {
  const C = logp.shape[1]!;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const valid = target.ne(ignoreIndex);
  const safe = target.where(valid, 0);
  if (safe.numel() > 0) {
    const lo = safe.min().item();
    const hi = safe.max().item();
    if (lo < 0 || hi >= C) throw new RangeError(`${op}: Target ${lo < 0 ? lo : hi} is out of bounds.`);
  }
  const hot = oneHotUnchecked(safe, C).float().mul(valid.unsqueeze(-1));
  const weight = options.weight ?? null;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new RangeError(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
  }
  const wHot = weight ? hot.mul(weight) : hot;
  return { loss: logp.mul(wHot).sum(1).neg(), w: wHot.sum(1), valid };
}

/**
 * `F.nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean')`: input are
 * log-probabilities `[N, C]` or `[N, C, d1, …]` (or `[C]`), target int32 class indices `[N]` /
 * `[N, d1, …]`. `'mean'` divides by the total weight of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const reduction = reductionOf(options, 'nllLoss');
  checkClassTarget(input, target, 'nllLoss');
  const { loss, w } = pick(classesLast(input), target.flatten(), options, 'nllLoss');
  if (reduction === 'none') return loss.reshape(target.shape);
  return reduction === 'sum' ? loss.sum() : loss.sum().div(w.sum());
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε / C (default 0). */
  labelSmoothing?: number;
}

/**
 * `F.cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean',
 * label_smoothing=0.0)`: `nllLoss(logSoftmax(input, 1), target)` for int32 class indices, or
 * `-Σ_c target_c · w_c · logSoftmax(input)_c` for float32 class probabilities shaped like the
 * input. Input: logits `[N, C]`, `[N, C, d1, …]` or `[C]`.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const reduction = reductionOf(options, op);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const logp = classesLast(logSoftmax(input, input.ndim === 1 ? 0 : 1));
  const weight = options.weight ?? null;
  if (target.dtype === 'float32') {
    sameShape(input, target, op);
    let probs = classesLast(target);
    if (eps > 0) probs = probs.mul(1 - eps).add(eps / C);
    const loss = logp.mul(weight ? probs.mul(weight) : probs).sum(1).neg();
    if (reduction === 'none') return loss.reshape(input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)]);
    return reduction === 'sum' ? loss.sum() : loss.sum().div(input.numel() / C);
  }
  checkClassTarget(input, target, op);
  const flatTarget = target.flatten();
  const { loss, w, valid } = pick(logp, flatTarget, options, op);
  const nll = reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.sum().div(w.sum());
  if (eps === 0) return reduction === 'none' ? nll.reshape(target.shape) : nll;
  // PyTorch's smoothing term: -Σ_c w_c·logp_c per element, zero where ignored.
  const smooth = (weight ? logp.mul(weight) : logp).sum(1).neg().mul(valid);
  const smoothReduced = reduction === 'none' ? smooth : reduction === 'sum' ? smooth.sum() : smooth.sum().div(w.sum());
  const out = nll.mul(1 - eps).add(smoothReduced.mul(eps / C));
  return reduction === 'none' ? out.reshape(target.shape) : out;
}

/** `F.mse_loss(input, target, reduction='mean')`: (input - target)². */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = reductionOf(options, 'mseLoss');
  sameShape(input, target, 'mseLoss');
  return reduce(input.sub(target).square(), reduction);
}

/** `F.l1_loss(input, target, reduction='mean')`: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const reduction = reductionOf(options, 'l1Loss');
  sameShape(input, target, 'l1Loss');
  return reduce(input.sub(target).abs(), reduction);
}

/**
 * `F.smooth_l1_loss(input, target, reduction='mean', beta=1.0)`: 0.5·d²/beta where |d| < beta,
 * |d| - 0.5·beta elsewhere.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  const reduction = reductionOf(options, 'smoothL1Loss');
  sameShape(input, target, 'smoothL1Loss');
  const beta = options.beta ?? 1;
  if (beta < 0) throw new RangeError('smoothL1Loss: smooth_l1_loss does not support negative values for beta.');
  const d = input.sub(target).abs();
  if (beta === 0) return reduce(d, reduction);
  return reduce(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), reduction);
}

/**
 * `F.huber_loss(input, target, reduction='mean', delta=1.0)`: 0.5·d² where |d| < delta,
 * delta·(|d| - 0.5·delta) elsewhere.
 */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  const reduction = reductionOf(options, 'huberLoss');
  sameShape(input, target, 'huberLoss');
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError('huberLoss: huber_loss does not support non-positive values for delta.');
  const d = input.sub(target).abs();
  return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), reduction);
}

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy(input, target, weight=None, reduction='mean')` on probabilities:
 * -w·(t·log(x) + (1 - t)·log(1 - x)), each log clamped to ≥ -100 as PyTorch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = reductionOf(options, 'binaryCrossEntropy');
  sameShape(input, target, 'binaryCrossEntropy');
  const logX = input.log().clamp(-100);
  const log1mX = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, reduction);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of positive examples per class (broadcast along the last dim). */
  posWeight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean',
 * pos_weight=None)`: sigmoid + BCE in one stable expression:
 * (1 - t)·x + (1 + (pw - 1)·t)·(log(1 + exp(-|x|)) + max(-x, 0)).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const reduction = reductionOf(options, 'binaryCrossEntropyWithLogits');
  sameShape(input, target, 'binaryCrossEntropyWithLogits');
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu());
  const logWeight = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, reduction);
}

/**
 * `F.kl_div(input, target, reduction='mean', log_target=False)`: input are log-probabilities;
 * pointwise target·(log target - input) (0 where target = 0). `'batchmean'` divides the sum by
 * the batch size, which is the mathematically correct KL divergence.
 */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const r = options.reduction ?? 'mean';
  sameShape(input, target, 'klDiv');
  const loss = options.logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(target.log().sub(input)), tensor(0));
  if (r === 'batchmean') return loss.sum().div(input.ndim > 0 ? input.shape[0]! : 1);
  return reduce(loss, reductionOf({ reduction: r }, 'klDiv'));
}
