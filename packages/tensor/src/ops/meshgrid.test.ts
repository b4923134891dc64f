import { describe, expect, it } from 'vitest';
import { tensor } from '../index.js';
import { meshgrid } from './meshgrid.js';

// Expected values are what PyTorch returns for the same calls.
describe('meshgrid', () => {
  const a = tensor([1, 2, 3]);
  const b = tensor([4, 5]);
  it("indexes 'ij' by default and 'xy' when asked", () => {
    const [x, y] = meshgrid(a, b);
    expect(x!.tolist()).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(y!.tolist()).toEqual([[4, 5], [4, 5], [4, 5]]);
    const [X, Y] = meshgrid([a, b], { indexing: 'xy' });
    expect(X!.tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(Y!.tolist()).toEqual([[4, 4, 4], [5, 5, 5]]);
  });
  it('refuses more than 1-D inputs and unknown indexing', () => {
    expect(() => meshgrid(tensor([[1]]))).toThrow(/Expected 0D or 1D tensor/);
    expect(() => meshgrid(a, { indexing: 'ji' as never })).toThrow(/indexing must be one of "xy" or "ij"/);
  });
});
