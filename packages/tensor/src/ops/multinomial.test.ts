import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, tensor } from '../index.js';
import { multinomial } from './multinomial.js';

describe('multinomial', () => {
  const p = tensor([0.1, 0, 0.6, 0.3]);
  it('draws with replacement in proportion to the weights, never a zero weight', () => {
    manualSeed(0);
    const s = multinomial(p, 4000, true);
    expect(s.shape).toEqual([4000]);
    expect(s.dtype).toBe('int32');
    const counts = [0, 0, 0, 0];
    for (const v of s.dataSync()) counts[v]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / 4000).toBeCloseTo(0.6, 1);
    expect(counts[3]! / 4000).toBeCloseTo(0.3, 1);
  });
  it('draws distinct categories without replacement, one row per input row', () => {
    manualSeed(1);
    const s = multinomial(tensor([[1, 1, 1, 0], [0, 2, 1, 1]]), 3);
    expect(s.shape).toEqual([2, 3]);
    for (const row of s.tolist() as number[][]) expect(new Set(row).size).toBe(3);
    expect((s.tolist() as number[][])[0]!.sort()).toEqual([0, 1, 2]);
    expect(p.multinomial(3).shape).toEqual([3]);
  });
  it('is reproducible under manualSeed and a generator', () => {
    manualSeed(5);
    const a = multinomial(p, 10, true).tolist();
    manualSeed(5);
    expect(multinomial(p, 10, true).tolist()).toEqual(a);
    const g = new Generator(9);
    const b = multinomial(p, 10, true, { generator: g }).tolist();
    expect(multinomial(p, 10, { replacement: true, generator: new Generator(9) }).tolist()).toEqual(b);
  });
  it('refuses bad distributions', () => {
    expect(() => multinomial(p, 4)).toThrow(/not enough non-negative category to sample/);
    expect(() => multinomial(p, 5)).toThrow(/cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/);
    expect(() => multinomial(tensor([-1, 2]), 1)).toThrow(/element < 0/);
    expect(() => multinomial(tensor([0, 0]), 1, true)).toThrow(/sum of probabilities <= 0/);
  });
});
