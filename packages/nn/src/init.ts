/**
 * `init`: in-place initialisers (`torch.nn.init`). Each fills a tensor in place without recording
 * autograd history (as PyTorch's `torch.no_grad()` inside them), using Flint's seeded generator
 * (`manualSeed`), and returns the tensor.
 * https://pytorch.org/docs/stable/nn.init.html
 */
import { withGradMode, type Tensor } from '@flint/tensor';

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
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
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

/** `uniform_(tensor, a=0, b=1)`: U(a, b). */
export function uniform_<T extends Tensor>(tensor: T, a = 0, b = 1): T {
  return noGrad(() => tensor.uniform_(a, b));
}

/** `normal_(tensor, mean=0, std=1)`: N(mean, std²). */
export function normal_<T extends Tensor>(tensor: T, mean = 0, std = 1): T {
  return noGrad(() => tensor.normal_(mean, std));
}

/** `constant_(tensor, val)`. */
export function constant_<T extends Tensor>(tensor: T, val: number): T {
  return noGrad(() => tensor.fill_(val));
}

/** `zeros_(tensor)`. */
export function zeros_<T extends Tensor>(tensor: T): T {
  return constant_(tensor, 0);
}

/** `ones_(tensor)`. */
export function ones_<T extends Tensor>(tensor: T): T {
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

/**
 * `kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: U(±bound) with
 * bound = gain · √(3 / fan) (He et al. 2015, https://arxiv.org/abs/1502.01852).
 */
export function kaimingUniform_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(tensor, -bound, bound);
}

/** `kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')`: N(0, (gain / √fan)²). */
export function kaimingNormal_<T extends Tensor>(tensor: T, options: KaimingOptions = {}): T {
  if (tensor.numel() === 0) return tensor;
  const fan = correctFan(tensor, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(tensor, 0, gain / Math.sqrt(fan));
}

/**
 * `xavier_uniform_(tensor, gain=1)`: U(±a) with a = gain · √(6 / (fanIn + fanOut)) (Glorot &
 * Bengio 2010).
 */
export function xavierUniform_<T extends Tensor>(tensor: T, gain = 1): T {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform_(tensor, -a, a);
}

/** `xavier_normal_(tensor, gain=1)`: N(0, std²) with std = gain · √(2 / (fanIn + fanOut)). */
export function xavierNormal_<T extends Tensor>(tensor: T, gain = 1): T {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}
