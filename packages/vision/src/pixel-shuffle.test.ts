import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { arange, manualSeed, randn } from '@flint/tensor';
import { F, PixelShuffle, PixelUnshuffle } from './index.js';

describe('PixelShuffle and PixelUnshuffle', () => {
  it('prints as PyTorch', () => {
    expect(String(new PixelShuffle(2))).toBe('PixelShuffle(upscale_factor=2)');
    expect(String(new PixelUnshuffle(3))).toBe('PixelUnshuffle(downscale_factor=3)');
  });

  it('moves channel blocks into space and back', () => {
    const x = arange(8).float().reshape([1, 8, 1, 1]);
    expect(F.pixelShuffle(x, 2).tolist()).toEqual([[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]);
    const y = randn([2, 3, 4, 6]);
    expect(F.pixelShuffle(F.pixelUnshuffle(y, 2), 2).sub(y).abs().max().item()).toBe(0);
    expect(new PixelShuffle(2)(randn([2, 1, 8, 2, 3])).shape).toEqual([2, 1, 2, 4, 6]);
  });

  it('rejects bad input with PyTorch messages', () => {
    expect(() => F.pixelShuffle(randn([1, 3, 5, 5]), 2)).toThrow("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=3 is not divisible by 4");
    expect(() => new PixelShuffle(2)(randn([5, 5]))).toThrow('PixelShuffle(upscale_factor=2): pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)');
    expect(() => F.pixelUnshuffle(randn([1, 3, 5, 5]), 2)).toThrow('pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is not divisible by 2');
    expect(() => new PixelShuffle(0)).toThrow('expects a positive upscale_factor');
  });

  it('passes gradcheck', () => {
    manualSeed(6);
    const x = randn([1, 4, 2, 3], { requiresGrad: true });
    expect(gradcheck((x) => F.pixelShuffle(x!, 2), [x], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    expect(gradcheck((x) => F.pixelUnshuffle(x!, 2), [randn([1, 1, 4, 2], { requiresGrad: true })], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
  });
});
