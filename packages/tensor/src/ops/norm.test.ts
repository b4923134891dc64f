import { describe, expect, it } from 'vitest';
import { tensor } from '../index.js';
import { linalg, norm } from './norm.js';
import { outer } from './outer.js';

// Expected values are what PyTorch returns for the same calls.
const x = tensor([[3, -4], [0, 12]]);

describe('norm', () => {
  it('defaults to the Frobenius norm of every element', () => {
    expect(norm(x).item()).toBeCloseTo(13, 5);
    expect(x.norm(2).item()).toBeCloseTo(13, 5);
    expect(norm(x, 'fro', [0, 1]).item()).toBeCloseTo(13, 5);
  });
  it('takes p, dim and keepdim positionally or as options', () => {
    expect(norm(x, 1, 1, true).tolist()).toEqual([[7], [12]]);
    expect(norm(x, 1, { dim: 0 }).tolist()).toEqual([3, 16]);
    expect(norm(x, Infinity).item()).toBe(12);
    expect(norm(x, -Infinity, 1).tolist()).toEqual([3, 0]);
    expect(norm(x, 0).item()).toBe(3);
    expect(norm(x, 3, 0).dataSync()[1]).toBeCloseTo(Math.cbrt(64 + 1728), 4);
  });
  it('refuses ints and unknown orders', () => {
    expect(() => norm(tensor([1, 2], { dtype: 'int32' }))).toThrow(/norm\(\): Expected a floating point tensor as input. Got Int/);
    expect(() => norm(x, 'max' as never)).toThrow(/p must be a number, 'fro' or 'nuc'/);
  });
});

describe('linalg', () => {
  it('vectorNorm', () => {
    expect(linalg.vectorNorm(x).item()).toBeCloseTo(13, 5);
    expect(linalg.vectorNorm(x, 1, [0, 1]).item()).toBe(19);
    expect(linalg.vectorNorm(x, { ord: Infinity, dim: 0, keepdim: true }).tolist()).toEqual([[3, 12]]);
  });
  it('matrixNorm', () => {
    expect(linalg.matrixNorm(x).item()).toBeCloseTo(13, 5);
    expect(linalg.matrixNorm(x, 1).item()).toBe(16);
    expect(linalg.matrixNorm(x, -1).item()).toBe(3);
    expect(linalg.matrixNorm(x, Infinity).item()).toBe(12);
    expect(linalg.matrixNorm(x, -Infinity, [-2, -1], true).tolist()).toEqual([[7]]);
    expect(() => linalg.matrixNorm(x, 'nuc')).toThrow(/needs singular values/);
    expect(() => linalg.matrixNorm(tensor([1, 2]))).toThrow(/at least 2 dimensions/);
  });
  it('norm picks the vector or matrix norm', () => {
    expect(linalg.norm(x).item()).toBeCloseTo(13, 5);
    expect(linalg.norm(x, 1).item()).toBe(16);
    expect(linalg.norm(x, 1, 1).tolist()).toEqual([7, 12]);
  });
});

describe('outer', () => {
  it('multiplies every pair', () => {
    expect(outer(tensor([1, 2]), tensor([3, 4, 5])).tolist()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(tensor([1, -1]).outer(tensor([2])).tolist()).toEqual([[2], [-2]]);
    expect(() => outer(x, tensor([1]))).toThrow(/outer: expected 1-D inputs/);
  });
  it.todo("linalg.matrixNorm with ord 'nuc', 2 or -2 (needs an SVD; a clear error today)");
});
