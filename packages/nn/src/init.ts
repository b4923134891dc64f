/**
 * `init`: in-place initialisers (`torch.nn.init`). Each fills a tensor in place without recording
 * autograd history (as PyTorch's `torch.no_grad()` inside them), using Flint's seeded generator
 * (`manualSeed`), and returns the tensor.
 * https://pytorch.org/docs/stable/nn.init.html
 */
import { withGradMode, type Tensor } from '@flint/tensor';
import { bindArgs, numberArg } from './args.js';
import { checkTensor } from './functional/activation.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);

/**
 * `calculate_gain(nonlinearity, param=None)`: the recommended gain: 1 for linear / conv /
 * sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (slope defaults to
 * 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null | { param?: number | null }): number;
export function calculateGain(nonlinearity: Nonlinearity, ...args: unknown[]): number {
  const param = bindArgs('calculateGain', args, ['param']).param as number | null | undefined;
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope)) throw new TypeError(`negative_slope ${String(param)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * `_calculate_fan_in_and_fan_out(tensor)`: `[fanIn, fanOut]` of a weight `[out, in, *kernel]`:
 * fanIn = in · ∏kernel, fanOut = out · ∏kernel (a Linear weight `[out, in]` gives `[in, out]`,
 * a conv weight `[out, in/groups, kh, kw]` gives `[in/groups · kh · kw, out · kh · kw]`).
 */
export function _calculateFanInAndFanOut(tensor: Tensor): [fanIn: number, fanOut: number] {
  if (tensor.ndim < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1]! * receptive, tensor.shape[0]! * receptive];
}

function correctFan(tensor: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new Error(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** Binds `args` to `names` (positional or an options object) and reads them as numbers. */
function numbers(op: string, tensor: unknown, args: readonly unknown[], defaults: Record<string, number | undefined>): Record<string, number> {
  checkTensor(op, tensor, 'tensor');
  const a = bindArgs(op, args, Object.keys(defaults));
  const out: Record<string, number> = {};
  for (const [name, d] of Object.entries(defaults)) {
    if (d === undefined && a[name] === undefined) throw new TypeError(`${op}: missing required argument '${name}'`);
    out[name] = numberArg(op, name, a[name], d ?? 0);
  }
  return out;
}

/** `uniform_(tensor, a=0, b=1)`: U(a, b). `uniform_(t, -1, 1)` is `uniform_(t, { a: -1, b: 1 })`. */
export function uniform_<T extends Tensor>(tensor: T, options?: { a?: number; b?: number }): T;
export function uniform_<T extends Tensor>(tensor: T, a?: number, b?: number | { b?: number }): T;
export function uniform_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { a, b } = numbers('uniform_', tensor, args, { a: 0, b: 1 });
  return noGrad(() => tensor.uniform_(a!, b!));
}

/** `normal_(tensor, mean=0, std=1)`: N(mean, std²). `normal_(t, 0, 0.02)` is `normal_(t, { std: 0.02 })`. */
export function normal_<T extends Tensor>(tensor: T, options?: { mean?: number; std?: number }): T;
export function normal_<T extends Tensor>(tensor: T, mean?: number, std?: number | { std?: number }): T;
export function normal_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { mean, std } = numbers('normal_', tensor, args, { mean: 0, std: 1 });
  return noGrad(() => tensor.normal_(mean!, std!));
}

/** `constant_(tensor, val)`; `constant_(t, { val })` too. */
export function constant_<T extends Tensor>(tensor: T, val: number | { val: number }): T;
export function constant_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { val } = numbers('constant_', tensor, args, { val: undefined });
  return noGrad(() => tensor.fill_(val!));
}

/** `zeros_(tensor)`. */
export function zeros_<T extends Tensor>(tensor: T): T {
  checkTensor('zeros_', tensor, 'tensor');
  return constant_(tensor, 0);
}

/** `ones_(tensor)`. */
export function ones_<T extends Tensor>(tensor: T): T {
  checkTensor('ones_', tensor, 'tensor');
  return constant_(tensor, 1);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only with `leaky_relu`; default 0). */
  a?: number;
  /** `'fan_in'` (default) preserves the forward variance, `'fan_out'` the backward one. */
  mode?: FanMode;
  /** Default `'leaky_relu'`. */
  nonlinearity?: Nonlinearity;
}

function kaimingArgs(op: string, tensor: unknown, args: readonly unknown[]): { a: number; mode: FanMode; nonlinearity: Nonlinearity } {
  checkTensor(op, tensor, 'tensor');
  const o = bindArgs(op, args, ['a', 'mode', 'nonlinearity']);
  return {
    a: numberArg(op, 'a', o.a, 0),
    // Checked where used, with PyTorch's messages.
    mode: (o.mode ?? 'fan_in') as FanMode,
    nonlinearity: (o.nonlinearity ?? 'leaky_relu') as Nonlinearity,
  };
}

/**
 * `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: U(±bound) with
 * bound = gain · √(3 / fan) (He et al. 2015, https://arxiv.org/abs/1502.01852).
 * `kaimingUniform_(w, Math.sqrt(5))` is `kaimingUniform_(w, { a: Math.sqrt(5) })`.
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options?: KaimingOptions): T;
export function kaimingUniform_<T extends Tensor>(tensor: T, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity | Pick<KaimingOptions, 'nonlinearity'>): T;
export function kaimingUniform_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { a, mode, nonlinearity } = kaimingArgs('kaimingUniform_', tensor, args);
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, mode);
  const gain = calculateGain(nonlinearity, a);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(tensor, -bound, bound);
}

/** `kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: N(0, (gain / √fan)²). */
export function kaimingNormal_<T extends Tensor>(tensor: T, options?: KaimingOptions): T;
export function kaimingNormal_<T extends Tensor>(tensor: T, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity | Pick<KaimingOptions, 'nonlinearity'>): T;
export function kaimingNormal_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { a, mode, nonlinearity } = kaimingArgs('kaimingNormal_', tensor, args);
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, mode);
  const gain = calculateGain(nonlinearity, a);
  return normal_(tensor, 0, gain / Math.sqrt(fan));
}

/**
 * `xavier_uniform_(tensor, gain=1)`: U(±a) with a = gain · √(6 / (fanIn + fanOut)) (Glorot &
 * Bengio 2010). `xavierUniform_(w, 2)` is `xavierUniform_(w, { gain: 2 })`.
 */
export function xavierUniform_<T extends Tensor>(tensor: T, gain?: number | { gain?: number }): T;
export function xavierUniform_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { gain } = numbers('xavierUniform_', tensor, args, { gain: 1 });
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain! * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(tensor, -a, a);
}

/** `xavier_normal_(tensor, gain=1)`: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_<T extends Tensor>(tensor: T, gain?: number | { gain?: number }): T;
export function xavierNormal_<T extends Tensor>(tensor: T, ...args: unknown[]): T {
  const { gain } = numbers('xavierNormal_', tensor, args, { gain: 1 });
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain! * Math.sqrt(2 / (fanIn + fanOut)));
}
