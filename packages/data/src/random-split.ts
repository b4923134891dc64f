/**
 * `torch.utils.data.random_split(dataset, lengths, generator)`: splits a dataset into
 * non-overlapping random `Subset`s.
 */
import { defaultGenerator, describeValue, Generator, randperm } from '@flint/tensor';
import { checkDataset, datasetLength, Subset, type Dataset } from './dataset.js';

/** Python's `math.isclose(a, b)` (rel_tol 1e-9). */
const isClose = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

const fmt = (x: number) => String(Number(x.toPrecision(12)));

/**
 * `lengths` are either sample counts summing to `dataset.length`, or fractions summing to 1: then
 * each split gets `floor(fraction * length)` samples and the remainder is dealt round-robin from
 * the first split on, as PyTorch does. The same `generator` seed gives the same splits:
 * `randomSplit(ds, [0.8, 0.2], { generator })` or PyTorch's positional
 * `randomSplit(ds, [0.8, 0.2], generator)`.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator?: Generator | { generator?: Generator }): Subset<T>[] {
  const op = 'randomSplit';
  checkDataset(dataset, op);
  const n = datasetLength(dataset, op);
  const options = generator instanceof Generator ? { generator } : generator;
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`${op}: the third argument must be a Generator or { generator } (got ${describeValue(options)})`);
  }
  const unknown = options ? Object.keys(options).find((k) => k !== 'generator') : undefined;
  if (unknown !== undefined) throw new TypeError(`${op}: got an unexpected option '${unknown}'; its options are generator`);
  const gen = options?.generator ?? defaultGenerator;
  if (!(gen instanceof Generator)) throw new TypeError(`${op}: generator must be a Generator (new Generator(seed)), got ${describeValue(gen)}`);
  if (!Array.isArray(lengths) && !ArrayBuffer.isView(lengths)) throw new TypeError(`${op}: lengths must be an array of counts or fractions (got ${describeValue(lengths)})`);
  let counts = Array.from(lengths as ArrayLike<number>);
  counts.forEach((c, i) => {
    if (typeof c !== 'number') throw new TypeError(`${op}: length at index ${i} must be a number (got ${describeValue(c)})`);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const shown = `[${counts.join(', ')}]`;
  if (isClose(total, 1)) {
    // Fractions (PyTorch also requires sum <= 1, which rejects [0.1, 0.2, 0.7] by rounding).
    counts.forEach((f, i) => {
      if (!(f >= 0 && f <= 1)) throw new RangeError(`${op}: Fraction at index ${i} is not between 0 and 1 (got ${f})`);
    });
    counts = counts.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  } else if (counts.some((c) => !Number.isInteger(c)) && counts.every((c) => c >= 0 && c <= 1)) {
    throw new RangeError(`${op}: fractions must sum to 1, but ${shown} sum to ${fmt(total)}`);
  } else {
    counts.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0) throw new RangeError(`${op}: length at index ${i} must be a non-negative integer or a fraction (got ${c})`);
    });
    if (total !== n) {
      throw new RangeError(
        `${op}: Sum of input lengths does not equal the length of the input dataset! (lengths ${JSON.stringify(counts)}, dataset length ${n}): the lengths sum to ${total}, not ${n}`,
      );
    }
  }
  const perm = randperm(n, { generator: gen });
  const order = Int32Array.from(perm.dataSync());
  perm.dispose();
  let offset = 0;
  return counts.map((c) => new Subset(dataset, order.subarray(offset, (offset += c))));
}
