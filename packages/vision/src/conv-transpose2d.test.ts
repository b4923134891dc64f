import { describe, expect, it } from 'vitest';
import { gradcheck } from '@flint/autograd';
import { conv2d, manualSeed, randn } from '@flint/tensor';
import { ConvTranspose2d, F } from './index.js';

describe('ConvTranspose2d', () => {
  it('prints as PyTorch', () => {
    expect(String(new ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1, dilation: 2, bias: false }))).toBe(
      'ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), bias=False)',
    );
    expect(String(new ConvTranspose2d(4, 6, [3, 2], { groups: 2 }))).toBe('ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(1, 1), groups=2)');
  });

  it('has PyTorch shapes, keys and init bounds', () => {
    manualSeed(0);
    const m = new ConvTranspose2d(4, 6, 3, { groups: 2, stride: 2, outputPadding: 1 });
    expect(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]])).toEqual([
      ['weight', [4, 3, 3, 3]],
      ['bias', [6]],
    ]);
    const bound = 1 / Math.sqrt(3 * 9);
    expect(m.weight.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m.bias!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(m(randn([2, 4, 5, 4])).shape).toEqual([2, 6, 12, 10]);
    expect(m(randn([4, 5, 4])).shape).toEqual([6, 12, 10]);
  });

  it('is the adjoint of conv2d: <convT(y, w), x> = <y, conv2d(x, w)>', () => {
    manualSeed(3);
    const options = { stride: [2, 3] as [number, number], padding: [1, 2] as [number, number], dilation: [2, 1] as [number, number], groups: 2 };
    const x = randn([2, 4, 9, 10]);
    const w = randn([6, 2, 3, 3]);
    const y = conv2d(x, w, null, options);
    const g = randn(y.shape);
    const back = F.convTranspose2d(g, w, null, { ...options, outputPadding: [(9 + 2 - 4 - 1) % 2, (10 + 4 - 2 - 1) % 3] });
    expect(back.shape).toEqual(x.shape);
    expect(back.mul(x).sum().item()).toBeCloseTo(g.mul(y).sum().item(), 2);
  });

  it('rejects bad construction and input with PyTorch messages', () => {
    expect(() => new ConvTranspose2d(3, 4, 3, { groups: 2 })).toThrow('in_channels must be divisible by groups');
    expect(() => new ConvTranspose2d(4, 3, 3, { groups: 2 })).toThrow('out_channels must be divisible by groups');
    expect(() => new ConvTranspose2d(4, 4, 3, { paddingMode: 'reflect' as 'zeros' })).toThrow('Only "zeros" padding mode is supported for ConvTranspose2d');
    expect(() => new ConvTranspose2d(3, 4, 3, { outputPadding: 1 })(randn([1, 3, 5, 5]))).toThrow(
      'ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(1, 1), output_padding=(1, 1)): output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1',
    );
    expect(() => new ConvTranspose2d(3, 4, 3, { stride: 2, outputPadding: 2 })(randn([1, 3, 5, 5]))).toThrow('output padding must be smaller than either stride or dilation');
    expect(() => new ConvTranspose2d(4, 4, 3)(randn([4, 5]))).toThrow('Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [4, 5]');
    expect(() => new ConvTranspose2d(4, 4, 3)(randn([1, 3, 5, 5]))).toThrow('Given transposed=1, weight of size [4, 4, 3, 3], expected input[1, 3, 5, 5] to have 4 channels, but got 3 channels instead');
  });

  it('passes gradcheck with stride, padding, output padding, dilation and groups', () => {
    manualSeed(1);
    const configs = [
      { stride: 2, padding: 1, outputPadding: 1 },
      { dilation: 2, padding: [3, 1] as [number, number] },
      { stride: [2, 1] as [number, number], groups: 2, outputPadding: [1, 0] as [number, number] },
    ];
    for (const options of configs) {
      const x = randn([2, 4, 4, 3], { requiresGrad: true });
      const w = randn([4, 4 / (options.groups ?? 1), 3, 2], { requiresGrad: true });
      const b = randn([4], { requiresGrad: true });
      expect(gradcheck((x, w, b) => F.convTranspose2d(x!, w!, b, options), [x, w, b], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    }
  });
});
