import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from '../index.js';
import { scatter } from './scatter.js';

// Expected values are what PyTorch returns for the same calls.
const int = (v: number[][]) => tensor(v, { dtype: 'int32' });

describe('scatter', () => {
  it('writes src at index along dim into a copy', () => {
    const x = zeros([3, 4]);
    const src = arange(1, 13).float().reshape(3, 4);
    expect(scatter(x, 0, int([[0, 1, 2, 0], [2, 0, 1, 1]]), src).tolist()).toEqual([[1, 6, 0, 4], [0, 2, 7, 8], [5, 0, 3, 0]]);
    expect(x.scatter(1, int([[0, 3], [1, 2]]), 2.5).tolist()).toEqual([[2.5, 0, 0, 2.5], [0, 2.5, 2.5, 0], [0, 0, 0, 0]]);
    expect(x.tolist()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  });
  it('refuses bad indices and dtypes', () => {
    const x = zeros([2, 2]);
    expect(() => scatter(x, 0, int([[2, 0]]), x)).toThrow(/scatter\(\): index 2 is out of bounds for dimension 0 with size 2/);
    expect(() => scatter(x, 0, tensor([[0, 0]]), x)).toThrow(/Expected dtype int32 for index/);
    expect(() => scatter(x, 0, int([[0, 0]]), x.int())).toThrow(/Expected self.dtype to be equal to src.dtype/);
    expect(() => scatter(x, 0, int([[0, 0, 0]]), x)).toThrow(/Expected index \[1, 3\] to be smaller than self \[2, 2\]/);
  });
  it.todo("scatter's reduce option ('add', 'multiply')");
});
