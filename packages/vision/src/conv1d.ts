/** `Conv1d` and `F.conv1d` (`torch.nn.Conv1d`, `torch.nn.functional.conv1d`). */
import { conv2d, pad, shapeStr, type PadMode, type Tensor } from '@flint/tensor';
import { registerConvParameters, resetConvParameters } from './conv-params.js';
import { Module, Parameter } from '@flint/nn';
import type { PaddingMode } from './conv2d.js';
import { named, py } from './repr.js';

/** A 1-d size: a number or PyTorch's one-element tuple `[n]`. */
export type Size1 = number | readonly [number];

export interface Conv1dFunctionalOptions {
  /** Stride of the window (default 1). */
  stride?: Size1;
  /** Zero padding on both sides (default 0), or `'valid'` / `'same'` (stride 1 only). */
  padding?: Size1 | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: Size1;
  /** Channel groups (default 1). */
  groups?: number;
}

export interface Conv1dOptions extends Conv1dFunctionalOptions {
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** How the padding is filled (default `'zeros'`). */
  paddingMode?: PaddingMode;
}

/** `3` or `[3]` → `3`, checked to be an integer ≥ `min` (PyTorch's `_single`). */
export function single(v: Size1, name: string, op: string, min = 1): number {
  const n = typeof v === 'number' ? v : Array.isArray(v) && v.length === 1 ? v[0] : Number.NaN;
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${op}: ${name} must be ${min === 1 ? 'a positive' : 'a non-negative'} integer or a one-element array (got ${JSON.stringify(v)})`);
  }
  return n;
}

/**
 * `torch.nn.functional.conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1,
 * groups=1)`: 1-d cross-correlation of `input [N, C, L]` (or `[C, L]`) with `weight
 * [O, C/groups, k]`, plus `bias [O]`; output `[N, O, Lo]`,
 * `Lo = floor((L + 2·padding - dilation·(k - 1) - 1) / stride) + 1`. Runs as `conv2d` on
 * `[N, C, 1, L]`, so the gradients are conv2d's.
 * https://pytorch.org/docs/stable/generated/torch.nn.functional.conv1d.html
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dFunctionalOptions = {}): Tensor {
  const op = 'conv1d';
  if (input.ndim === 2) return conv1d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (input.ndim !== 3) throw new RangeError(`${op}: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`${op}: expected a 3-D weight [out_channels, in_channels/groups, kW] (got ${shapeStr(weight.shape)})`);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: non-positive groups is not supported (got ${groups})`);
  const [o, cg, k] = weight.shape as [number, number, number];
  if (o % groups !== 0) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  if (input.shape[1] !== cg * groups) {
    throw new RangeError(
      `${op}: Given groups=${groups}, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(input.shape)} to have ${cg * groups} channels, but got ${input.shape[1]} channels instead`,
    );
  }
  const stride = single(options.stride ?? 1, 'stride', op);
  const dilation = single(options.dilation ?? 1, 'dilation', op);
  const padding = options.padding ?? 0;
  let p: [number, number];
  if (padding === 'valid') p = [0, 0];
  else if (padding === 'same') {
    if (stride !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    const total = dilation * (k - 1);
    p = [Math.floor(total / 2), total - Math.floor(total / 2)];
  } else if (typeof padding === 'string') {
    throw new RangeError(`${op}: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
  } else {
    const n = single(padding, 'padding', op, 0);
    p = [n, n];
  }
  const padded = input.shape[2]! + p[0] + p[1];
  const extent = dilation * (k - 1) + 1;
  if (padded < extent) {
    throw new RangeError(`${op}: Calculated padded input size per channel: (${padded}). Kernel size: (${extent}). Kernel size can't be greater than actual input size`);
  }
  return conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, { stride: [1, stride], padding: [[0, 0], p], dilation: [1, dilation], groups }).squeeze(2);
}

/**
 * `torch.nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
 * groups=1, bias=True, padding_mode='zeros')`: 1-d cross-correlation.
 *
 * Shapes: input `[N, inChannels, L]` (or `[inChannels, L]`) → `[N, outChannels, Lo]`; `weight
 * [outChannels, inChannels / groups, k]`, `bias [outChannels]`. Init (`resetParameters`) as
 * PyTorch's: weight ~ kaiming-uniform with a = √5, bias ~ U(±1/√fan_in), fan_in = inChannels/groups·k.
 * https://pytorch.org/docs/stable/generated/torch.nn.Conv1d.html
 */
export class Conv1d extends Module {
  static override readonly className: string = 'Conv1d';
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number] | 'same' | 'valid';
  readonly dilation: [number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size1,
    options: Conv1dOptions = {},
  ) {
    super();
    const op = 'Conv1d';
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new RangeError(`${op}: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new RangeError(`${op}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new RangeError(`${op}: out_channels must be divisible by groups`);
    const padding = options.padding ?? 0;
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new RangeError(`${op}: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
    }
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new RangeError(`${op}: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${paddingMode}'`);
    }
    this.kernelSize = [single(kernelSize, 'kernel_size', op)];
    this.stride = [single(options.stride ?? 1, 'stride', op)];
    this.padding = typeof padding === 'string' ? padding : [single(padding, 'padding', op, 0)];
    this.dilation = [single(options.dilation ?? 1, 'dilation', op)];
    this.groups = groups;
    this.paddingMode = paddingMode;
    if (padding === 'same' && this.stride[0] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions`);
    registerConvParameters(this, [outChannels, inChannels / groups, this.kernelSize[0]], outChannels, options.bias ?? true);
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'conv1d', () => {
      const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
      if (this.paddingMode === 'zeros') return conv1d(input, this.weight, this.bias, { ...options, padding: this.padding });
      if (input.ndim !== 2 && input.ndim !== 3) {
        throw new RangeError(`conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ${shapeStr(input.shape)}`);
      }
      // Other modes pad explicitly first (PyTorch's `_reversed_padding_repeated_twice`).
      let amounts: [number, number];
      if (this.padding === 'valid') amounts = [0, 0];
      else if (this.padding === 'same') {
        const total = this.dilation[0] * (this.kernelSize[0] - 1);
        amounts = [Math.floor(total / 2), total - Math.floor(total / 2)];
      } else amounts = [this.padding[0], this.padding[0]];
      return conv1d(pad(input, amounts, { mode: this.paddingMode as PadMode }), this.weight, this.bias, options);
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}`;
    if (typeof this.padding === 'string' || this.padding[0] !== 0) s += `, padding=${py(this.padding)}`;
    if (this.dilation[0] !== 1) s += `, dilation=${py(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
