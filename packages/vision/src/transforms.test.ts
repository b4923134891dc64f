import { tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { compose, normalize, toTensor } from './transforms.js';

describe('transforms', () => {
  it('toTensor scales 0..255 to 0..1 and adds the channel dim, for one image or a batch', () => {
    const img = tensor([[0, 255], [51, 102]]);
    const out = toTensor()(img);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([0, 1, Math.fround(0.2), Math.fround(0.4)]);
    expect(toTensor()(tensor(Int32Array.of(0, 255, 0, 255), { shape: [2, 1, 2] })).shape).toEqual([2, 1, 1, 2]);
  });

  it('normalize subtracts the mean and divides by the std per channel', () => {
    const x = tensor([[[1, 3]], [[10, 20]]]); // [C=2, H=1, W=2]
    const out = normalize([1, 10], [2, 10])(x);
    expect(out.tolist()).toEqual([[[0, 1]], [[0, 1]]]);
    const batch = normalize(0.5, 0.5)(tensor([[[[0, 1]]], [[[0.5, 1]]]]));
    expect(batch.tolist()).toEqual([[[[-1, 1]]], [[[0, 1]]]]);
  });

  it('normalize names what is wrong', () => {
    expect(() => normalize([0.5], [0])).toThrow(/std evaluated to zero/);
    expect(() => normalize([0.1, 0.2, 0.3], [1])(tensor([[[1]], [[2]]]))).toThrow('Normalize: mean has 3 values but the image has 2 channels (shape [2, 1, 1])');
    expect(() => normalize(0, 1)(tensor([1, 2]))).toThrow(/tensor image of size \(\.\.\., C, H, W\)/);
  });

  it('compose chains in order', () => {
    const t = compose([toTensor(), normalize([0.5], [0.5])]);
    expect(t(tensor([[0, 255]])).tolist()).toEqual([[[-1, 1]]]);
    expect(() => compose([toTensor(), 3 as never])).toThrow('Compose: transform 1 is not a function (got number)');
  });
});
