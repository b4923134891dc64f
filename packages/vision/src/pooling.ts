/** `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d` (`torch.nn.MaxPool2d`, …). */
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions, type Size2, type Tensor } from '@flint/tensor';
import { Module } from '@flint/nn';
import { named, py } from './repr.js';

export type { MaxPool2dOptions, AvgPool2dOptions };

/**
 * `torch.nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False)`: the
 * maximum over each window; `[N, C, H, W]` → `[N, C, Ho, Wo]`,
 * `Ho = floor((H + 2·padding - dilation·(k - 1) - 1) / stride) + 1`.
 * https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html
 */
export class MaxPool2d extends Module {
  static override readonly className: string = 'MaxPool2d';
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: Size2,
    options: MaxPool2dOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'max_pool2d', () => maxPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode }));
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, dilation=${py(this.dilation)}, ceil_mode=${py(this.ceilMode)}`;
  }
}

/**
 * `torch.nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False,
 * count_include_pad=True, divisor_override=None)`: the mean over each window.
 * https://pytorch.org/docs/stable/generated/torch.nn.AvgPool2d.html
 */
export class AvgPool2d extends Module {
  static override readonly className: string = 'AvgPool2d';
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(
    readonly kernelSize: Size2,
    options: AvgPool2dOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'avg_pool2d', () => avgPool2d(input, this.kernelSize, {
        stride: this.stride,
        padding: this.padding,
        ceilMode: this.ceilMode,
        countIncludePad: this.countIncludePad,
        divisorOverride: this.divisorOverride,
      }));
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/**
 * `torch.nn.AdaptiveAvgPool2d(output_size)`: averages over bins
 * `[floor(i·H/out), ceil((i+1)·H/out))`, for any output size (`null` keeps the input size).
 * https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool2d.html
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly className: string = 'AdaptiveAvgPool2d';
  constructor(readonly outputSize: number | null | [number | null, number | null]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'adaptive_avg_pool2d', () => adaptiveAvgPool2d(input, this.outputSize));
  }

  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}
