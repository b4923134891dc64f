import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../index.js';
import { unique } from './unique.js';

// Expected values are what PyTorch returns for the same calls.
describe('unique', () => {
  const x = tensor([3, 1, 2, 3, 1, 5], { dtype: 'int32' });
  it('gives the sorted distinct values', () => {
    const u = unique(x) as Tensor;
    expect(u.tolist()).toEqual([1, 2, 3, 5]);
    expect(u.dtype).toBe('int32');
    expect((tensor([[2.5, -1], [2.5, 0]]).unique() as Tensor).tolist()).toEqual([-1, 0, 2.5]);
  });
  it('returns the inverse and the counts when asked', () => {
    const [u, inv, counts] = unique(x, { returnInverse: true, returnCounts: true }) as Tensor[];
    expect(u!.tolist()).toEqual([1, 2, 3, 5]);
    expect(inv!.tolist()).toEqual([2, 0, 1, 2, 0, 3]);
    expect(counts!.tolist()).toEqual([2, 1, 2, 1]);
    const [, c] = x.unique(true, false, true) as Tensor[];
    expect(c!.tolist()).toEqual([2, 1, 2, 1]);
    const [, i2] = unique(tensor([[1, 0], [0, 1]]), { returnInverse: true }) as Tensor[];
    expect(i2!.tolist()).toEqual([[1, 0], [0, 1]]);
  });
  it('refuses dim', () => {
    expect(() => unique(x, { dim: 0 })).toThrow(/unique\(\): dim is not supported/);
  });
  it.todo('unique with dim (only the flattened form exists; a clear error today)');
});
