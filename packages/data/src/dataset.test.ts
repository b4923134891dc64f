import { arange, memory, tensor, tick } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { Dataset, Subset, TensorDataset } from './dataset.js';

class Squares extends Dataset<[number, number]> {
  get length(): number {
    return 5;
  }
  get(i: number): [number, number] {
    return [i, i * i];
  }
}

describe('TensorDataset', () => {
  it('indexes every tensor along dim 0', () => {
    const x = arange(12).reshape(4, 3);
    const y = tensor([10, 11, 12, 13], { dtype: 'int32' });
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.tolist()).toEqual([6, 7, 8]);
    expect(yi.item()).toBe(12);
    expect(ds.get(-1)[1].item()).toBe(13);
  });

  it('rejects tensors of different lengths, naming the sizes', () => {
    expect(() => new TensorDataset(arange(4), arange(5))).toThrow('TensorDataset: Size mismatch between tensors (sizes in dim 0: 4, 5)');
    expect(() => new TensorDataset(tensor(1))).toThrow(/0-d/);
  });

  it('throws an IndexError-like message out of range', () => {
    expect(() => new TensorDataset(arange(3)).get(3)).toThrow('TensorDataset: index 3 is out of range for dataset of length 3');
  });

  it('getBatch gathers rows with one indexSelect per tensor', () => {
    const ds = new TensorDataset(arange(10).reshape(5, 2), arange(5));
    const [xb, yb] = ds.getBatch(Int32Array.of(4, 0, 2));
    expect(xb.tolist()).toEqual([[8, 9], [0, 1], [4, 5]]);
    expect(yb.tolist()).toEqual([4, 0, 2]);
  });

  it('keeps its tensors alive across ticks', () => {
    const ds = new TensorDataset(arange(6));
    for (let i = 0; i < 5; i++) tick();
    expect(ds.get(5)[0].item()).toBe(5);
    for (let i = 0; i < 5; i++) tick();
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) ds.get(i);
    for (let i = 0; i < 5; i++) tick();
    expect(memory().numTensors).toBe(before);
  });
});

describe('Dataset', () => {
  it('is iterable through get/length', () => {
    expect([...new Squares()]).toEqual([[0, 0], [1, 1], [2, 4], [3, 9], [4, 16]]);
  });
});

describe('Subset', () => {
  it('maps indices into the parent', () => {
    const sub = new Subset(new Squares(), [4, 1]);
    expect(sub.length).toBe(2);
    expect(sub.get(0)).toEqual([4, 16]);
    expect(sub.get(1)).toEqual([1, 1]);
    expect(() => sub.get(2)).toThrow(/out of range/);
    expect(() => new Subset(new Squares(), [5])).toThrow('Subset: index 5 is out of range for dataset of length 5');
  });

  it('forwards getBatch to the parent', () => {
    const sub = new Subset(new TensorDataset(arange(10)), [9, 3, 5]);
    const [b] = sub.getBatch!(Int32Array.of(2, 0));
    expect(b.tolist()).toEqual([5, 9]);
  });
});
