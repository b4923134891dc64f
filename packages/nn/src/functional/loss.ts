/**
 * Loss functions of `F` (`torch.nn.functional.cross_entropy`, …). Each takes
 * `reduction: 'mean' | 'sum' | 'none'` (default `'mean'`) and checks the target's shape, naming
 * the loss and both shapes.
 */
import { Tensor, backendReadsSync, tensor, where } from '@flint/tensor';
import { bindArgs, describeValue, intArg, numberArg } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor, logSoftmax } from './activation.js';
import { INT32_HINT } from './sparse.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
  /** Deprecated in PyTorch (use `reduction`); with `reduce` it picks the reduction as PyTorch's legacy rule. */
  sizeAverage?: boolean | null;
  /** Deprecated in PyTorch (use `reduction`). */
  reduce?: boolean | null;
}

function reductionOf(options: { reduction?: unknown }, op: string): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new Error(`${op}: ${typeof r === 'string' ? r : describeValue(r)} is not a valid value for reduction`);
  return r;
}

/**
 * @internal Binds a loss's arguments (PyTorch's positional order, or an options object) and
 * resolves the deprecated `sizeAverage` / `reduce` pair into `reduction` as PyTorch's
 * `_Reduction.legacy_get_string`.
 */
export function bindLoss(op: string, args: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const a = bindArgs(op, args, names);
  const legacy = (name: string): boolean | null => {
    const v = a[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean or null (got ${describeValue(v)})`);
    return v;
  };
  const sizeAverage = legacy('sizeAverage');
  const reduce = legacy('reduce');
  if (sizeAverage !== null || reduce !== null) {
    const sa = sizeAverage ?? true;
    const r = reduce ?? true;
    a.reduction = sa && r ? 'mean' : r ? 'sum' : 'none';
  }
  delete a.sizeAverage;
  delete a.reduce;
  for (const name of ['weight', 'posWeight']) {
    const v = a[name];
    if (v !== undefined && v !== null && !(v instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor or null (got ${describeValue(v)})`);
  }
  return a;
}

/** PyTorch's positional order of each loss after `(input, target)` (for `F`) or of its module. */
export const LOSS_ARGS = {
  nllLoss: ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'],
  crossEntropy: ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction', 'labelSmoothing'],
  mseLoss: ['sizeAverage', 'reduce', 'reduction'],
  l1Loss: ['sizeAverage', 'reduce', 'reduction'],
  smoothL1Loss: ['sizeAverage', 'reduce', 'reduction', 'beta'],
  huberLoss: ['reduction', 'delta'],
  binaryCrossEntropy: ['weight', 'sizeAverage', 'reduce', 'reduction'],
  binaryCrossEntropyWithLogits: ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight'],
  klDiv: ['sizeAverage', 'reduce', 'reduction', 'logTarget'],
} as const;

/** Checks a loss's two tensors and binds its other arguments in PyTorch's order (`LOSS_ARGS`). */
function lossArgs(op: keyof typeof LOSS_ARGS, input: unknown, target: unknown, args: readonly unknown[]): Record<string, unknown> {
  checkTensor(op, input);
  checkTensor(op, target, 'target');
  return bindLoss(op, args, LOSS_ARGS[op]);
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

/** The shape of class-index targets for `input`: `[N, d1, …]`, or `[]` for an unbatched `[C]`. */
function classTargetShape(input: Tensor, op: string): number[] {
  if (input.ndim === 0) throw new RangeError(`${op}: input must have a class dim: [C], [N, C] or [N, C, d1, …] (got a 0-d tensor)`);
  return input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
}

function checkClassTarget(input: Tensor, target: Tensor, op: string): void {
  const expected = classTargetShape(input, op);
  if (target.dtype !== 'int32') {
    throw new TypeError(
      `${op}: expected a target of class indices with dtype int32, got ${target.dtype} with shape ${shapeStr(target.shape)}; ${INT32_HINT}` +
        (op === 'crossEntropy' ? ` (class probabilities are a float32 target shaped like the input, ${shapeStr(input.shape)})` : ''),
    );
  }
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`${op}: expected target shape ${shapeStr(expected)} for input of shape ${shapeStr(input.shape)}, got target shape ${shapeStr(target.shape)}`);
  }
}

