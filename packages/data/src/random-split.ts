/**
 * `torch.utils.data.random_split(dataset, lengths, generator)`: splits a dataset into
 * non-overlapping random `Subset`s.
 */
import { defaultGenerator, randperm, type Generator } from '@flint/tensor';
import { Subset, type Dataset } from './dataset.js';

/**
 * `lengths` are either sample counts summing to `dataset.length`, or fractions summing to 1: then
 * each split gets `floor(fraction * length)` samples and the remainder is dealt round-robin from
 * the first split on, as PyTorch does. The same `generator` seed gives the same splits.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], options: { generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.length;
  let counts = [...lengths];
  const total = counts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    counts.forEach((f, i) => {
      if (f < 0 || f > 1) throw new RangeError(`randomSplit: Fraction at index ${i} is not between 0 and 1 (got ${f})`);
    });
    counts = counts.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  }
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`randomSplit: length at index ${i} must be a non-negative integer or a fraction (got ${c})`);
  });
  if (counts.reduce((a, b) => a + b, 0) !== n) {
    throw new RangeError(`randomSplit: Sum of input lengths does not equal the length of the input dataset! (lengths ${JSON.stringify(lengths)}, dataset length ${n})`);
  }
  const perm = randperm(n, { generator: options.generator ?? defaultGenerator });
  const order = Int32Array.from(perm.dataSync());
  perm.dispose();
  let offset = 0;
  return counts.map((c) => new Subset(dataset, order.subarray(offset, (offset += c))));
}
