import { describe, expect, it } from 'vitest';
import { isfinite, manualSeed, randn, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { F } from '@flint/nn';
import { BatchNorm2d, Bottleneck, ResNet, ResidualBlock, resnet18, resnet50 } from './index.js';
import { foldedConvBatchNorm } from './fold-batch-norm.js';

describe('ResNet', () => {
  it('ResidualBlock has torchvision BasicBlock keys and a downsample only when needed', () => {
    expect(Object.keys(new ResidualBlock(8, 8).stateDict()).filter((k) => k.endsWith('weight'))).toEqual(['conv1.weight', 'bn1.weight', 'conv2.weight', 'bn2.weight']);
    const down = new ResidualBlock(8, 16, { stride: 2 });
    expect(Object.keys(down.stateDict()).filter((k) => k.startsWith('downsample'))).toEqual([
      'downsample.0.weight',
      'downsample.1.weight',
      'downsample.1.bias',
      'downsample.1.running_mean',
      'downsample.1.running_var',
      'downsample.1.num_batches_tracked',
    ]);
    expect(down(randn([2, 8, 8, 8])).shape).toEqual([2, 16, 4, 4]);
    expect(new Bottleneck(64, 16)(randn([1, 64, 4, 4])).shape).toEqual([1, 64, 4, 4]);
  });

  it('prints the tree as torchvision does', () => {
    expect(String(new ResidualBlock(4, 8, { stride: 2 }))).toBe(
      [
        'ResidualBlock(',
        '  (conv1): Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)',
        '  (bn1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (relu): ReLU()',
        '  (conv2): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)',
        '  (bn2): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (downsample): Sequential(',
        '    (0): Conv2d(4, 8, kernel_size=(1, 1), stride=(2, 2), bias=False)',
        '    (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('resnet50 has torchvision parameter count', () => {
    const n = resnet50({ numClasses: 10 }).parameters().reduce((s, p) => s + p.numel(), 0);
    expect(n).toBe(23528522); // sum(p.numel() for p in torchvision.models.resnet50(num_classes=10).parameters())
  });

  it('resnet18 trains: forward and backward on a 2×3×32×32 batch, finite grads on every parameter', () => {
    manualSeed(0);
    const model = resnet18({ numClasses: 10 });
    const x = randn([2, 3, 32, 32]);
    const logits = model(x);
    expect(logits.shape).toEqual([2, 10]);
    F.crossEntropy(logits, randn([2, 10]).argmax(1)).backward();
    for (const [name, p] of model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(Boolean(isfinite(p.grad!).all().item()), name).toBe(true);
    }
  });
});

describe('ResNet inference in channels-last layout', () => {
  function maxDiff(a: Tensor, b: Tensor): number {
    const x = a.dataSync();
    const y = b.dataSync();
    return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
  }

  it("gives the NCHW path's logits (resnet18 and a Bottleneck ResNet, with running stats set)", () => {
    manualSeed(7);
    for (const model of [resnet18({ numClasses: 5 }), new ResNet(Bottleneck, [1, 1, 1, 1], { numClasses: 3 })]) {
      noGrad(() => {
        for (const m of model.modules()) {
          if (m instanceof BatchNorm2d) {
            m.running_mean!.copy_(randn([m.numFeatures]).mul(0.1));
            m.running_var!.copy_(randn([m.numFeatures]).abs().add(0.5));
          }
        }
      });
      model.eval();
      const x = randn([2, 3, 40, 36]);
      const nchw = model(x).detach(); // grad mode on: the NCHW path
      const cl = noGrad(() => model(x)); // eval + noGrad: the channels-last path
      expect(cl.shape).toEqual(nchw.shape);
      expect(maxDiff(cl, nchw)).toBeLessThan(1e-4);
    }
  });

  it('refolds the BatchNorms when the weights or running stats change (an optimizer step, a train-mode batch, loadStateDict)', () => {
    manualSeed(3);
    const model = resnet18({ numClasses: 4 });
    const x = randn([2, 3, 32, 32]);
    const check = () => {
      model.eval();
      const cl = noGrad(() => model(x));
      expect(maxDiff(cl, model(x).detach())).toBeLessThan(1e-4);
      return cl;
    };
    const before = check();
    model.train();
    model(x); // a train-mode batch moves every running stat
    noGrad(() => {
      for (const p of model.parameters()) p.add_(randn(p.shape).mul(0.01)); // as an optimizer step writes them
    });
    const after = check();
    expect(maxDiff(before, after)).toBeGreaterThan(1e-3);
    model.loadStateDict(resnet18({ numClasses: 4 }).stateDict());
    check();
  });

  it('Conv2d.dispose() frees its folded filter and bias', () => {
    const block = new ResidualBlock(8, 8);
    const folded = foldedConvBatchNorm(block.conv1, block.bn1);
    expect(foldedConvBatchNorm(block.conv1, block.bn1)).toBe(folded); // cached while nothing changes
    block.dispose();
    expect(() => folded.weight.add(1)).toThrow(/disposed/);
    expect(() => folded.bias.add(1)).toThrow(/disposed/);
  });

  it('falls back to the NCHW path when a submodule has a hook', () => {
    const model = resnet18({ numClasses: 4 }).eval();
    let calls = 0;
    const handle = model.layer2.registerForwardHook(() => {
      calls++;
    });
    noGrad(() => model(randn([1, 3, 32, 32])));
    expect(calls).toBe(1);
    handle.remove();
  });
});
