import { Generator } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { randomSplit } from './random-split.js';
import { Range } from './test-utils/range.js';

describe('randomSplit', () => {
  it('splits into disjoint subsets covering the dataset', () => {
    const [a, b] = randomSplit(new Range(10), [7, 3], { generator: new Generator(0) });
    expect(a!.length).toBe(7);
    expect(b!.length).toBe(3);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
  });

  it('is reproducible from the generator seed', () => {
    const split = (seed: number) => randomSplit(new Range(10), [5, 5], { generator: new Generator(seed) }).map((s) => [...s]);
    expect(split(1)).toEqual(split(1));
    expect(split(1)).not.toEqual(split(2));
  });

  it('takes fractions, dealing the remainder round-robin as PyTorch', () => {
    expect(randomSplit(new Range(10), [0.33, 0.33, 0.34]).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(randomSplit(new Range(5), [0.5, 0.5]).map((s) => s.length)).toEqual([3, 2]);
  });

  it('rejects lengths that do not add up', () => {
    expect(() => randomSplit(new Range(10), [3, 3])).toThrow('randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths [3,3], dataset length 10)');
    expect(() => randomSplit(new Range(10), [1.5, -0.5])).toThrow(/Fraction at index 0 is not between 0 and 1/);
  });
});
