import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { arange, manualSeed, randn } from '@flint/tensor';
import { AdaptiveMaxPool2d, F } from './index.js';

describe('AdaptiveMaxPool2d', () => {
  it('prints as PyTorch', () => {
    expect(String(new AdaptiveMaxPool2d([3, null]))).toBe('AdaptiveMaxPool2d(output_size=(3, None))');
    expect(String(new AdaptiveMaxPool2d(3, { returnIndices: true }))).toBe('AdaptiveMaxPool2d(output_size=3)');
  });

  it('returns the maxima of overlapping bins and their flat positions', () => {
    const [v, i] = F.adaptiveMaxPool2d(arange(20).float().reshape([1, 1, 4, 5]), [3, 2], { returnIndices: true });
    expect(v.tolist()).toEqual([[[[7, 9], [12, 14], [17, 19]]]]);
    expect(i.tolist()).toEqual([[[[7, 9], [12, 14], [17, 19]]]]);
    expect(new AdaptiveMaxPool2d([null, 2])(randn([3, 4, 5])).shape).toEqual([3, 4, 2]);
  });

  it('rejects bad input with PyTorch messages', () => {
    expect(() => new AdaptiveMaxPool2d(3)(randn([4, 5]))).toThrow('AdaptiveMaxPool2d(output_size=3): adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [4, 5]');
    expect(() => F.adaptiveMaxPool2d(randn([1, 4, 0, 3]), 2)).toThrow('Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 4, 0, 3] with dimension 2 being empty');
  });

  it('passes gradcheck', () => {
    manualSeed(5);
    const x = randn([2, 2, 5, 7], { requiresGrad: true });
    expect(gradcheck((x) => F.adaptiveMaxPool2d(x!, [3, 4]), [x], { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });
});
