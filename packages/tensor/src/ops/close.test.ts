import { describe, expect, it } from 'vitest';
import { tensor } from '../index.js';
import { allclose, equal, isclose } from './close.js';

// Expected values are what PyTorch returns for the same calls.
describe('isclose / allclose / equal', () => {
  const a = tensor([1, NaN, Infinity, 1e-9, 1]);
  const b = tensor([1.001, NaN, Infinity, 0, 1]);
  it('isclose compares within atol + rtol·|b|, infinities equal, NaN only with equalNan', () => {
    expect(isclose(a, b).tolist()).toEqual([false, false, true, true, true]);
    expect(a.isclose(b, { rtol: 1e-2, equalNan: true }).tolist()).toEqual([true, true, true, true, true]);
    expect(isclose(a, b, 1e-2, 0).tolist()).toEqual([true, false, true, false, true]);
  });
  it('allclose and equal give booleans', () => {
    expect(allclose(tensor([1, 2]), tensor([1, 2.000001]))).toBe(true);
    expect(allclose(a, b)).toBe(false);
    expect(a.allclose(b, { rtol: 1e-2, equalNan: true })).toBe(true);
    expect(equal(tensor([1, 2]), tensor([1, 2]))).toBe(true);
    expect(tensor([1, 2]).equal(tensor([1, 3]))).toBe(false);
    expect(equal(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
  });
});
