/** `Bottleneck`: torchvision's ResNet-50/101/152 block (1×1 → 3×3 → 1×1, expansion 4). */
import type { Tensor } from '@flint/tensor';
import { Module, ReLU } from '@flint/nn';
import { BatchNorm2d } from './batch-norm.js';
import type { Conv2d } from './conv2d.js';
import { conv1x1, conv3x3, defaultDownsample, type BlockOptions } from './residual-block.js';

/**
 * torchvision's `Bottleneck(inplanes, planes, stride=1, downsample=None, groups=1, base_width=64,
 * dilation=1)` (ResNet v1.5: the stride sits on the 3×3 conv): with
 * `width = floor(planes·baseWidth/64)·groups`, `conv1` 1×1 in→width, `conv2` 3×3 width→width
 * (strided, grouped), `conv3` 1×1 width→planes·4, a BatchNorm2d after each, ReLUs, and the
 * shortcut added before the last ReLU. Output `[N, planes·4, H/stride, W/stride]`.
 */
export class Bottleneck extends Module {
  static override readonly className: string = 'Bottleneck';
  static readonly expansion = 4;
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare conv2: Conv2d;
  declare bn2: BatchNorm2d;
  declare conv3: Conv2d;
  declare bn3: BatchNorm2d;
  declare relu: ReLU;
  declare downsample: Module | null;
  readonly stride: number;

  constructor(inplanes: number, planes: number, options: BlockOptions = {}) {
    super();
    const { stride = 1, groups = 1, baseWidth = 64, dilation = 1 } = options;
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new ReLU();
    this.registerModule('downsample', defaultDownsample(inplanes, planes * Bottleneck.expansion, stride, options.downsample));
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample ? this.downsample(x) : x;
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.relu(this.bn2(this.conv2(out)));
    out = this.bn3(this.conv3(out));
    return this.relu(out.add(identity));
  }
}