/** @internal Resolved options of `nllLoss` / `crossEntropy`. */
interface ClassLossOptions {
  weight: Tensor | null;
  ignoreIndex: number;
  reduction: Reduction;
}

function classLossOptions(op: string, a: Record<string, unknown>): ClassLossOptions {
  return {
    weight: (a.weight as Tensor | null | undefined) ?? null,
    ignoreIndex: intArg(op, 'ignoreIndex', a.ignoreIndex, -100),
    reduction: reductionOf(a, op),
  };
}

/**
 * The shared core of `nllLoss` and `crossEntropy` on log-probabilities `[M, C]` and targets
 * `[M]`: per-element losses `-w[t]·logp[t]`, their weights `w[t]` (0 where ignored), and the
 * valid mask. `logp[t]` is a `gather` (its gradient a scatter into `[M, C]`), not a one-hot
 * product: comparing `[M, 1]` with `[C]` broadcast is slow on WASM.
 */
function pick(logp: Tensor, target: Tensor, options: ClassLossOptions, op: string): { loss: Tensor; w: Tensor; valid: Tensor } {
  const C = logp.shape[1]!;
  const ignoreIndex = options.ignoreIndex;
  const valid = target.ne(ignoreIndex);
  const safe = target.where(valid, 0);
  // On a backend that reads only asynchronously (webgpu) the range check is skipped, as CUDA's
  // device-side check does not stop the program either.
  if (safe.numel() > 0 && backendReadsSync()) {
    const lo = safe.min().item();
    const hi = safe.max().item();
    if (lo < 0 || hi >= C) throw new RangeError(`${op}: Target ${lo < 0 ? lo : hi} is out of bounds.`);
  }
  const weight = options.weight;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new RangeError(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${shapeStr(weight.shape)}`);
  }
  const validF = valid.float();
  const w = weight ? weight.indexSelect(0, safe).mul(validF) : validF;
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
  return { loss: picked.mul(w).neg(), w, valid };
}

/**
 * `F.nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean')`: input are log-probabilities `[N, C]` or `[N, C, d1, …]` (or `[C]`), target
 * int32 class indices `[N]` / `[N, d1, …]`. `'mean'` divides by the total weight of the
 * non-ignored targets. `F.nllLoss(x, t, w)` is `F.nllLoss(x, t, { weight: w })`.
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NLLLossOptions): Tensor;
export function nllLoss(
  input: Tensor,
  target: Tensor,
  weight?: Tensor | null,
  sizeAverage?: boolean | null,
  ignoreIndex?: number,
  reduce?: boolean | null,
  reduction?: Reduction | NLLLossOptions,
): Tensor;
export function nllLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'nllLoss';
  const options = classLossOptions(op, lossArgs(op, input, target, args));
  checkClassTarget(input, target, op);
  const { loss, w } = pick(classesLast(input), target.flatten(), options, op);
  const reduction = options.reduction;
  if (reduction === 'none') return loss.reshape(target.shape);
  return reduction === 'sum' ? loss.sum() : loss.sum().div(w.sum());
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε / C (default 0). */
  labelSmoothing?: number;
}

