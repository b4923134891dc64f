import { arange, Generator, manualSeed, memory, tensor, tick } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader.js';
import { TensorDataset } from './dataset.js';
import { Range } from './test-utils/range.js';

const values = (loader: Iterable<{ tolist(): unknown }>) => [...loader].map((b) => b.tolist());

describe('DataLoader', () => {
  it('batches in order, with a short last batch unless dropLast', () => {
    expect(values(new DataLoader(new Range(5), { batchSize: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
    expect(values(new DataLoader(new Range(5), { batchSize: 2, dropLast: true }))).toEqual([[0, 1], [2, 3]]);
    expect(new DataLoader(new Range(5), { batchSize: 2 }).length).toBe(3);
    expect(new DataLoader(new Range(5), { batchSize: 2, dropLast: true }).length).toBe(2);
    expect(new DataLoader(new Range(3)).length).toBe(3);
  });

  it('shuffles reproducibly from a seeded generator, differently each epoch', () => {
    const order = (seed: number) => {
      const loader = new DataLoader(new Range(20), { batchSize: 20, shuffle: true, generator: new Generator(seed) });
      return [values(loader)[0], values(loader)[0]];
    };
    const [a1, a2] = order(7);
    const [b1, b2] = order(7);
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2);
    expect([...(a1 as number[])].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(order(8)[0]).not.toEqual(a1);
  });

  it('uses the global generator (manualSeed) by default', () => {
    manualSeed(3);
    const a = values(new DataLoader(new Range(10), { batchSize: 10, shuffle: true }));
    manualSeed(3);
    const b = values(new DataLoader(new Range(10), { batchSize: 10, shuffle: true }));
    expect(a).toEqual(b);
  });

  it('takes the TensorDataset fast path and gives the same batches as per-sample stacking', () => {
    const x = arange(30).reshape(10, 3).float();
    const y = arange(10);
    const fast = new DataLoader(new TensorDataset(x, y), { batchSize: 4, shuffle: true, generator: new Generator(1) });
    const slow = new DataLoader(new TensorDataset(x, y), {
      batchSize: 4,
      shuffle: true,
      generator: new Generator(1),
      collateFn: (samples) => [tensor(samples.map(([a]) => a.tolist() as number[])), tensor(Int32Array.from(samples.map(([, b]) => b.item())))],
    });
    const f = [...fast].map(([a, b]) => [a.tolist(), b.tolist()]);
    const s = [...slow].map(([a, b]) => [a.tolist(), b.tolist()]);
    expect(f).toEqual(s);
    expect(f.map(([a]) => (a as unknown[]).length)).toEqual([4, 4, 2]);
    const [xb, yb] = [...fast][0]!;
    expect(xb.shape).toEqual([4, 3]);
    expect(yb.dtype).toBe('int32');
  });

  it('does not leak across epochs once ticking', () => {
    const loader = new DataLoader(new TensorDataset(arange(100).reshape(50, 2).float(), arange(50)), { batchSize: 8, shuffle: true });
    const epoch = () => {
      for (const [xb] of loader) {
        xb.sum().item();
        tick();
      }
      for (let i = 0; i < 4; i++) tick();
    };
    epoch();
    const before = memory().numTensors;
    epoch();
    epoch();
    expect(memory().numTensors).toBe(before);
  });

  it('validates options with PyTorch messages', () => {
    expect(() => new DataLoader(new Range(3), { batchSize: 0 })).toThrow('DataLoader: batch_size should be a positive integer value, but got batch_size=0');
    expect(() => new DataLoader(new Range(3), { batchSize: 1.5 })).toThrow(/batch_size/);
  });
});
