import { describe, expect, it } from 'vitest';
import { memory } from '../index.js';
import { tensor } from '../index.js';
import { argsort, sort, topk } from './sort.js';

// Expected values are what PyTorch returns for the same calls.
const x = tensor([[3, 1, 2], [0, 5, -1]]);

describe('sort', () => {
  it('sorts along the last dim by default, as [values, indices] and .values / .indices', () => {
    const [v, i] = sort(x);
    expect(v.tolist()).toEqual([[1, 2, 3], [-1, 0, 5]]);
    expect(i.tolist()).toEqual([[1, 2, 0], [2, 0, 1]]);
    expect(i.dtype).toBe('int32');
    const r = x.sort();
    expect(r.values.tolist()).toEqual(v.tolist());
    expect(r.indices.tolist()).toEqual(i.tolist());
  });
  it('takes dim and descending positionally or as options', () => {
    expect(sort(x, 0, true)[0].tolist()).toEqual([[3, 5, 2], [0, 1, -1]]);
    expect(sort(x, { dim: 0, descending: true })[1].tolist()).toEqual([[0, 1, 0], [1, 0, 1]]);
    expect(x.sort({ descending: true, stable: true })[0].tolist()).toEqual([[3, 2, 1], [5, 0, -1]]);
  });
  it('puts NaN last (first when descending), keeps ties in order, sorts ints and 0-d', () => {
    const n = tensor([2, NaN, 1, 2]);
    expect(sort(n)[0].tolist()).toEqual([1, 2, 2, NaN]);
    expect(sort(n)[1].tolist()).toEqual([2, 0, 3, 1]);
    expect(sort(n, { descending: true })[1].tolist()).toEqual([1, 0, 3, 2]);
    const ints = tensor([3, -2, 7], { dtype: 'int32' });
    expect(sort(ints)[0].dtype).toBe('int32');
    expect(sort(ints)[0].tolist()).toEqual([-2, 3, 7]);
    expect(sort(tensor(4))[0].item()).toBe(4);
  });
  it('refuses bad arguments', () => {
    expect(() => sort(x, 2)).toThrow(/sort: Dimension out of range/);
    expect(() => sort(x, { dims: 0 } as never)).toThrow(/sort: got an unexpected option 'dims'/);
  });
});

describe('argsort', () => {
  it('gives the indices of sort', () => {
    expect(argsort(x, { dim: 1, descending: true }).tolist()).toEqual([[0, 2, 1], [1, 0, 2]]);
    expect(x.argsort(0).tolist()).toEqual([[1, 0, 1], [0, 1, 0]]);
  });
  it('leaks nothing', () => {
    argsort(x).dispose();
    const before = memory().numTensors;
    argsort(x).dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('topk', () => {
  it('takes the k largest or smallest along dim', () => {
    const [v, i] = topk(x, 2);
    expect(v.tolist()).toEqual([[3, 2], [5, 0]]);
    expect(i.tolist()).toEqual([[0, 2], [1, 0]]);
    expect(topk(x, 1, { dim: 0, largest: false })[0].tolist()).toEqual([[0, 1, -1]]);
    expect(x.topk(2, 1, false, true).values.tolist()).toEqual([[1, 2], [-1, 0]]);
  });
  it('refuses k out of range', () => {
    expect(() => topk(x, 4)).toThrow(/topk\(\): selected index k out of range/);
  });
});
