/** `Conv2d` (`torch.nn.Conv2d`). */
import { conv2d, pad, type PadMode, type Tensor } from '@flint/tensor';
import { registerConvParameters, resetConvParameters } from './conv-params.js';
import { releaseFold } from './fold-batch-norm.js';
import { Module, Parameter } from '@flint/nn';
import { named, pair, py } from './repr.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface Conv2dOptions {
  /** Stride of the window (default 1). */
  stride?: number | [number, number];
  /** Zero padding on both sides (default 0), or `'valid'` / `'same'` (stride 1 only). */
  padding?: number | [number, number] | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: number | [number, number];
  /** Channel groups: input and output channels are split into `groups` independent convs (default 1). */
  groups?: number;
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** How the padding is filled (default `'zeros'`). */
  paddingMode?: PaddingMode;
}

/**
 * `torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
 * groups=1, bias=True, padding_mode='zeros')`: 2-D cross-correlation.
 *
 * Shapes: input `[N, inChannels, H, W]` (or `[inChannels, H, W]`) → `[N, outChannels, Ho, Wo]`
 * with `Ho = floor((H + 2·padding - dilation·(kh - 1) - 1) / stride) + 1`; `weight
 * [outChannels, inChannels / groups, kh, kw]`, `bias [outChannels]`. Init (`resetParameters`):
 * weight ~ kaiming-uniform with a = √5, bias ~ U(±1/√fan_in), fan_in = inChannels/groups·kh·kw.
 * https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
 */
export class Conv2d extends Module {
  static override readonly className: string = 'Conv2d';
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    options: Conv2dOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new RangeError('Conv2d: groups must be a positive integer');
    if (inChannels % groups !== 0) throw new RangeError('Conv2d: in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('Conv2d: out_channels must be divisible by groups');
    const padding = options.padding ?? 0;
    if (typeof padding === 'string' && padding !== 'same' && padding !== 'valid') {
      throw new RangeError(`Conv2d: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
    }
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new RangeError(`Conv2d: padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${paddingMode}'`);
    }
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = typeof padding === 'string' ? padding : pair(padding);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = groups;
    this.paddingMode = paddingMode;
    if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new RangeError("Conv2d: padding='same' is not supported for strided convolutions");
    }
    registerConvParameters(this, [outChannels, inChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true);
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  /** @internal The BatchNorm fold cached for inference (fold-batch-norm.ts) goes with `dispose()`. */
  override _freeCaches(): void {
    releaseFold(this);
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'conv2d', () => {
      const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
      if (this.paddingMode === 'zeros') return conv2d(input, this.weight, this.bias, { ...options, padding: this.padding });
      // Other modes pad explicitly first (PyTorch's `_reversed_padding_repeated_twice`).
      const amounts = [1, 0].flatMap((i) => this.sidePadding(i));
      return conv2d(pad(input, amounts, { mode: this.paddingMode as PadMode }), this.weight, this.bias, options);
    });
  }

  /** (before, after) padding of spatial dim `i` (0 = height). */
  private sidePadding(i: number): [number, number] {
    if (this.padding === 'valid') return [0, 0];
    if (this.padding === 'same') {
      const total = this.dilation[i]! * (this.kernelSize[i]! - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    return [this.padding[i]!, this.padding[i]!];
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}`;
    if (typeof this.padding === 'string' || this.padding.some((p) => p !== 0)) s += `, padding=${py(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${py(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
