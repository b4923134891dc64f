import { empty, manualSeed, randn, tensor, zeros } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, init, utils } from './index.js';

describe('init', () => {
  it('calculateGain and fans (linear and conv weights)', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 10);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 10);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 10);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 10);
    expect(() => init.calculateGain('swish' as 'relu')).toThrow('Unsupported nonlinearity swish');
    expect(init._calculateFanInAndFanOut(zeros([8, 16]))).toEqual([16, 8]);
    expect(init._calculateFanInAndFanOut(zeros([64, 3, 7, 7]))).toEqual([147, 3136]);
    expect(() => init._calculateFanInAndFanOut(zeros([3]))).toThrow('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  });

  it('fills in place within the expected bounds / spread, without autograd history', () => {
    manualSeed(0);
    const w = new Linear(200, 100).weight;
    init.kaimingUniform_(w, { mode: 'fan_in', nonlinearity: 'relu' });
    const bound = Math.sqrt(3) * Math.SQRT2 / Math.sqrt(200);
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.abs().max().item()).toBeGreaterThan(0.95 * bound);
    expect(w.gradFn).toBeNull();
    init.kaimingNormal_(w, { mode: 'fan_out' });
    expect(w.std().item()).toBeCloseTo(Math.SQRT2 / Math.sqrt(100), 2);
    init.xavierUniform_(w);
    expect(w.abs().max().item()).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    init.xavierNormal_(w, 2);
    expect(w.std().item()).toBeCloseTo(2 * Math.sqrt(2 / 300), 2);
    const t = empty([3]);
    expect(init.constant_(t, 0.5).tolist()).toEqual([0.5, 0.5, 0.5]);
    expect(init.ones_(t).tolist()).toEqual([1, 1, 1]);
    expect(init.zeros_(t).tolist()).toEqual([0, 0, 0]);
    expect(init.uniform_(t, 2, 3).min().item()).toBeGreaterThanOrEqual(2);
    expect(init.normal_(randn([1000]), 5, 0.1).mean().item()).toBeCloseTo(5, 1);
  });
});

describe('utils', () => {
  it('clipGradNorm_ scales gradients to maxNorm and returns the total norm', () => {
    const a = tensor([3, 0], { requiresGrad: true });
    const b = tensor([0, 4], { requiresGrad: true });
    a.grad = tensor([3, 0]);
    b.grad = tensor([0, 4]);
    const total = utils.clipGradNorm_([a, b], 1);
    expect(total.item()).toBeCloseTo(5, 5);
    expect(a.grad!.tolist()[0]).toBeCloseTo(0.6, 5);
    expect(b.grad!.tolist()[1]).toBeCloseTo(0.8, 5);
    expect(utils.clipGradNorm([a, b], 10).item()).toBeCloseTo(1, 4);
    expect(utils.clipGradNorm_([a, b], 10, Infinity).item()).toBeCloseTo(0.8, 4);
    utils.clipGradValue_([a, b], 0.5);
    expect(b.grad!.tolist()).toEqual([0, 0.5]);
  });
});
