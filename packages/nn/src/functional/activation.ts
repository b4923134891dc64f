/**
 * Activation functions of `F` (`torch.nn.functional.relu`, …), on Flint's tensor ops.
 *
 * Each takes PyTorch's arguments positionally or as a trailing options object:
 * `F.leakyRelu(x, 0.2)` is `F.leakyRelu(x, { negativeSlope: 0.2 })`. `inplace` is accepted for
 * ported code; Flint computes out of place and returns the result (the input is left as it is).
 */
import * as ops from '@flint/tensor';
import { Tensor } from '@flint/tensor';
import { bindArgs, boolArg, choiceArg, describeValue, intArg, numberArg } from '../args.js';
import { shapeStr } from '../repr.js';

/** @internal Throws `op: input must be a Tensor (got …)`. */
export function checkTensor(op: string, value: unknown, name = 'input'): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor (got ${describeValue(value)})`);
}

export interface InplaceOptions {
  /** Accepted for ported code; Flint computes out of place (default false). */
  inplace?: boolean;
}

function inplaceOnly(op: string, args: unknown[]): void {
  const a = bindArgs(op, args, ['inplace']);
  boolArg(op, 'inplace', a.inplace, false);
}

/** `F.relu(input, inplace=False)`: max(x, 0). */
export function relu(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function relu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('relu', input);
  inplaceOnly('relu', args);
  return ops.relu(input);
}

/** `F.sigmoid(input)`: 1 / (1 + exp(-x)). */
export function sigmoid(input: Tensor): Tensor {
  checkTensor('sigmoid', input);
  return ops.sigmoid(input);
}

/** `F.tanh(input)`. */
export function tanh(input: Tensor): Tensor {
  checkTensor('tanh', input);
  return ops.tanh(input);
}

/** `F.silu(input, inplace=False)`: x · σ(x). */
export function silu(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function silu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('silu', input);
  inplaceOnly('silu', args);
  return ops.silu(input);
}

export interface SoftplusOptions {
  /** Default 1. */
  beta?: number;
  /** Above this value of beta·x the function is linear (x), for stability (default 20). */
  threshold?: number;
}

/** @internal Resolves `(beta, threshold)` from PyTorch's positional or an options object. */
export function softplusArgs(op: string, args: readonly unknown[]): { beta: number; threshold: number } {
  const a = bindArgs(op, args, ['beta', 'threshold']);
  return { beta: numberArg(op, 'beta', a.beta, 1), threshold: numberArg(op, 'threshold', a.threshold, 20) };
}

/**
 * `F.softplus(input, beta=1, threshold=20)`: 1/beta · log(1 + exp(beta·x)), and x itself where
 * beta·x > threshold, as PyTorch. Gradient: σ(beta·x), 1 in the linear part.
 */
export function softplus(input: Tensor, options?: SoftplusOptions): Tensor;
export function softplus(input: Tensor, beta?: number, threshold?: number | Pick<SoftplusOptions, 'threshold'>): Tensor;
export function softplus(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('softplus', input);
  const { beta, threshold } = softplusArgs('softplus', args);
  return softplusOf(input, beta, threshold);
}

/** @internal */
export function softplusOf(input: Tensor, beta: number, threshold: number): Tensor {
  const x = input.dtype === 'float32' ? input : input.to('float32');
  const bx = beta === 1 ? x : x.mul(beta);
  const soft = beta === 1 ? ops.softplus(bx) : ops.softplus(bx).div(beta);
  return x.where(bx.gt(threshold), soft);
}

export interface EluOptions extends InplaceOptions {
  /** Default 1. */
  alpha?: number;
}

/** @internal */
export function eluArgs(op: string, args: readonly unknown[]): { alpha: number; inplace: boolean } {
  const a = bindArgs(op, args, ['alpha', 'inplace']);
  return { alpha: numberArg(op, 'alpha', a.alpha, 1), inplace: boolArg(op, 'inplace', a.inplace, false) };
}

/** `F.elu(input, alpha=1.0, inplace=False)`: x if x > 0 else alpha · (exp(x) - 1). */
export function elu(input: Tensor, options?: EluOptions): Tensor;
export function elu(input: Tensor, alpha?: number, inplace?: boolean | InplaceOptions): Tensor;
export function elu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('elu', input);
  return ops.elu(input, eluArgs('elu', args).alpha);
}

export type GeluApproximate = 'none' | 'tanh';

export interface GeluOptions {
  /** `'none'` (default, exact erf) or `'tanh'`. */
  approximate?: GeluApproximate;
}

/** @internal */
export function geluArgs(op: string, args: readonly unknown[]): GeluApproximate {
  const a = bindArgs(op, args, ['approximate']);
  const approximate = a.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`${op}: approximate argument must be either none or tanh (got ${describeValue(approximate)})`);
  return approximate;
}

/** `F.gelu(input, approximate='none')`: x · Φ(x), or its tanh approximation. */
export function gelu(input: Tensor, approximate?: GeluApproximate | GeluOptions): Tensor;
export function gelu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('gelu', input);
  return ops.gelu(input, geluArgs('gelu', args));
}

export interface LeakyReluOptions extends InplaceOptions {
  /** Slope for x < 0 (default 0.01). */
  negativeSlope?: number;
}

/** @internal */
export function leakyReluArgs(op: string, args: readonly unknown[]): { negativeSlope: number; inplace: boolean } {
  const a = bindArgs(op, args, ['negativeSlope', 'inplace']);
  return { negativeSlope: numberArg(op, 'negativeSlope', a.negativeSlope, 0.01), inplace: boolArg(op, 'inplace', a.inplace, false) };
}

/** `F.leaky_relu(input, negative_slope=0.01, inplace=False)`: x if x ≥ 0 else negativeSlope · x. */
export function leakyRelu(input: Tensor, options?: LeakyReluOptions): Tensor;
export function leakyRelu(input: Tensor, negativeSlope?: number, inplace?: boolean | InplaceOptions): Tensor;
export function leakyRelu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('leakyRelu', input);
  return ops.leakyRelu(input, leakyReluArgs('leakyRelu', args).negativeSlope);
}

export interface SoftmaxOptions {
  /** The dim that sums to 1. Without it, PyTorch's deprecated implicit choice (0 for 0-, 1- and 3-d input, else 1) with a warning. */
  dim?: number | null;
  /** Only `'float32'`, Flint's one float dtype. */
  dtype?: 'float32';
}

const warned = new Set<string>();

/** @internal PyTorch's `_get_softmax_dim`: the implicit dim, with its deprecation warning (once). */
export function softmaxDim(op: string, dim: number | null, ndim: number): number {
  if (dim !== null) return dim;
  const d = ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
  if (!warned.has(op)) {
    warned.add(op);
    console.warn(`${op}: Implicit dimension choice for ${op} has been deprecated. Change the call to include dim=X as an argument (chose dim=${d}).`);
  }
  return d;
}

/** @internal `dim` of the softmax family, positional or `{ dim }`, or `null`. */
export function softmaxArgs(op: string, args: readonly unknown[]): number | null {
  const a = bindArgs(op, args, ['dim'], ['dtype']);
  choiceArg(op, 'dtype', a.dtype, ['float32'], 'float32');
  return a.dim === undefined || a.dim === null ? null : intArg(op, 'dim', a.dim, 0);
}

/** `F.softmax(input, dim=None, dtype=None)`: exp(x) / Σ exp(x) along `dim`. */
export function softmax(input: Tensor, dim?: number | null | SoftmaxOptions, options?: Omit<SoftmaxOptions, 'dim'>): Tensor;
export function softmax(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('softmax', input);
  return ops.softmax(input, softmaxDim('softmax', softmaxArgs('softmax', args), input.ndim));
}

/** `F.log_softmax(input, dim=None, dtype=None)`: x - logsumexp(x) along `dim`. */
export function logSoftmax(input: Tensor, dim?: number | null | SoftmaxOptions, options?: Omit<SoftmaxOptions, 'dim'>): Tensor;
export function logSoftmax(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('logSoftmax', input);
  return ops.logSoftmax(input, softmaxDim('logSoftmax', softmaxArgs('logSoftmax', args), input.ndim));
}

/** @internal `(alpha, inplace)` of `celu`. */
export function celuArgs(op: string, args: readonly unknown[]): { alpha: number; inplace: boolean } {
  const a = eluArgs(op, args);
  if (a.alpha === 0) throw new RangeError(`${op}: ZeroDivisionError, alpha must not be 0 (celu divides by it)`);
  return a;
}

/** `F.celu(input, alpha=1.0, inplace=False)`: max(0, x) + min(0, alpha · (exp(x / alpha) - 1)). https://arxiv.org/abs/1704.07483 */
export function celu(input: Tensor, options?: EluOptions): Tensor;
export function celu(input: Tensor, alpha?: number, inplace?: boolean | InplaceOptions): Tensor;
export function celu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('celu', input);
  const { alpha } = celuArgs('celu', args);
  return alpha === 1 ? ops.elu(input, 1) : ops.elu(input.div(alpha), 1).mul(alpha);
}

/** SELU's constants (Klambauer et al., https://arxiv.org/abs/1706.02515), as PyTorch's. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** `F.selu(input, inplace=False)`: scale · (max(0, x) + min(0, alpha · (exp(x) - 1))), alpha ≈ 1.6733, scale ≈ 1.0507. */
export function selu(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function selu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('selu', input);
  inplaceOnly('selu', args);
  return ops.elu(input, SELU_ALPHA).mul(SELU_SCALE);
}

/** `F.mish(input, inplace=False)`: x · tanh(softplus(x)). https://arxiv.org/abs/1908.08681 */
export function mish(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function mish(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('mish', input);
  inplaceOnly('mish', args);
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return x.mul(ops.softplus(x).tanh());
}

export interface HardtanhOptions extends InplaceOptions {
  /** Default -1. */
  minVal?: number;
  /** Default 1. */
  maxVal?: number;
}

/** @internal `(minVal, maxVal, inplace)` of `hardtanh`. */
export function hardtanhArgs(op: string, args: readonly unknown[], names: readonly string[] = ['minVal', 'maxVal', 'inplace']): { minVal: number; maxVal: number; inplace: boolean } {
  const a = bindArgs(op, args, names);
  // `Hardtanh`'s deprecated `min_value` / `max_value` win over `min_val` / `max_val`, as PyTorch's.
  const minVal = numberArg(op, 'minVal', a.minValue ?? a.minVal, -1);
  const maxVal = numberArg(op, 'maxVal', a.maxValue ?? a.maxVal, 1);
  if (!(maxVal > minVal)) throw new RangeError(`${op}: max_val must be greater than min_val (got min_val=${minVal}, max_val=${maxVal})`);
  return { minVal, maxVal, inplace: boolArg(op, 'inplace', a.inplace, false) };
}

/** @internal minVal where x ≤ minVal, maxVal where x ≥ maxVal, else x; gradient 1 strictly inside, 0 elsewhere (PyTorch's hardtanh_backward). */
export function hardtanhOf(input: Tensor, minVal: number, maxVal: number): Tensor {
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return ops.where(x.le(minVal), minVal, ops.where(x.ge(maxVal), maxVal, x));
}

/** `F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)`: x clamped to [minVal, maxVal]. */
export function hardtanh(input: Tensor, options?: HardtanhOptions): Tensor;
export function hardtanh(input: Tensor, minVal?: number, maxVal?: number | Omit<HardtanhOptions, 'minVal'>, inplace?: boolean | InplaceOptions): Tensor;
export function hardtanh(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('hardtanh', input);
  const { minVal, maxVal } = hardtanhArgs('hardtanh', args);
  return hardtanhOf(input, minVal, maxVal);
}

/** `F.relu6(input, inplace=False)`: min(max(0, x), 6), i.e. `hardtanh(x, 0, 6)`. */
export function relu6(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function relu6(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('relu6', input);
  inplaceOnly('relu6', args);
  return hardtanhOf(input, 0, 6);
}

/**
 * `F.hardswish(input, inplace=False)`: x · relu6(x + 3) / 6 (https://arxiv.org/abs/1905.02244).
 * Gradient as PyTorch's: 0 below -3, x / 3 + 0.5 on [-3, 3], 1 above.
 */
export function hardswish(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function hardswish(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('hardswish', input);
  inplaceOnly('hardswish', args);
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return ops.where(x.lt(-3), 0, ops.where(x.le(3), x.mul(x.add(3)).div(6), x));
}

/** `F.hardsigmoid(input, inplace=False)`: relu6(x + 3) / 6; gradient 1/6 strictly inside (-3, 3), else 0. */
export function hardsigmoid(input: Tensor, inplace?: boolean | InplaceOptions): Tensor;
export function hardsigmoid(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('hardsigmoid', input);
  inplaceOnly('hardsigmoid', args);
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return ops.where(x.le(-3), 0, ops.where(x.ge(3), 1, x.add(3).div(6)));
}

/** `F.softsign(input)`: x / (1 + |x|). */
export function softsign(input: Tensor): Tensor {
  checkTensor('softsign', input);
  return input.div(input.abs().add(1));
}

/** `F.logsigmoid(input)`: log(1 / (1 + exp(-x))) = -softplus(-x), computed stably. */
export function logsigmoid(input: Tensor): Tensor {
  checkTensor('logsigmoid', input);
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return ops.softplus(x.neg()).neg();
}

/** `F.tanhshrink(input)`: x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor {
  checkTensor('tanhshrink', input);
  return input.sub(input.tanh());
}

/**
 * `F.prelu(input, weight)`: max(0, x) + weight · min(0, x), with `weight` one number (`[1]`) or
 * one per channel (`[C]`, channels on dim 1; a 0- or 1-d input has one channel).
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  const op = 'prelu';
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  if (input.ndim === 0) throw new RangeError(`${op}: Not allow zero-dim input tensor.`);
  const n = weight.numel();
  let w = weight;
  if (n === 1) w = weight.reshape([]);
  else {
    const channels = input.ndim >= 2 ? input.shape[1]! : 1;
    if (weight.ndim !== 1 || n !== channels) {
      throw new RangeError(`${op}: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels} (input ${shapeStr(input.shape)}, weight ${shapeStr(weight.shape)}).`);
    }
    w = weight.reshape([n, ...Array.from({ length: input.ndim - 2 }, () => 1)]);
  }
  return input.where(input.gt(0), input.mul(w));
}
