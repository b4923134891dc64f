import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { conv2d, manualSeed, memory, randn, scope, tick } from '@flint/tensor';
import { Conv2d } from './index.js';

describe('Conv2d', () => {
  it('prints as PyTorch', () => {
    expect(String(new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }))).toBe('Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)');
    expect(String(new Conv2d(4, 8, [3, 1], { dilation: 2, groups: 2 }))).toBe('Conv2d(4, 8, kernel_size=(3, 1), stride=(1, 1), dilation=(2, 2), groups=2)');
    expect(String(new Conv2d(2, 2, 3, { padding: 'same', paddingMode: 'reflect' }))).toBe('Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same, padding_mode=reflect)');
  });

  it('has PyTorch shapes, keys and init bounds', () => {
    manualSeed(0);
    const m = new Conv2d(4, 6, 3, { groups: 2 });
    expect(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]])).toEqual([
      ['weight', [6, 2, 3, 3]],
      ['bias', [6]],
    ]);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(m.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m(randn([2, 4, 5, 5])).shape).toEqual([2, 6, 3, 3]);
    expect(m(randn([4, 5, 5])).shape).toEqual([6, 3, 3]);
  });

  it('rejects bad construction with PyTorch messages', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new Conv2d(4, 3, 3, { groups: 2 })).toThrow('out_channels must be divisible by groups');
    expect(() => new Conv2d(4, 4, 3, { groups: 0 })).toThrow('groups must be a positive integer');
    expect(() => new Conv2d(4, 4, 3, { padding: 'full' as 'same' })).toThrow("Invalid padding string 'full'");
    expect(() => new Conv2d(4, 4, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
  });

  it('names the layer, the weight and the channels on a bad input', () => {
    const m = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
    expect(() => m(randn([1, 4, 224, 224]))).toThrow(
      'Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False): Given groups=1, weight of size [64, 3, 7, 7], expected input[1, 4, 224, 224] to have 3 channels, but got 4 channels instead',
    );
    expect(() => new Conv2d(3, 4, 3)(randn([1, 3, 2, 2]))).toThrow(
      "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
    );
    expect(() => new Conv2d(3, 4, 3)(randn([3, 8]))).toThrow('Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 8]');
  });

  it('passes gradcheck with stride, padding, dilation and groups', () => {
    manualSeed(1);
    const configs = [
      { stride: 2, padding: 1 },
      { dilation: 2, padding: 2 },
      { stride: [2, 1] as [number, number], dilation: [1, 2] as [number, number], padding: [1, 0] as [number, number] },
      { groups: 2, padding: 'same' as const },
      { groups: 4 },
    ];
    for (const options of configs) {
      const x = randn([2, 4, 6, 5], { requiresGrad: true });
      const w = randn([4, 4 / (options.groups ?? 1), 3, 2], { requiresGrad: true });
      const b = randn([4], { requiresGrad: true });
      expect(gradcheck((x, w, b) => conv2d(x!, w!, b, options), [x, w, b], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    }
  });

  it('supports double backward (its gradients are convolutions)', () => {
    manualSeed(2);
    const x = randn([1, 2, 5, 5], { requiresGrad: true });
    const w = randn([3, 2, 3, 3], { requiresGrad: true });
    // d/dw of sum((d conv / dx)²) exists and matches finite differences.
    expect(
      gradcheck(
        (x, w) => {
          const y = conv2d(x!, w!, null, { stride: 2, padding: 1 });
          return y.mul(y).sum();
        },
        [x, w],
        { eps: 1e-2, atol: 2e-2, rtol: 2e-2 },
      ),
    ).toBe(true);
  });

  it('does not leak backend memory across training steps', () => {
    const m = new Conv2d(3, 4, 3, { padding: 1 });
    const x = randn([2, 3, 8, 8]).keep();
    const step = () => {
      const y = m(x);
      y.sum().backward();
      m.zeroGrad();
    };
    step();
    tick();
    tick();
    tick();
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    tick();
    tick();
    tick();
    expect(memory().numTensors).toBeLessThanOrEqual(before);
    scope(() => undefined);
  });
});
