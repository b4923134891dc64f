import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../index.js';
import { tril, triu } from './triangular.js';

// Expected values are what PyTorch returns for the same calls.
describe('tril / triu', () => {
  const x = arange(1, 10).float().reshape(3, 3);
  it('keep a triangle, shifted by diagonal', () => {
    expect(tril(x).tolist()).toEqual([[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    expect(x.tril(-1).tolist()).toEqual([[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expect(triu(x, 1).tolist()).toEqual([[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expect(x.triu().tolist()).toEqual([[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
  });
  it('work on batches, non-square matrices, ints and bools', () => {
    const b = arange(12).reshape(2, 2, 3);
    expect(tril(b).tolist()).toEqual([[[0, 0, 0], [3, 4, 0]], [[6, 0, 0], [9, 10, 0]]]);
    expect(triu(tensor([[true, true], [true, true]])).tolist()).toEqual([[true, true], [false, true]]);
  });
  it('refuse fewer than 2 dims', () => {
    expect(() => tril(tensor([1, 2]))).toThrow(/tril: input tensor must have at least 2 dimensions/);
  });
});
