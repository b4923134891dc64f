import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { adaptiveAvgPool2d, avgPool2d, manualSeed, maxPool2d, pad, randn, randperm } from '@flint/tensor';
import { AdaptiveAvgPool2d, AvgPool2d, F, MaxPool2d } from './index.js';

/** Distinct values, so max pooling has no ties and finite differences are well defined. */
const distinct = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return randperm(n).float().div(n).reshape(shape).detach().requiresGrad_();
};

describe('pooling layers', () => {
  it('print as PyTorch', () => {
    expect(String(new MaxPool2d(3, { stride: 2, padding: 1 }))).toBe('MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)');
    expect(String(new AvgPool2d(2))).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(String(new AdaptiveAvgPool2d([1, 1]))).toBe('AdaptiveAvgPool2d(output_size=(1, 1))');
  });

  it('reject bad inputs naming the layer', () => {
    expect(() => new MaxPool2d(3, { padding: 2 })(randn([1, 1, 8, 8]))).toThrow('MaxPool2d(kernel_size=3, stride=3, padding=2, dilation=1, ceil_mode=False): pad should be at most half of effective kernel size');
    expect(() => new AvgPool2d(2)(randn([4, 8]))).toThrow('Expected 3D or 4D (batch mode) tensor for input');
    expect(() => new MaxPool2d(5)(randn([1, 1, 3, 3]))).toThrow('Output size is too small');
  });

  it('pass gradcheck', () => {
    manualSeed(0);
    const x = () => distinct([2, 2, 7, 6]);
    const gamma = randn([2]);
    const beta = randn([2]);
    const cases: [string, (t: any) => any][] = [
      ['maxPool2d k3 s2 p1 ceil', (t) => maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true })],
      ['maxPool2d k2 d2', (t) => maxPool2d(t, 2, { stride: 1, dilation: 2 })],
      ['avgPool2d k3 s2 p1 nocount ceil', (t) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
      ['avgPool2d k2 divisor', (t) => avgPool2d(t, [2, 3], { stride: 1, divisorOverride: 5 })],
      ['adaptiveAvgPool2d 3x4', (t) => adaptiveAvgPool2d(t, [3, 4])],
      ['pad reflect', (t) => pad(t, [2, 1, 1, 2], { mode: 'reflect' })],
      ['pad constant crop', (t) => pad(t, [-1, 2, 1, -2], { value: 3 })],
      ['batchNorm train', (t) => F.batchNorm(t, null, null, { training: true, weight: gamma, bias: beta })],
    ];
    for (const [name, f] of cases) {
      const input = x();
      // A fixed random weighting of the outputs, so every output element is checked.
      const weights = randn([...f(input.detach()).shape]);
      expect(gradcheck((t) => f(t).mul(weights).sum(), [input], { eps: 1e-3, atol: 2e-2, rtol: 2e-2 }), name).toBe(true);
    }
  });

  it('avgPool2d backward is itself differentiable', () => {
    manualSeed(3);
    const x = distinct([1, 1, 5, 5]);
    expect(gradcheck((t) => {
      const y = avgPool2d(t!, 3, { stride: 2, padding: 1 });
      return y.mul(y).sum();
    }, [x], { eps: 1e-3, atol: 2e-2, rtol: 2e-2 })).toBe(true);
  });
});
