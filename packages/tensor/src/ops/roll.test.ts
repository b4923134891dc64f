import { describe, expect, it } from 'vitest';
import { arange } from '../index.js';
import { roll, tile } from './roll.js';

// Expected values are what PyTorch returns for the same calls.
describe('roll', () => {
  const x = arange(6).reshape(2, 3);
  it('rotates along dims, or the flattened tensor', () => {
    expect(roll(x, 1).tolist()).toEqual([[5, 0, 1], [2, 3, 4]]);
    expect(x.roll(-1, 1).tolist()).toEqual([[1, 2, 0], [4, 5, 3]]);
    expect(roll(x, [1, -2], [0, 1]).tolist()).toEqual([[5, 3, 4], [2, 0, 1]]);
    expect(roll(x, 7, 1).tolist()).toEqual([[2, 0, 1], [5, 3, 4]]);
  });
  it('refuses shifts and dims that do not align', () => {
    expect(() => roll(x, [1, 2], 0)).toThrow(/roll\(\): shifts and dimensions must align. shifts: 2, dims: 1/);
  });
});

describe('tile', () => {
  it('repeats, padding dims with leading 1s', () => {
    const x = arange(2).reshape(1, 2);
    expect(tile(x, [2]).tolist()).toEqual([[0, 1, 0, 1]]);
    expect(x.tile(2, 1).tolist()).toEqual([[0, 1], [0, 1]]);
    expect(tile(arange(2), [2, 2]).tolist()).toEqual([[0, 1, 0, 1], [0, 1, 0, 1]]);
  });
});
