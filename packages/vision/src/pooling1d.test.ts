import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { manualSeed, randn, tensor } from '@flint/tensor';
import { AdaptiveAvgPool1d, AvgPool1d, F, MaxPool1d } from './index.js';

describe('1-d pooling', () => {
  it('prints as PyTorch', () => {
    expect(String(new MaxPool1d(3))).toBe('MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new MaxPool1d(3, { stride: 2, padding: 1, dilation: 2, returnIndices: true, ceilMode: true }))).toBe('MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)');
    expect(String(new AvgPool1d(3))).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(String(new AdaptiveAvgPool1d(3))).toBe('AdaptiveAvgPool1d(output_size=3)');
  });

  it('returns the first maximum and its position with returnIndices', () => {
    const x = tensor([[[1, 3, 3, 0, 5, 5, 2]]]);
    const [v, i] = F.maxPool1d(x, 2, { stride: 2, returnIndices: true });
    expect(v.tolist()).toEqual([[[3, 3, 5]]]);
    expect(i.tolist()).toEqual([[[1, 2, 4]]]);
    const [v2, i2] = new MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true })(tensor([[-1, -2, -3, -4]])) as [any, any];
    expect(v2.tolist()).toEqual([[-1, -2, -4]]);
    expect(i2.tolist()).toEqual([[0, 1, 3]]);
  });

  it('rejects bad input with PyTorch messages', () => {
    expect(() => new MaxPool1d(3)(randn([1, 4, 5, 5]))).toThrow('MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False): Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got: [1, 4, 5, 5]');
    expect(() => F.maxPool1d(randn([1, 4, 5]), 3, { padding: 2 })).toThrow('max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=3');
    expect(() => F.avgPool1d(randn([1, 4, 5]), 3, { padding: 2 })).toThrow('pad should be at most half of kernel size, but got pad=2 and kernel_size=3');
    expect(() => F.avgPool1d(randn([1, 4, 2]), 3)).toThrow('Given input size: (4x1x2). Calculated output size: (4x1x0). Output size is too small');
    expect(() => F.avgPool1d(randn([1, 4, 5, 5]), 3)).toThrow("Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)");
    expect(() => F.adaptiveAvgPool1d(randn([1, 4, 5, 5]), 3)).toThrow('while checking arguments for adaptive_avg_pool1d');
  });

  it('passes gradcheck', () => {
    manualSeed(2);
    const x = randn([2, 3, 9], { requiresGrad: true });
    const opts = { eps: 1e-2, atol: 1e-2, rtol: 1e-2 };
    expect(gradcheck((x) => F.maxPool1d(x!, 3, { stride: 2, padding: 1, returnIndices: true })[0], [x], opts)).toBe(true);
    expect(gradcheck((x) => F.maxPool1d(x!, 2, { dilation: 2 }), [x], opts)).toBe(true);
    expect(gradcheck((x) => F.avgPool1d(x!, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [x], opts)).toBe(true);
    expect(gradcheck((x) => F.adaptiveAvgPool1d(x!, 4), [x], opts)).toBe(true);
  });
});
