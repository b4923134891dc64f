import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { manualSeed, randn, tensor } from '@flint/tensor';
import { F, Upsample } from './index.js';

describe('interpolate and Upsample', () => {
  it('prints as PyTorch', () => {
    expect(String(new Upsample({ scaleFactor: 2 }))).toBe('Upsample(scale_factor=2.0, mode=nearest)');
    expect(String(new Upsample({ size: [4, 5], mode: 'bilinear', alignCorners: true }))).toBe('Upsample(size=(4, 5), mode=bilinear)');
    expect(String(new Upsample(4))).toBe('Upsample(size=4, mode=nearest)');
    expect(String(new Upsample({ scaleFactor: [2, 3] }))).toBe('Upsample(scale_factor=(2.0, 3.0), mode=nearest)');
  });

  it('uses PyTorch 1.13 index rules', () => {
    const x = tensor([[[0, 1, 2, 3]]]);
    expect(F.interpolate(x, { scaleFactor: 2 }).tolist()).toEqual([[[0, 0, 1, 1, 2, 2, 3, 3]]]);
    expect(F.interpolate(x, { size: 3 }).tolist()).toEqual([[[0, 1, 2]]]);
    expect(F.interpolate(x, { size: 7, mode: 'linear', alignCorners: true }).tolist()[0][0].map((v: number) => +v.toFixed(4))).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    // align_corners=False: src = max(0, (dst + 0.5)·in/out - 0.5).
    expect(F.interpolate(x, { size: 2, mode: 'linear' }).tolist()).toEqual([[[0.5, 2.5]]]);
    // A given scale factor is used as is for the coordinates (1 / 1.5), unless recomputed (4 / 6).
    const x5 = tensor([[[0, 1, 2, 3]]]);
    expect(F.interpolate(x5, { scaleFactor: 1.7 }).shape).toEqual([1, 1, 6]);
    expect(F.interpolate(x5, { scaleFactor: 1.7 }).tolist()).toEqual([[[0, 0, 1, 1, 2, 2]]]);
    expect(F.interpolate(x5, { scaleFactor: 1.7, recomputeScaleFactor: true }).tolist()).toEqual([[[0, 0, 1, 2, 2, 3]]]);
  });

  it('rejects bad arguments with PyTorch messages', () => {
    const x = randn([1, 3, 5, 5]);
    expect(() => F.interpolate(x, { size: 3, scaleFactor: 2 })).toThrow('only one of size or scale_factor should be defined');
    expect(() => F.interpolate(x)).toThrow('either size or scale_factor should be defined');
    expect(() => F.interpolate(x, { scaleFactor: 2, alignCorners: true })).toThrow('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
    expect(() => F.interpolate(randn([1, 3, 5]), { scaleFactor: 2, mode: 'bilinear' })).toThrow('Got 3D input, but bilinear mode needs 4D input');
    expect(() => F.interpolate(x, { scaleFactor: 2, mode: 'cubic' as 'linear' })).toThrow('(got cubic)');
    expect(() => F.interpolate(x, { size: [2, 3, 4] })).toThrow('Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [5, 5] and output size of [2, 3, 4]');
    expect(() => F.interpolate(x, { scaleFactor: 0.1 })).toThrow('Input and output sizes should be greater than 0, but got input (H: 5, W: 5) output (H: 0, W: 0)');
    expect(() => F.interpolate(x, { sizes: 3 } as object)).toThrow("unexpected option 'sizes'");
  });

  it('passes gradcheck', () => {
    manualSeed(4);
    const x = randn([1, 2, 3, 4], { requiresGrad: true });
    const opts = { eps: 1e-2, atol: 1e-2, rtol: 1e-2 };
    expect(gradcheck((x) => F.interpolate(x!, { size: [5, 3], mode: 'bilinear' }), [x], opts)).toBe(true);
    expect(gradcheck((x) => F.interpolate(x!, { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }), [x], opts)).toBe(true);
    expect(gradcheck((x) => F.interpolate(x!, { scaleFactor: [2, 0.5] }), [x], opts)).toBe(true);
  });
});
