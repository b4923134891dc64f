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
import { bindArgs, defaultGenerator, describeValue, Generator, randperm } from '@flint/tensor';
import { defaultCollate, type Collated } from './collate.js';
import { checkDataset, datasetLength, type Dataset } from './dataset.js';

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
  collateFn?: ((samples: T[]) => B) | null;
  /**
   * Accepted for ported code (a non-negative integer): batches are always built in the calling
   * thread, so the batches are the same as PyTorch's with any number of workers.
   */
  numWorkers?: number;
  /** Accepted for ported code; no effect (Flint has no pinned memory). */
  pinMemory?: boolean;
  /** Accepted for ported code (≥ 0); no effect without workers. */
  timeout?: number;
  /** Accepted for ported code; no effect without workers. */
  persistentWorkers?: boolean;
  /** Accepted for ported code; no effect without workers. */
  prefetchFactor?: number | null;
  /** Not supported (only `null`): Flint's loaders shuffle or not, with `generator`. */
  sampler?: null;
  /** Not supported (only `null`). */
  batchSampler?: null;
  /** Not supported (only `null`): there are no worker processes to initialise. */
  workerInitFn?: null;
  /** Not supported (only `null`). */
  multiprocessingContext?: null;
}

/** PyTorch's positional order of `DataLoader(dataset, …)`. */
const POSITIONAL = [
  'batchSize',
  'shuffle',
  'sampler',
  'batchSampler',
  'numWorkers',
  'collateFn',
  'pinMemory',
  'dropLast',
  'timeout',
  'workerInitFn',
  'multiprocessingContext',
  'generator',
] as const;
const KEYWORD_ONLY = ['prefetchFactor', 'persistentWorkers', 'pinMemoryDevice'] as const;

/** Python-style binding of `DataLoader(dataset, batch_size, shuffle, …, **kwargs)` (after the dataset). */
function bind(dataset: unknown, args: readonly unknown[]): Record<string, unknown> {
  const o = bindArgs('DataLoader', [dataset, ...args], ['dataset', ...POSITIONAL], KEYWORD_ONLY);
  delete o.dataset;
  return o;
}

function unsupported(o: Record<string, unknown>, name: string, why: string): void {
  if (o[name] !== undefined && o[name] !== null) throw new Error(`DataLoader: ${name} is not supported by Flint (${why}); got ${describeValue(o[name])}`);
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

  /**
   * `new DataLoader(ds, { batchSize: 64, shuffle: true })`, or PyTorch's positional
   * `new DataLoader(ds, 64, true)` (then, in PyTorch's order, `sampler`, `batchSampler`,
   * `numWorkers`, `collateFn`, `pinMemory`, `dropLast`, …), with options after the positionals.
   */
  constructor(dataset: Dataset<T>, options?: DataLoaderOptions<T, B>);
  constructor(dataset: Dataset<T>, batchSize?: number, shuffle?: boolean | Omit<DataLoaderOptions<T, B>, 'batchSize'>, options?: Omit<DataLoaderOptions<T, B>, 'batchSize' | 'shuffle'>);
  constructor(dataset: Dataset<T>, ...args: unknown[]) {
    checkDataset(dataset, 'DataLoader');
    const o = bind(dataset, args);
    const { batchSize = 1, shuffle = false, generator, dropLast = false, collateFn } = o as DataLoaderOptions<T, B>;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`DataLoader: batch_size should be a positive integer value, but got batch_size=${typeof batchSize === 'string' ? `'${batchSize}'` : String(batchSize)}`);
    }
    if (typeof shuffle !== 'boolean') throw new TypeError(`DataLoader: shuffle should be a boolean value, but got shuffle=${String(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`DataLoader: drop_last should be a boolean value, but got drop_last=${String(dropLast)}`);
    if (generator !== undefined && generator !== null && !(generator instanceof Generator)) {
      throw new TypeError(`DataLoader: generator must be a Generator (new Generator(seed)), got ${describeValue(generator)}`);
    }
    if (collateFn !== undefined && collateFn !== null && typeof collateFn !== 'function') {
      throw new TypeError(`DataLoader: collate_fn must be a function, got ${describeValue(collateFn)}`);
    }
    const numWorkers = o.numWorkers ?? 0;
    if (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new RangeError(`DataLoader: num_workers option should be non-negative; use num_workers=0 to disable multiprocessing (got ${describeValue(numWorkers)})`);
    }
    const timeout = o.timeout ?? 0;
    if (typeof timeout !== 'number' || !(timeout >= 0)) throw new RangeError(`DataLoader: timeout option should be non-negative (got ${describeValue(timeout)})`);
    for (const name of ['pinMemory', 'persistentWorkers'] as const) {
      if (o[name] !== undefined && typeof o[name] !== 'boolean') throw new TypeError(`DataLoader: ${name} should be a boolean value, got ${describeValue(o[name])}`);
    }
    unsupported(o, 'sampler', 'use shuffle and generator, or a Subset');
    unsupported(o, 'batchSampler', 'use batchSize, shuffle and dropLast');
    unsupported(o, 'workerInitFn', 'batches are built in the calling thread, without workers');
    unsupported(o, 'multiprocessingContext', 'batches are built in the calling thread, without workers');
    datasetLength(dataset, 'DataLoader');
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator ?? undefined;
    this.collateFn = collateFn ?? undefined;
  }

  /** The number of batches per epoch (`len(loader)`). */
  get length(): number {
    const n = datasetLength(this.dataset, 'DataLoader');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of one epoch. */
  private order(): Int32Array {
    const n = datasetLength(this.dataset, 'DataLoader');
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
