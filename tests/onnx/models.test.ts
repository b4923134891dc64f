/**
 * Exported models run in ONNX Runtime with Flint's outputs (float32 tolerance): the MNIST
 * models of apps/mnist, ResNet-18/34/50, the seed's perceptron and residual block; exported at
 * batch 2 with a dynamic batch and run at batch 2 and 5. The seed's models are apps/seed's own.
 */
import { describe, expect, it } from 'vitest';
import { noGrad } from '@flint/autograd';
import { manualSeed, randn } from '@flint/tensor';
import type { Module } from '@flint/nn';
import { BatchNorm2d, resnet18, resnet34, resnet50 } from '@flint/vision';
import { buildModel } from '../../apps/mnist/src/models.js';
import { Perceptron } from '../../apps/seed/src/perceptron.js';
import { RestNetBasicBlock } from '../../apps/seed/src/residual-block.js';
import { checkExport } from '../../packages/onnx/src/test-utils/ort.js';

/** Gives BatchNorm layers non-trivial running statistics, so eval mode is tested for real. */
function randomiseStats(model: Module): void {
  for (const m of model.modules()) {
    if (m instanceof BatchNorm2d) {
      noGrad(() => {
        m.running_mean!.copy_(randn(m.running_mean!.shape).mul(0.1));
        m.running_var!.copy_(randn(m.running_var!.shape).abs().add(0.5));
        m.weight!.copy_(randn(m.weight!.shape).mul(0.2).add(1));
        m.bias!.copy_(randn(m.bias!.shape).mul(0.1));
      });
    }
  }
}

const dynamic = { inputNames: ['input'], outputNames: ['output'], dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } };

describe('exportOnnx: apps/mnist models', () => {
  for (const name of ['mlp', 'cnn', 'resnet'] as const) {
    it(name, async () => {
      manualSeed(1);
      const model = buildModel(name);
      randomiseStats(model);
      await checkExport(model, [randn([2, 1, 28, 28])], dynamic, [randn([5, 1, 28, 28])]);
    });
  }
});

describe('exportOnnx: torchvision ResNets', () => {
  it('resnet18 at 2×3×32×32, run at batch 5', async () => {
    manualSeed(2);
    const model = resnet18({ numClasses: 10 });
    randomiseStats(model);
    const proto = await checkExport(model, [randn([2, 3, 32, 32])], dynamic, [randn([5, 3, 32, 32])]);
    expect(proto.graph!.initializer.map((t) => t.name)).toContain('layer1.0.bn1.running_var');
  });
  it('resnet34 at 1×3×32×32', async () => {
    manualSeed(3);
    const model = resnet34({ numClasses: 10 });
    randomiseStats(model);
    await checkExport(model, [randn([1, 3, 32, 32])]);
  });
  it('resnet50 at 1×3×32×32', async () => {
    manualSeed(4);
    const model = resnet50({ numClasses: 10 });
    randomiseStats(model);
    await checkExport(model, [randn([1, 3, 32, 32])]);
  });
});

describe('exportOnnx: the seed models', () => {
  it('the perceptron (custom Linear, mm + add, sigmoid)', async () => {
    manualSeed(5);
    const proto = await checkExport(new Perceptron(4, 6, 3), [randn([2, 4])], dynamic, [randn([5, 4])]);
    expect(proto.graph!.initializer.map((t) => t.name)).toEqual(['layer1.w', 'layer1.b', 'layer2.w', 'layer2.b']);
    expect(proto.graph!.node.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Sigmoid', 'MatMul', 'Add']);
  });
  it('the residual block', async () => {
    manualSeed(6);
    const block = new RestNetBasicBlock(4, 4, 1);
    randomiseStats(block);
    await checkExport(block, [randn([2, 4, 8, 8])], dynamic, [randn([5, 4, 8, 8])]);
  });
});
