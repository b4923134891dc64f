import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../index.js';
import { diag, diagonal } from './diagonal.js';

// Expected values are what PyTorch returns for the same calls.
describe('diag / diagonal', () => {
  const x = arange(12).float().reshape(3, 4);
  it('diag of a matrix is a diagonal, of a vector a matrix', () => {
    expect(diag(x).tolist()).toEqual([0, 5, 10]);
    expect(x.diag(1).tolist()).toEqual([1, 6, 11]);
    expect(diag(x, -1).tolist()).toEqual([4, 9]);
    expect(diag(tensor([1, 2])).tolist()).toEqual([[1, 0], [0, 2]]);
    expect(diag(tensor([1, 2]), 1).tolist()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(diag(tensor([1, 2], { dtype: 'int32' }), -1).tolist()).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
  });
  it('diagonal over any two dims goes last', () => {
    const y = arange(24).reshape(2, 3, 4);
    expect(diagonal(y, 0, 1, 2).tolist()).toEqual([[0, 5, 10], [12, 17, 22]]);
    expect(y.diagonal(0, 0, 2).tolist()).toEqual([[0, 13], [4, 17], [8, 21]]);
    expect(diagonal(x, 5).shape).toEqual([0]);
  });
  it('refuses other ranks', () => {
    expect(() => diag(arange(8).reshape(2, 2, 2))).toThrow(/diag\(\): Supports 1D or 2D tensors. Got 3D/);
    expect(() => diagonal(x, 0, 1, -1)).toThrow(/diagonal dimensions cannot be identical/);
  });
  it.todo('diagonal as a view of its input (it returns a copy)');
});