/**
 * `F.cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
 * reduction='mean', label_smoothing=0.0)`: `nllLoss(logSoftmax(input, 1), target)` for int32
 * class indices, or `-Σ_c target_c · w_c · logSoftmax(input)_c` for float32 class probabilities
 * shaped like the input. Input: logits `[N, C]`, `[N, C, d1, …]` or `[C]`. A float target of the
 * class-index shape is an error that says to create it with `{ dtype: 'int32' }`.
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor;
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  weight?: Tensor | null,
  sizeAverage?: boolean | null,
  ignoreIndex?: number,
  reduce?: boolean | null,
  reduction?: Reduction,
  labelSmoothing?: number | CrossEntropyOptions,
): Tensor;
export function crossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'crossEntropy';
  const a = lossArgs(op, input, target, args);
  const options = classLossOptions(op, a);
  const { reduction, weight } = options;
  const eps = numberArg(op, 'labelSmoothing', a.labelSmoothing, 0);
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const indexShape = classTargetShape(input, op);
  const C = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const probabilities = target.dtype === 'float32' && !(target.ndim === indexShape.length && target.shape.every((d, i) => d === indexShape[i]));
  if (probabilities) {
    sameShape(input, target, op);
    const logp = classesLast(logSoftmax(input, input.ndim === 1 ? 0 : 1));
    let probs = classesLast(target);
    if (eps > 0) probs = probs.mul(1 - eps).add(eps / C);
    const loss = logp.mul(weight ? probs.mul(weight) : probs).sum(1).neg();
    if (reduction === 'none') return loss.reshape(indexShape);
    return reduction === 'sum' ? loss.sum() : loss.sum().div(input.numel() / C);
  }
  checkClassTarget(input, target, op);
  const logp = classesLast(logSoftmax(input, input.ndim === 1 ? 0 : 1));
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

/** The deprecated `size_average` / `reduce` arguments before `reduction`, as PyTorch still takes them. */
export type LegacyArgs = [sizeAverage?: boolean | null, reduce?: boolean | null, reduction?: Reduction | ReductionOptions];

/**
 * `F.mse_loss(input, target, size_average=None, reduce=None, reduction='mean')`: (input - target)².
 */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function mseLoss(input: Tensor, target: Tensor, ...args: LegacyArgs): Tensor;
export function mseLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'mseLoss';
  const reduction = reductionOf(lossArgs(op, input, target, args), op);
  sameShape(input, target, op);
  return reduce(input.sub(target).square(), reduction);
}

/** `F.l1_loss(input, target, size_average=None, reduce=None, reduction='mean')`: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor;
export function l1Loss(input: Tensor, target: Tensor, ...args: LegacyArgs): Tensor;
export function l1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'l1Loss';
  const reduction = reductionOf(lossArgs(op, input, target, args), op);
  sameShape(input, target, op);
  return reduce(input.sub(target).abs(), reduction);
}

export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss changes from quadratic to linear (default 1). */
  beta?: number;
}

/**
 * `F.smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0)`:
 * 0.5·d²/beta where |d| < beta, |d| - 0.5·beta elsewhere.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: SmoothL1LossOptions): Tensor;
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  sizeAverage?: boolean | null,
  reduce?: boolean | null,
  reduction?: Reduction,
  beta?: number | SmoothL1LossOptions,
): Tensor;
export function smoothL1Loss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'smoothL1Loss';
  const a = lossArgs(op, input, target, args);
  const reduction = reductionOf(a, op);
  sameShape(input, target, op);
  const beta = numberArg(op, 'beta', a.beta, 1);
  if (beta < 0) throw new RangeError('smoothL1Loss: smooth_l1_loss does not support negative values for beta.');
  const d = input.sub(target).abs();
  if (beta === 0) return reduce(d, reduction);
  return reduce(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), reduction);
}

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss changes from quadratic to linear (default 1). */
  delta?: number;
}

/**
 * `F.huber_loss(input, target, reduction='mean', delta=1.0)`: 0.5·d² where |d| < delta,
 * delta·(|d| - 0.5·delta) elsewhere.
 */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor;
