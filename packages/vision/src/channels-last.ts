/**
 * ResNet inference in channels-last layout: activations `[N, H, W, C]` (PyTorch's
 * `memory_format=torch.channels_last`). The WASM convolution and pooling kernels work in that
 * layout, so keeping activations in it through the whole network saves two transposes per
 * convolution. `ResNet.forward` takes this path in eval mode under `noGrad` when every submodule is
 * one of the layers below (not a subclass) and none has hooks; it computes the same function as the
 * NCHW path (checked by resnet.test.ts).
 */
import { conv2d, maxPool2d, type Tensor } from '@flint/tensor';
import { Module, ReLU, Sequential } from '@flint/nn';
import { BatchNorm2d } from './batch-norm.js';
import { Bottleneck } from './bottleneck.js';
import { Conv2d } from './conv2d.js';
import { MaxPool2d } from './pooling.js';
import { ResidualBlock } from './residual-block.js';
import { foldedConvBatchNorm } from './fold-batch-norm.js';

/** Whether `m` and everything under it can run channels-last as it is configured now. */
export function supportsChannelsLast(m: Module): boolean {
  if (m._forwardHooks.size > 0 || m._forwardPreHooks.size > 0) return false;
  const kind: unknown = m.constructor;
  const ok =
    (kind === Conv2d && (m as Conv2d).paddingMode === 'zeros') ||
    (kind === BatchNorm2d && (m as BatchNorm2d).running_mean !== null && (m as BatchNorm2d).running_var !== null) ||
    (kind === MaxPool2d && [(m as MaxPool2d).dilation].flat().every((d) => d === 1)) ||
    [ReLU, Sequential, ResidualBlock, Bottleneck].includes(kind as typeof ReLU);
  return ok && m.children().every(supportsChannelsLast);
}

/**
 * Runs a module that `supportsChannelsLast` on `[N, H, W, C]` input, without autograd. A Conv2d
 * followed by a BatchNorm2d (and a ReLU) runs as one convolution with the normalisation folded
 * into its filter and bias (fold-batch-norm.ts) and the ReLU fused.
 */
export function forwardChannelsLast(m: Module, h: Tensor): Tensor {
  if (m instanceof Sequential) return forwardChain(m.children(), h);
  if (m instanceof ResidualBlock) {
    const identity = m.downsample ? forwardChannelsLast(m.downsample, h) : h;
    return forwardChain([m.conv1, m.bn1, m.relu, m.conv2, m.bn2], h).add(identity).relu();
  }
  if (m instanceof Bottleneck) {
    const identity = m.downsample ? forwardChannelsLast(m.downsample, h) : h;
    return forwardChain([m.conv1, m.bn1, m.relu, m.conv2, m.bn2, m.relu, m.conv3, m.bn3], h).add(identity).relu();
  }
  if (m instanceof Conv2d) return conv2d(h, m.weight, m.bias, { ...convOptions(m), channelsLast: true });
  if (m instanceof BatchNorm2d) return batchNormEval(m, h);
  if (m instanceof ReLU) return h.relu();
  if (m instanceof MaxPool2d) {
    return maxPool2d(h, m.kernelSize, { stride: m.stride, padding: m.padding, ceilMode: m.ceilMode, channelsLast: true });
  }
  throw new TypeError(`forwardChannelsLast: ${m._getName()} has no channels-last path`);
}

/** `modules` one after the other on `[N, H, W, C]` input, each Conv2d → BatchNorm2d (→ ReLU) as one fused convolution. */
export function forwardChain(modules: readonly Module[], h: Tensor): Tensor {
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i]!;
    const bn = modules[i + 1];
    if (m instanceof Conv2d && bn instanceof BatchNorm2d) {
      const relu = modules[i + 2] instanceof ReLU;
      const folded = foldedConvBatchNorm(m, bn);
      h = conv2d(h, folded.weight, folded.bias, { ...convOptions(m), channelsLast: true, relu });
      i += relu ? 2 : 1;
    } else {
      h = forwardChannelsLast(m, h);
    }
  }
  return h;
}

const convOptions = (m: Conv2d) => ({ stride: m.stride, padding: m.padding, dilation: m.dilation, groups: m.groups });

/** Eval-mode BatchNorm on the last axis: x·scale + shift, scale = γ/√(running_var + ε), shift = β - running_mean·scale. */
function batchNormEval(m: BatchNorm2d, h: Tensor): Tensor {
  let scale = m.running_var!.add(m.eps).rsqrt();
  if (m.weight) scale = scale.mul(m.weight);
  let shift = m.running_mean!.mul(scale).neg();
  if (m.bias) shift = shift.add(m.bias);
  return h.mul(scale).add(shift);
}
