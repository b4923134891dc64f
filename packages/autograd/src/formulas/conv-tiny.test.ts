/** Gradients of convolutions on tiny inputs (1×1 ones take conv2d's matMul path), against finite differences. */
import { describe, expect, it } from 'vitest';
import { conv2d, manualSeed, randn } from '@flint/tensor';
import { gradcheck } from '../index.js';

describe('conv2d gradients on tiny inputs', () => {
  it.each([
    [[2, 3, 1, 1], { padding: 1 }],
    [[2, 3, 2, 2], { stride: 2, padding: 1 }],
    [[1, 2, 4, 4], { padding: 2, dilation: 2 }],
    [[2, 2, 3, 3], { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number] }],
  ] as const)('input %j, %j', (shape, opts) => {
    manualSeed(5);
    const x = randn([...shape], { requiresGrad: true });
    const w = randn([3, shape[1], 3, 3], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    expect(gradcheck((xi, wi, bi) => conv2d(xi, wi, bi, opts), [x, w, b], { eps: 1e-2, atol: 2e-2, rtol: 2e-2 })).toBe(true);
  });
});
