import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { manualSeed, randn } from '@flint/tensor';
import { Conv1d, F } from './index.js';

describe('Conv1d', () => {
  it('prints as PyTorch', () => {
    expect(String(new Conv1d(3, 4, 3, { padding: 'same', paddingMode: 'reflect' }))).toBe('Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=same, padding_mode=reflect)');
    expect(String(new Conv1d(3, 6, 3, { stride: 2, dilation: 2, groups: 3, bias: false }))).toBe('Conv1d(3, 6, kernel_size=(3,), stride=(2,), dilation=(2,), groups=3, bias=False)');
  });

  it('has PyTorch shapes, keys and init bounds', () => {
    manualSeed(0);
    const m = new Conv1d(4, 6, 3, { groups: 2 });
    expect(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]])).toEqual([
      ['weight', [6, 2, 3]],
      ['bias', [6]],
    ]);
    const bound = 1 / Math.sqrt(2 * 3);
    expect(m.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m(randn([2, 4, 9])).shape).toEqual([2, 6, 7]);
    expect(m(randn([4, 9])).shape).toEqual([6, 7]);
  });

  it('rejects bad construction and input with PyTorch messages', () => {
    expect(() => new Conv1d(3, 4, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new Conv1d(4, 3, 3, { groups: 2 })).toThrow('out_channels must be divisible by groups');
    expect(() => new Conv1d(4, 4, 3, { padding: 'same', stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new Conv1d(4, 4, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow("padding_mode must be one of");
    expect(() => new Conv1d(4, 4, 3)(randn([4, 5, 5, 5]))).toThrow('Conv1d(4, 4, kernel_size=(3,), stride=(1,)): Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [4, 5, 5, 5]');
    expect(() => new Conv1d(4, 4, 3)(randn([1, 3, 5]))).toThrow('Given groups=1, weight of size [4, 4, 3], expected input[1, 3, 5] to have 4 channels, but got 3 channels instead');
    expect(() => new Conv1d(4, 4, 3)(randn([1, 4, 2]))).toThrow("Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input size");
  });

  it('passes gradcheck with stride, padding, dilation and groups', () => {
    manualSeed(1);
    for (const options of [{ stride: 2, padding: 1 }, { dilation: 2, padding: 'same' as const, groups: 2 }]) {
      const x = randn([2, 4, 7], { requiresGrad: true });
      const w = randn([4, 4 / (options.groups ?? 1), 3], { requiresGrad: true });
      const b = randn([4], { requiresGrad: true });
      expect(gradcheck((x, w, b) => F.conv1d(x!, w!, b, options), [x, w, b], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    }
  });
});
