import { describe, expect, it } from 'vitest';
import { tensor } from '../index.js';
import { cumprod, cumsum } from './cumulative.js';

// Expected values are what PyTorch returns for the same calls.
describe('cumsum / cumprod', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('accumulate along dim', () => {
    expect(cumsum(x, 1).tolist()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(x.cumsum(0).tolist()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(cumprod(x, -1).tolist()).toEqual([[1, 2, 6], [4, 20, 120]]);
    expect(x.cumprod(0).tolist()).toEqual([[1, 2, 3], [4, 10, 18]]);
  });
  it('accumulate ints and bools as int32, or as the dtype given', () => {
    const b = tensor([true, false, true]);
    expect(cumsum(b, 0).dtype).toBe('int32');
    expect(cumsum(b, 0).tolist()).toEqual([1, 1, 2]);
    expect(cumsum(b, 0, { dtype: 'float32' }).dtype).toBe('float32');
    expect(cumprod(tensor([2, 3], { dtype: 'int32' }), 0, { dtype: 'int64' }).tolist()).toEqual([2, 6]);
  });
  it('handle 0-d and empty tensors, and refuse a bad dim', () => {
    expect(cumsum(tensor(3), 0).item()).toBe(3);
    expect(cumsum(tensor([]), 0).shape).toEqual([0]);
    expect(() => cumsum(x, 2)).toThrow(/cumsum: Dimension out of range/);
    expect(() => cumsum(x, undefined as never)).toThrow(/cumsum\(\): argument 'dim' must be an int/);
  });
});
