/**
 * @flint/vision: convolutional layers, normalisation, pooling and ResNets (`torch.nn` conv layers
 * and `torchvision.models.resnet`), plus datasets and transforms. Layout at the API is PyTorch's:
 * images `[N, C, H, W]`, conv weights `[out, in/groups, kh, kw]`.
 */
// Registers the autograd engine, so `loss.backward()` works for anyone importing this package.
import '@flint/autograd';

export { Conv2d, type Conv2dOptions, type PaddingMode } from './conv2d.js';
export { _BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batch-norm.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pooling.js';
export { ResidualBlock, conv3x3, conv1x1, type BlockOptions } from './residual-block.js';
export { Bottleneck } from './bottleneck.js';
export { ResNet, resnet18, resnet34, resnet50, type Block, type ResNetOptions, type ResNetVariantOptions } from './resnet.js';
export * as F from './functional.js';
export * as functional from './functional.js';
export * as datasets from './datasets/index.js';
export * as transforms from './transforms.js';
export { Conv1d, type Conv1dOptions, type Size1 } from './conv1d.js';
export { MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, type MaxPool1dOptions, type AvgPool1dOptions } from './pooling1d.js';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './conv-transpose2d.js';
export { Upsample, type InterpolateOptions, type InterpolateMode } from './interpolate.js';
export { AdaptiveMaxPool2d, type AdaptiveSize2 } from './adaptive-max-pool.js';
export { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
