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
