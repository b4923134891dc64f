/**
 * The three models of the example, each mirrored in PyTorch by scripts/check_torch_load.py (same
 * layers, same state-dict keys).
 */
import type { Tensor } from '@flint/tensor';
import { Flatten, Linear, Module, ReLU, Sequential } from '@flint/nn';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, ResidualBlock } from '@flint/vision';
import type { ModelName } from './args.js';

/** 784-512-256-10 with ReLU. Keys `1.weight` … `5.bias`. */
export function mlp(): Sequential {
  return new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
}

/** conv3x3 → BatchNorm2d → ReLU. */
function convBnRelu(inChannels: number, outChannels: number): Sequential {
  return new Sequential(new Conv2d(inChannels, outChannels, 3, { padding: 1, bias: false }), new BatchNorm2d(outChannels), new ReLU());
}

/**
 * A small CNN: conv-bn-relu (1→16, 28×28) → avg-pool (14×14) → residual block (16) → conv-bn-relu
 * (16→32) → avg-pool (7×7) → flatten → linear (1568→10). Average pooling, because max-pooling's
 * backward is currently ~4× slower than the rest of a training step on WASM.
 */
export function cnn(): Sequential {
  return new Sequential(
    convBnRelu(1, 16),
    new AvgPool2d(2),
    new ResidualBlock(16, 16),
    convBnRelu(16, 32),
    new AvgPool2d(2),
    new Flatten(),
    new Linear(32 * 7 * 7, 10),
  );
}

/**
 * A small ResNet for 28×28 digits, after He et al.'s CIFAR ResNets
 * (https://arxiv.org/abs/1512.03385, §4.2): a 3×3 stem (1→16), three stages of torchvision
 * `BasicBlock`s (16 at 28×28, 32 at 14×14, 64 at 7×7; the first block of a stage strides),
 * global average pooling and a linear classifier.
 */
export class SmallResNet extends Module {
  conv1 = new Conv2d(1, 16, 3, { padding: 1, bias: false });
  bn1 = new BatchNorm2d(16);
  relu = new ReLU();
  layer1 = new Sequential(new ResidualBlock(16, 16));
  layer2 = new Sequential(new ResidualBlock(16, 32, { stride: 2 }));
  layer3 = new Sequential(new ResidualBlock(32, 64, { stride: 2 }));
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc = new Linear(64, 10);

  override forward(x: Tensor): Tensor {
    x = this.relu(this.bn1(this.conv1(x)));
    x = this.layer3(this.layer2(this.layer1(x)));
    return this.fc(this.avgpool(x).flatten(1));
  }
}

export function buildModel(name: ModelName): Module {
  switch (name) {
    case 'mlp':
      return mlp();
    case 'cnn':
      return cnn();
    case 'resnet':
      return new SmallResNet();
  }
}
