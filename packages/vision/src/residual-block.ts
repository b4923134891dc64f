/** `ResidualBlock`: torchvision's `BasicBlock` (two 3×3 convs with a skip connection). */
import type { Tensor } from '@flint/tensor';
import { Module, ReLU, Sequential } from '@flint/nn';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';

/** `conv3x3` of torchvision's resnet.py: 3×3, padding = dilation, no bias. */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

/** `conv1x1` of torchvision's resnet.py: 1×1, no bias. */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

export interface BlockOptions {
  /** Stride of the first 3×3 conv (and of the shortcut) (default 1). */
  stride?: number;
  /**
   * The shortcut. By default (`undefined`) a `Sequential(conv1x1(in, out·expansion, stride),
   * BatchNorm2d)` when the stride or the width changes, else the identity; `null` forces the
   * identity; a module is used as given (as torchvision's `downsample`).
   */
  downsample?: Module | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
}

/** The default shortcut of a block: a strided 1×1 conv + BatchNorm2d when the shape changes. */
export function defaultDownsample(inPlanes: number, outPlanes: number, stride: number, given: Module | null | undefined): Module | null {
  if (given !== undefined) return given;
  return stride !== 1 || inPlanes !== outPlanes ? new Sequential(conv1x1(inPlanes, outPlanes, stride), new BatchNorm2d(outPlanes)) : null;
}

/**
 * torchvision's `BasicBlock(inplanes, planes, stride=1, downsample=None)` (He et al. 2015,
 * https://arxiv.org/abs/1512.03385): `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`,
 * with conv1 3×3 strided, conv2 3×3, no conv biases. State-dict keys: `conv1 bn1 conv2 bn2` and,
 * when present, `downsample.0` (1×1 conv) and `downsample.1` (BatchNorm2d).
 * Shapes: `[N, inChannels, H, W]` → `[N, outChannels, H/stride, W/stride]`.
 */
export class ResidualBlock extends Module {
  static override readonly className: string = 'ResidualBlock';
  static readonly expansion = 1;
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare relu: ReLU;
  declare conv2: Conv2d;
  declare bn2: BatchNorm2d;
  declare downsample: Module | null;
  readonly stride: number;

  constructor(inChannels: number, outChannels: number, options: BlockOptions = {}) {
    super();
    const { stride = 1, groups = 1, baseWidth = 64, dilation = 1 } = options;
    if (groups !== 1 || baseWidth !== 64) throw new RangeError('ResidualBlock: BasicBlock only supports groups=1 and base_width=64');
    if (dilation > 1) throw new RangeError('ResidualBlock: Dilation > 1 not supported in BasicBlock');
    this.conv1 = conv3x3(inChannels, outChannels, stride);
    this.bn1 = new BatchNorm2d(outChannels);
    this.relu = new ReLU();
    this.conv2 = conv3x3(outChannels, outChannels);
    this.bn2 = new BatchNorm2d(outChannels);
    this.registerModule('downsample', defaultDownsample(inChannels, outChannels, stride, options.downsample));
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample ? this.downsample(x) : x;
    const out = this.bn2(this.conv2(this.relu(this.bn1(this.conv1(x)))));
    return this.relu(out.add(identity));
  }
}
