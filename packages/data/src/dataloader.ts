/**
 * `torch.utils.data.DataLoader`: batches of a map-style dataset, optionally shuffled.
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, generator: new Generator(0) });
 * for (const [xb, yb] of loader) { ... }
 * ```
 *
 * Each `for..of` is one epoch. With `shuffle`, each epoch draws a fresh permutation from
 * `generator` (default: the global generator seeded by `manualSeed`), so a seed fixes the order of
 * every epoch. Batches are built synchronously in the calling thread (`num_workers=0`).
 */
import { defaultGenerator, randperm, type Generator } from '@flint/tensor';
import { defaultCollate, type Collated } from './collate.js';
import type { Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the samples at every epoch (default false). */
  shuffle?: boolean;
  /** The generator for shuffling (default: the global one). */
  generator?: Generator;
  /** Drop the last batch if it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Merges a list of samples into a batch (default: `defaultCollate`, or the dataset's `getBatch`). */
  collateFn?: (samples: T[]) => B;
}

/**
 * `torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False, generator=None,
 * drop_last=False, collate_fn=None)`, with `num_workers=0`.
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly collateFn: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, generator, dropLast = false, collateFn } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`DataLoader: batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }
    if (typeof shuffle !== 'boolean') throw new TypeError(`DataLoader: shuffle should be a boolean value, but got shuffle=${String(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`DataLoader: drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collateFn = collateFn;
  }

  /** The number of batches per epoch (`len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of one epoch. */
  private order(): Int32Array {
    const n = this.dataset.length;
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    const perm = randperm(n, { generator: this.generator ?? defaultGenerator });
    const order = Int32Array.from(perm.dataSync());
    perm.dispose();
    return order;
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      if (this.collateFn) {
        yield this.collateFn(Array.from(indices, (i) => this.dataset.get(i)));
      } else if (this.dataset.getBatch) {
        yield this.dataset.getBatch(indices.slice()) as B;
      } else {
        yield defaultCollate(Array.from(indices, (i) => this.dataset.get(i))) as B;
      }
    }
  }
}
