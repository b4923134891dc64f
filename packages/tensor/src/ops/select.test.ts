import { describe, expect, it } from 'vitest';
import { arange, memory, tensor } from '../index.js';
import { maskedSelect, nonzero } from './select.js';

// Expected values are what PyTorch returns for the same calls.
describe('maskedSelect', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('selects where a broadcast mask is true', () => {
    expect(maskedSelect(x, tensor([true, false, true])).tolist()).toEqual([1, 3, 4, 6]);
    expect(x.maskedSelect(x.gt(4)).tolist()).toEqual([5, 6]);
    expect(maskedSelect(tensor([1, 2]), tensor([[true], [false]])).tolist()).toEqual([1, 2]);
  });
  it('broadcasts the mask on the host as the input against a mask of the full shape', () => {
    const y = arange(6).reshape([2, 1, 3]);
    const m = tensor([[true], [false], [true], [true]]).reshape([2, 2, 1]);
    const full = m.expand([2, 2, 3]).contiguous();
    expect(maskedSelect(y, m).tolist()).toEqual(maskedSelect(y.expand([2, 2, 3]).contiguous(), full).tolist());
    expect(maskedSelect(y, m).tolist()).toEqual([0, 1, 2, 3, 4, 5, 3, 4, 5]);
    expect(maskedSelect(tensor(5), tensor([[true, false], [true, true]])).tolist()).toEqual([5, 5, 5]);
  });
  it('needs a bool mask, and leaks nothing', () => {
    expect(() => maskedSelect(x, tensor([1, 0, 1], { dtype: 'int32' }))).toThrow(/expected BoolTensor for mask/);
    const m = tensor([true, false, true]);
    maskedSelect(x, m).dispose();
    const before = memory().numTensors;
    maskedSelect(x, m).dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('nonzero', () => {
  it('gives the coordinates, or one tensor per dim', () => {
    const x = tensor([[0, 1], [2, 0]]);
    const nz = nonzero(x);
    expect(nz.tolist()).toEqual([[0, 1], [1, 0]]);
    expect(nz.dtype).toBe('int32');
    expect(x.nonzero({ asTuple: true }).map((t) => t.tolist())).toEqual([[0, 1], [1, 0]]);
    expect(nonzero(tensor([0, 0])).shape).toEqual([0, 1]);
  });
});
