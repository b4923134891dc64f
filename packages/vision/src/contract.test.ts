/**
 * The public API contract (/work/shared/spec/API.md, "Vision" and the seed's residual block):
 * every name it lists for @flint/vision, imported from the package as an outside user would and
 * used once in the contract's calling style. A failure here is a breaking change.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  BatchNorm1d,
  BatchNorm2d,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  ResidualBlock,
  Bottleneck,
  ResNet,
  resnet18,
  resnet34,
  resnet50,
} from '@flint/vision';
import { Module, F } from '@flint/nn';
import { noGrad } from '@flint/autograd';
import { Tensor, loadSafetensors, randn, tensor } from '@flint/tensor';

/** The project's PyTorch reference cases (scripts/fixtures/oracle_cases.py). */
const ORACLE = new URL('../../../tests/oracle/', import.meta.url);
const keysShapes = (m: Module): Record<string, number[]> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]));

describe('contract: vision layers', () => {
  it('Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias }) with weight [out, in/groups, kh, kw]', () => {
    const conv = new Conv2d(4, 6, 3, { stride: 2, padding: 1, dilation: 1, groups: 2, bias: false });
    expect(conv.weight.shape).toEqual([6, 2, 3, 3]);
    expect(conv.bias).toBeNull();
    const x = randn([2, 4, 8, 8], { requiresGrad: true });
    const y = conv(x);
    expect(y.shape).toEqual([2, 6, 4, 4]);
    y.sum().backward();
    expect(x.grad!.shape).toEqual([2, 4, 8, 8]);
    expect(conv.weight.grad!.shape).toEqual([6, 2, 3, 3]);
    expect(String(new Conv2d(3, 8, 3))).toBe('Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))');
  });
  it('BatchNorm2d(numFeatures, { eps, momentum, affine, trackRunningStats }): batch stats in train (unbiased running var), running stats in eval', () => {
    const bn = new BatchNorm2d(2, { eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    const x = tensor([[[[1, 3]], [[2, 2]]], [[[5, 7]], [[2, 2]]]]); // [2, 2, 1, 2]
    const y = bn(x);
    expect(y.select(1, 0).mean().item()).toBeCloseTo(0, 5);
    // channel 0: values 1 3 5 7, mean 4, unbiased var 20/3
    expect(bn.runningMean!.tolist()).toEqual([expect.closeTo(0.4, 5), expect.closeTo(0.2, 5)]);
    expect((bn.runningVar!.tolist() as number[])[0]).toBeCloseTo(0.9 + 0.1 * (20 / 3), 5);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.eval();
    const z = bn(x);
    expect(z.shape).toEqual([2, 2, 1, 2]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    expect(Object.keys(new BatchNorm2d(3, { affine: false, trackRunningStats: false }).stateDict())).toEqual([]);
    const bn1 = new BatchNorm1d(3);
    expect(bn1(randn([4, 3])).shape).toEqual([4, 3]);
    expect(bn1(randn([4, 3, 5])).shape).toEqual([4, 3, 5]);
  });
  it('MaxPool2d, AvgPool2d, AdaptiveAvgPool2d', () => {
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    expect(new MaxPool2d(2)(x).tolist()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(new MaxPool2d(3, { stride: 2, padding: 1 })(x).shape).toEqual([1, 1, 2, 2]);
    expect(new AvgPool2d(2)(x).tolist()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    expect(new AvgPool2d(2, { stride: 1 })(x).shape).toEqual([1, 1, 3, 3]);
    expect(new AdaptiveAvgPool2d(1)(x).tolist()).toEqual([[[[8.5]]]]);
    expect(new AdaptiveAvgPool2d([2, 1])(x).shape).toEqual([1, 1, 2, 1]);
  });
});

describe('contract: residual blocks and ResNets', () => {
  it('ResidualBlock(inChannels, outChannels, { stride }) has keys conv1 bn1 conv2 bn2 downsample.0 downsample.1', () => {
    const block = new ResidualBlock(8, 16, { stride: 2 });
    const prefixes = [...new Set(Object.keys(block.stateDict()).map((k) => k.split('.').slice(0, k.startsWith('downsample') ? 2 : 1).join('.')))];
    expect(prefixes).toEqual(['conv1', 'bn1', 'conv2', 'bn2', 'downsample.0', 'downsample.1']);
    expect(block.stateDict()['downsample.0.weight']!.shape).toEqual([16, 8, 1, 1]);
    expect(block(randn([1, 8, 8, 8])).shape).toEqual([1, 16, 4, 4]);
    const same = new ResidualBlock(8, 8);
    expect(same.downsample).toBeNull();
    expect(Object.keys(same.stateDict()).some((k) => k.startsWith('downsample'))).toBe(false);
  });
  it('Bottleneck as torchvision (expansion 4)', () => {
    const b = new Bottleneck(64, 16);
    expect(Object.keys(keysShapes(b)).filter((k) => k.endsWith('weight'))).toEqual([
      'conv1.weight',
      'bn1.weight',
      'conv2.weight',
      'bn2.weight',
      'conv3.weight',
      'bn3.weight',
    ]);
    expect(b(randn([1, 64, 4, 4])).shape).toEqual([1, 64, 4, 4]);
  });
  it('resnet18({ numClasses }) has torchvision state-dict keys and shapes, in order, and runs forward and backward', () => {
    const want = JSON.parse(readFileSync(new URL('resnet18_state_dict_shapes.json', ORACLE), 'utf8')) as Record<string, number[]>;
    const model = resnet18({ numClasses: 10 });
    expect(model).toBeInstanceOf(ResNet);
    expect(Object.keys(keysShapes(model))).toEqual(Object.keys(want));
    expect(keysShapes(model)).toEqual(want);
    const y = model(randn([2, 3, 32, 32]));
    expect(y.shape).toEqual([2, 10]);
    y.sum().backward();
    expect(model.fc.weight.grad!.shape).toEqual([10, 512]);
    model.eval();
    expect(noGrad(() => model(randn([1, 3, 32, 32]))).shape).toEqual([1, 10]);
  });
  it('resnet34 and resnet50 have torchvision key counts and head shapes', () => {
    const r34 = resnet34({ numClasses: 7 });
    expect(Object.keys(r34.stateDict()).length).toBe(218);
    expect(r34.fc.weight.shape).toEqual([7, 512]);
    const r50 = resnet50();
    expect(Object.keys(r50.stateDict()).length).toBe(320);
    expect(r50.fc.weight.shape).toEqual([1000, 2048]);
    expect(r50.stateDict()['layer4.2.conv3.weight']!.shape).toEqual([2048, 512, 1, 1]);
    expect(r50.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(25_557_032);
  });
});