export function huberLoss(input: Tensor, target: Tensor, reduction?: Reduction, delta?: number | Pick<HuberLossOptions, 'delta'>): Tensor;
export function huberLoss(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'huberLoss';
  const a = lossArgs(op, input, target, args);
  const reduction = reductionOf(a, op);
  sameShape(input, target, op);
  const delta = numberArg(op, 'delta', a.delta, 1);
  if (!(delta > 0)) throw new RangeError('huberLoss: huber_loss does not support non-positive values for delta.');
  const d = input.sub(target).abs();
  return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), reduction);
}

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean')` on probabilities: -w·(t·log(x) + (1 - t)·log(1 - x)), each log clamped to
 * ≥ -100 as PyTorch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BCEOptions): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, weight?: Tensor | null, ...rest: LegacyArgs): Tensor;
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'binaryCrossEntropy';
  const a = lossArgs(op, input, target, args);
  const reduction = reductionOf(a, op);
  sameShape(input, target, op);
  const logX = input.log().clamp(-100);
  const log1mX = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  if (a.weight) loss = loss.mul(a.weight as Tensor);
  return reduce(loss, reduction);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of positive examples per class (broadcast along the last dim). */
  posWeight?: Tensor | null;
}

/**
 * `F.binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
 * reduction='mean', pos_weight=None)`: sigmoid + BCE in one stable expression:
 * (1 - t)·x + (1 + (pw - 1)·t)·(log(1 + exp(-|x|)) + max(-x, 0)).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BCEWithLogitsOptions): Tensor;
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  weight?: Tensor | null,
  sizeAverage?: boolean | null,
  reduce?: boolean | null,
  reduction?: Reduction,
  posWeight?: Tensor | null | Pick<BCEWithLogitsOptions, 'posWeight'>,
): Tensor;
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const a = lossArgs(op, input, target, args);
  const reduction = reductionOf(a, op);
  sameShape(input, target, op);
  const posWeight = (a.posWeight as Tensor | null | undefined) ?? null;
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu());
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
  if (a.weight) loss = loss.mul(a.weight as Tensor);
  return reduce(loss, reduction);
}

let warnedKlDivMean = false;

export interface KLDivOptions {
  /** `'mean'` (default), `'batchmean'` (the true KL divergence), `'sum'` or `'none'`. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false). */
  logTarget?: boolean;
  sizeAverage?: boolean | null;
  reduce?: boolean | null;
}

/**
 * `F.kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False)`:
 * input are log-probabilities; pointwise target·(log target - input) (0 where target = 0).
 * `'batchmean'` divides the sum by the batch size, which is the mathematically correct KL
 * divergence; `'mean'` (the default) divides by the number of elements and warns once, as PyTorch.
 */
export function klDiv(input: Tensor, target: Tensor, options?: KLDivOptions): Tensor;
export function klDiv(
  input: Tensor,
  target: Tensor,
  sizeAverage?: boolean | null,
  reduce?: boolean | null,
  reduction?: Reduction | 'batchmean',
  logTarget?: boolean | Pick<KLDivOptions, 'logTarget'>,
): Tensor;
export function klDiv(input: Tensor, target: Tensor, ...args: unknown[]): Tensor {
  const op = 'klDiv';
  const a = lossArgs(op, input, target, args);
  const r = a.reduction ?? 'mean';
  if (a.logTarget !== undefined && typeof a.logTarget !== 'boolean') throw new TypeError(`${op}: logTarget must be a boolean (got ${describeValue(a.logTarget)})`);
  sameShape(input, target, op);
  const loss = a.logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(target.log().sub(input)), tensor(0));
  if (r === 'batchmean') return loss.sum().div(input.ndim > 0 ? input.shape[0]! : 1);
  if (r === 'mean' && !warnedKlDivMean) {
    warnedKlDivMean = true;
    console.warn(
      "klDiv: reduction: 'mean' divides the total loss by both the batch size and the support size. 'batchmean' divides only by the batch size, and aligns with the KL div math definition. 'mean' will be changed to behave the same as 'batchmean' in the next major release.",
    );
  }
  return reduce(loss, reductionOf({ reduction: r }, op));
}
