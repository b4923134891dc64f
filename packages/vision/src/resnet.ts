/**
 * ResNets as torchvision's `resnet.py` builds them (He et al. 2015,
 * https://arxiv.org/abs/1512.03385), with identical state-dict keys and shapes, so a torchvision
 * checkpoint saved as safetensors loads with `loadStateDict`. The blocks and `conv3x3`/`conv1x1`
 * are in residual-block.ts and bottleneck.ts.
 */
import { scope, type Tensor } from '@flint/tensor';
import { isGradEnabled } from '@flint/autograd';
import { Linear, Module, ReLU, Sequential, init } from '@flint/nn';
import { _BatchNorm, BatchNorm2d } from './batch-norm.js';
import { Bottleneck } from './bottleneck.js';
import { forwardChain, supportsChannelsLast } from './channels-last.js';
import { Conv2d } from './conv2d.js';
import { AdaptiveAvgPool2d, MaxPool2d } from './pooling.js';
import { ResidualBlock, conv1x1, type BlockOptions } from './residual-block.js';

/** A residual block class: `ResidualBlock` (expansion 1) or `Bottleneck` (expansion 4). */
export type Block = (new (inplanes: number, planes: number, options?: BlockOptions) => Module) & { readonly expansion: number };

export interface ResNetOptions {
  /** Size of the final Linear layer (default 1000). */
  numClasses?: number;
  /** Start each block's last BatchNorm at weight 0, so blocks start as identities (default false). */
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  /** Replace the stride of layer2..4 with dilation (3 flags). */
  replaceStrideWithDilation?: [boolean, boolean, boolean];
}

/**
 * torchvision's `ResNet(block, layers, num_classes=1000, zero_init_residual=False, groups=1,
 * width_per_group=64)`: `conv1` 7×7/2 → `bn1` → relu → `maxpool` 3×3/2 → `layer1..4` →
 * `avgpool` (1×1) → flatten → `fc`. Input `[N, 3, H, W]` → logits `[N, numClasses]`.
 * Init: convs kaiming-normal (fan_out, relu), BatchNorm weight 1 / bias 0, Linear its default.
 */
export class ResNet extends Module {
  static override readonly className: string = 'ResNet';
  declare conv1: Conv2d;
  declare bn1: BatchNorm2d;
  declare relu: ReLU;
  declare maxpool: MaxPool2d;
  declare layer1: Sequential;
  declare layer2: Sequential;
  declare layer3: Sequential;
  declare layer4: Sequential;
  declare avgpool: AdaptiveAvgPool2d;
  declare fc: Linear;
  private inplanes = 64;
  private dilation = 1;
  private readonly groups: number;
  private readonly baseWidth: number;

  constructor(block: Block, layers: readonly [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const { numClasses = 1000, zeroInitResidual = false, groups = 1, widthPerGroup = 64 } = options;
    const dilate = options.replaceStrideWithDilation ?? [false, false, false];
    if (dilate.length !== 3) throw new RangeError(`ResNet: replace_stride_with_dilation should be None or a 3-element tuple, got ${JSON.stringify(dilate)}`);
    this.groups = groups;
    this.baseWidth = widthPerGroup;
    this.conv1 = new Conv2d(3, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(this.inplanes);
    this.relu = new ReLU();
    this.maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(block, 64, layers[0]);
    this.layer2 = this.makeLayer(block, 128, layers[1], 2, dilate[0]);
    this.layer3 = this.makeLayer(block, 256, layers[2], 2, dilate[1]);
    this.layer4 = this.makeLayer(block, 512, layers[3], 2, dilate[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, numClasses);

    for (const m of this.modules()) {
      if (m instanceof Conv2d) init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof _BatchNorm) {
        if (m.weight) init.constant_(m.weight, 1);
        if (m.bias) init.constant_(m.bias, 0);
      }
    }
    // Zero-initialise the last BN in each residual branch, so each block starts as an identity
    // (https://arxiv.org/abs/1706.02677).
    if (zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) init.constant_(m.bn3.weight, 0);
        else if (m instanceof ResidualBlock && m.bn2.weight) init.constant_(m.bn2.weight, 0);
      }
    }
  }

  /** The modules before the pooling, in order. */
  private trunk(): Module[] {
    return [this.conv1, this.bn1, this.relu, this.maxpool, this.layer1, this.layer2, this.layer3, this.layer4];
  }

  private channelsLastReady(): boolean {
    const pooled = this.avgpool.constructor === AdaptiveAvgPool2d && [this.avgpool.outputSize].flat().every((s) => s === 1);
    return pooled && this.avgpool._forwardHooks.size === 0 && this.avgpool._forwardPreHooks.size === 0 && this.trunk().every(supportsChannelsLast);
  }

  /** `_make_layer`: `blocks` blocks of width `planes`, the first strided (or dilated) with a shortcut if needed. */
  private makeLayer(block: Block, planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    let downsample: Module | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), new BatchNorm2d(planes * block.expansion));
    }
    const common = { groups: this.groups, baseWidth: this.baseWidth };
    const layers = [new block(this.inplanes, planes, { stride, downsample, ...common, dilation: previousDilation })];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes, { ...common, dilation: this.dilation, downsample: null }));
    return new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    if (!this.training && !isGradEnabled() && x.ndim === 4 && this.channelsLastReady()) {
      // Inference: the whole trunk in channels-last layout (channels-last.ts), then a global mean.
      // No hook can see the trunk's intermediates, so, as in any composite op, they are freed at once.
      const pooled = scope(() => {
        return forwardChain(this.trunk(), x.permute(0, 2, 3, 1)).mean([1, 2]);
      });
      return this.fc(pooled);
    }
    x = this.maxpool(this.relu(this.bn1(this.conv1(x))));
    x = this.layer4(this.layer3(this.layer2(this.layer1(x))));
    return this.fc(this.avgpool(x).flatten(1));
  }
}

export interface ResNetVariantOptions extends Omit<ResNetOptions, 'groups' | 'widthPerGroup'> {}

/** The variants, as data: block type and blocks per stage. */
const variants = {
  resnet18: [ResidualBlock, [2, 2, 2, 2]],
  resnet34: [ResidualBlock, [3, 4, 6, 3]],
  resnet50: [Bottleneck, [3, 4, 6, 3]],
} as const satisfies Record<string, readonly [Block, readonly [number, number, number, number]]>;

/** `torchvision.models.resnet18(num_classes=…)` (untrained weights). */
export const resnet18 = (options: ResNetVariantOptions = {}): ResNet => new ResNet(variants.resnet18[0], variants.resnet18[1], options);
/** `torchvision.models.resnet34(num_classes=…)`. */
export const resnet34 = (options: ResNetVariantOptions = {}): ResNet => new ResNet(variants.resnet34[0], variants.resnet34[1], options);
/** `torchvision.models.resnet50(num_classes=…)`. */
export const resnet50 = (options: ResNetVariantOptions = {}): ResNet => new ResNet(variants.resnet50[0], variants.resnet50[1], options);
