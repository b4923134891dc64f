/** Bad datasets, lengths and options get clear errors; PyTorch's positional forms work too. */
import { Generator, arange, tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader.js';
import { defaultCollate } from './collate.js';
import { Dataset, Subset, TensorDataset } from './dataset.js';
import { randomSplit } from './random-split.js';
import { Range } from './test-utils/range.js';

/** A dataset whose `length` is whatever the test says. */
class Bad extends Dataset<number> {
  constructor(readonly n: unknown) {
    super();
  }
  get length(): number {
    return this.n as number;
  }
  get(i: number): number {
    return i;
  }
}

const values = (loader: Iterable<{ tolist(): unknown }>) => [...loader].map((b) => b.tolist());

describe('DataLoader', () => {
  it('refuses what is not a dataset', () => {
    expect(() => new DataLoader(null as never)).toThrow('DataLoader: dataset must be a Dataset (an object with get(index) and length, e.g. a TensorDataset or a subclass of Dataset), got null');
    expect(() => new DataLoader([1, 2, 3] as never)).toThrow(/dataset must be a Dataset .* got Array/);
    expect(() => new DataLoader(tensor([1, 2]) as never)).toThrow(/got Tensor/);
  });

  it('refuses a dataset whose length is negative, NaN or not an integer, naming it', () => {
    expect(() => new DataLoader(new Bad(-1))).toThrow('DataLoader: the length of Bad must be a non-negative integer, but Bad.length is number -1');
    expect(() => new DataLoader(new Bad(NaN))).toThrow('Bad.length is number NaN');
    expect(() => new DataLoader(new Bad(2.5))).toThrow('Bad.length is number 2.5');
    expect(() => new DataLoader(new Bad('3'))).toThrow("Bad.length is string '3'");
    // Checked again each epoch: a dataset may change.
    const ds = new Bad(3);
    const loader = new DataLoader(ds);
    (ds as { n: unknown }).n = -2;
    expect(() => [...loader]).toThrow('Bad.length is number -2');
    expect(() => [...new Bad(NaN)]).toThrow('Dataset iterator: the length of Bad must be a non-negative integer');
  });

  it('batchSize ≤ 0 or not an integer, and other bad options', () => {
    for (const batchSize of [0, -3, 1.5, NaN, '2']) {
      expect(() => new DataLoader(new Range(3), { batchSize: batchSize as number })).toThrow(/^DataLoader: batch_size should be a positive integer value, but got batch_size=/);
    }
    expect(() => new DataLoader(new Range(3), -1)).toThrow('batch_size=-1');
    expect(() => new DataLoader(new Range(3), { batch_size: 2 } as never)).toThrow("DataLoader: got an unexpected option 'batch_size'");
    expect(() => new DataLoader(new Range(3), { generator: 7 as never })).toThrow('DataLoader: generator must be a Generator (new Generator(seed)), got number 7');
    expect(() => new DataLoader(new Range(3), { collateFn: 'stack' as never })).toThrow("DataLoader: collate_fn must be a function, got string 'stack'");
    expect(() => new DataLoader(new Range(3), { numWorkers: -1 })).toThrow('DataLoader: num_workers option should be non-negative');
    expect(() => new DataLoader(new Range(3), { sampler: [0, 1] as never })).toThrow('DataLoader: sampler is not supported by Flint');
    expect(() => new DataLoader(new Range(3), 2, true, { shuffle: false } as never)).toThrow("DataLoader: got multiple values for argument 'shuffle'");
  });

  it("PyTorch's positional form equals the options form", () => {
    expect(values(new DataLoader(new Range(5), 2))).toEqual([[0, 1], [2, 3], [4]]);
    const a = values(new DataLoader(new Range(9), 3, true, { generator: new Generator(1) }));
    const b = values(new DataLoader(new Range(9), { batchSize: 3, shuffle: true, generator: new Generator(1) }));
    expect(a).toEqual(b);
    // batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory, drop_last
    const Loader = DataLoader as unknown as new (...args: unknown[]) => DataLoader<number>;
    const c = new Loader(new Range(5), 2, false, null, null, 4, null, false, true);
    expect(c.dropLast).toBe(true);
    expect(values(c)).toEqual([[0, 1], [2, 3]]);
  });
});

describe('randomSplit', () => {
  it('lengths that do not sum to the dataset length name the sum', () => {
    expect(() => randomSplit(new Range(10), [3, 3])).toThrow(
      'randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths [3,3], dataset length 10): the lengths sum to 6, not 10',
    );
    expect(() => randomSplit(new Range(10), [8, 3])).toThrow('the lengths sum to 11, not 10');
  });

  it('fractions that do not sum to 1 name the sum', () => {
    expect(() => randomSplit(new Range(10), [0.5, 0.4])).toThrow('randomSplit: fractions must sum to 1, but [0.5, 0.4] sum to 0.9');
    expect(() => randomSplit(new Range(10), [0.7, 0.7])).toThrow('randomSplit: fractions must sum to 1, but [0.7, 0.7] sum to 1.4');
    expect(() => randomSplit(new Range(10), [2.5, 7.5])).toThrow('randomSplit: length at index 0 must be a non-negative integer or a fraction (got 2.5)');
    expect(() => randomSplit(new Range(10), [NaN, 10])).toThrow('length at index 0 must be a non-negative integer or a fraction (got NaN)');
  });

  it('fractions that sum to 1 up to rounding work (0.1 + 0.2 + 0.7), as do [1, 0] (fractions, as PyTorch)', () => {
    expect(randomSplit(new Range(10), [0.1, 0.2, 0.7]).map((s) => s.length)).toEqual([1, 2, 7]);
    expect(randomSplit(new Range(5), [1, 0]).map((s) => s.length)).toEqual([5, 0]);
  });

  it('bad arguments and the positional generator', () => {
    expect(() => randomSplit(null as never, [1])).toThrow('randomSplit: dataset must be a Dataset');
    expect(() => randomSplit(new Bad(-4), [1])).toThrow('randomSplit: the length of Bad must be a non-negative integer, but Bad.length is number -4');
    expect(() => randomSplit(new Range(4), 4 as never)).toThrow('randomSplit: lengths must be an array of counts or fractions (got number 4)');
    expect(() => randomSplit(new Range(4), ['2', '2'] as never)).toThrow("randomSplit: length at index 0 must be a number (got string '2')");
    expect(() => randomSplit(new Range(4), [2, 2], { generator: 1 } as never)).toThrow('randomSplit: generator must be a Generator');
    const pos = randomSplit(new Range(8), [4, 4], new Generator(3)).map((s) => [...s.indices]);
    const opt = randomSplit(new Range(8), [4, 4], { generator: new Generator(3) }).map((s) => [...s.indices]);
    expect(pos).toEqual(opt);
  });
});

describe('datasets and collate', () => {
  it('index that is a string or out of range', () => {
    const ds = new TensorDataset(arange(3));
    expect(() => ds.get('1' as never)).toThrow("TensorDataset: index must be an integer (got string '1')");
    expect(() => ds.get(1.5)).toThrow('TensorDataset: index must be an integer (got number 1.5)');
    expect(() => ds.get(3)).toThrow('TensorDataset: index 3 is out of range for dataset of length 3');
    expect(() => new TensorDataset(arange(3), [1, 2, 3] as never)).toThrow('TensorDataset: argument 1 must be a Tensor (got Array)');
    expect(() => new Subset(new Range(3), 2 as never)).toThrow('Subset: indices must be an array of integers (got number 2)');
    expect(() => new Subset({} as never, [0])).toThrow('Subset: dataset must be a Dataset');
  });

  it('collate keeps "__proto__" and "constructor" as ordinary keys', () => {
    const samples = [JSON.parse('{"__proto__": 1, "constructor": 2.5}'), JSON.parse('{"__proto__": 3, "constructor": 4}')] as Record<string, number>[];
    const batch = defaultCollate(samples) as unknown as Record<string, { tolist(): unknown }>;
    expect(Object.getPrototypeOf(batch)).toBe(Object.prototype);
    expect(Object.keys(batch)).toEqual(['__proto__', 'constructor']);
    expect(batch['__proto__']!.tolist()).toEqual([1, 3]);
    expect(batch['constructor']!.tolist()).toEqual([2.5, 4]);
    expect(() => defaultCollate([{ a: 1 }, { b: 2 }] as Record<string, number>[])).toThrow("default_collate: batch[1] has no key 'a' but batch[0] has");
  });
});
