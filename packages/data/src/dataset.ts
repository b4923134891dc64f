/**
 * Map-style datasets (`torch.utils.data.Dataset`, `TensorDataset`, `Subset`).
 *
 * A dataset maps an index `0 <= i < length` to a sample. Flint adds one optional hook that
 * PyTorch spells `__getitems__`: `getBatch(indices)` returns a whole collated batch at once, so a
 * `DataLoader` with the default collate can build a batch with one gather instead of one slice
 * per sample and a `stack`.
 */
import { keep, Tensor, tensor, describeValue } from '@flint/tensor';
import type { Collated } from './collate.js';

/**
 * `torch.utils.data.Dataset`: subclass it and implement `get(i)` and `length`
 * (`__getitem__` / `__len__`). Datasets are iterable: `for (const sample of ds)`.
 */
export abstract class Dataset<T> {
  /** The sample at `index` (`__getitem__`). */
  abstract get(index: number): T;
  /** The number of samples (`__len__`). */
  abstract get length(): number;
  /**
   * Optional batched fetch (`__getitems__`): the collated batch of the samples at `indices`.
   * When present, `DataLoader` uses it instead of `get` + the default collate.
   */
  getBatch?(indices: Int32Array): Collated<T>;

  *[Symbol.iterator](): Iterator<T> {
    const n = datasetLength(this, 'Dataset iterator');
    for (let i = 0; i < n; i++) yield this.get(i);
  }
}

/** @internal The class name of a dataset, for messages. */
function nameOf(ds: object): string {
  return (ds as { constructor?: { name?: string } }).constructor?.name || 'dataset';
}

/**
 * @internal Throws unless `dataset` is a map-style dataset: an object with `get(index)` and a
 * `length` (a `Dataset` subclass, or anything shaped like one).
 */
export function checkDataset(dataset: unknown, op: string): asserts dataset is Dataset<unknown> {
  const ok = dataset !== null && typeof dataset === 'object' && typeof (dataset as { get?: unknown }).get === 'function' && 'length' in dataset;
  if (!ok) {
    throw new TypeError(`${op}: dataset must be a Dataset (an object with get(index) and length, e.g. a TensorDataset or a subclass of Dataset), got ${describeValue(dataset)}`);
  }
}

/** @internal `dataset.length`, checked: a non-negative integer, or an error naming the dataset. */
export function datasetLength(dataset: Dataset<unknown>, op: string): number {
  const n = (dataset as { length: unknown }).length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`${op}: the length of ${nameOf(dataset)} must be a non-negative integer, but ${nameOf(dataset)}.length is ${describeValue(n)}`);
  }
  return n;
}

/** Throws PyTorch's IndexError message when `index` is not a valid sample index. */
export function checkIndex(index: number, length: number, what: string): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`${what}: index must be an integer (got ${describeValue(index)})`);
  const i = index < 0 ? index + length : index;
  if (i < 0 || i >= length) throw new RangeError(`${what}: index ${index} is out of range for dataset of length ${length}`);
  return i;
}

/**
 * `torch.utils.data.TensorDataset(*tensors)`: sample `i` is `[t0[i], t1[i], …]`; every tensor must
 * have the same size in dim 0. The dataset keeps its tensors alive (`keep()`) for its lifetime.
 *
 * Batches use the fast path: one `indexSelect` of each whole tensor with the batch's indices.
 */
export class TensorDataset<Ts extends Tensor[] = Tensor[]> extends Dataset<Ts> {
  readonly tensors: Ts;

  constructor(...tensors: Ts) {
    super();
    if (tensors.length === 0) throw new RangeError('TensorDataset: at least one tensor is required');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} must be a Tensor (got ${describeValue(t)})`);
    });
    const n = tensors[0]!.ndim === 0 ? -1 : tensors[0]!.shape[0]!;
    tensors.forEach((t, i) => {
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a dim 0 to index samples`);
      if (t.shape[0] !== n) {
        const sizes = tensors.map((u) => (u.ndim === 0 ? '0-d' : u.shape[0])).join(', ');
        throw new RangeError(`TensorDataset: Size mismatch between tensors (sizes in dim 0: ${sizes})`);
      }
    });
    for (const t of tensors) keep(t);
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): Ts {
    const i = checkIndex(index, this.length, 'TensorDataset');
    return this.tensors.map((t) => t.select(0, i)) as Ts;
  }

  override getBatch(indices: Int32Array): Collated<Ts> {
    const idx = tensor(indices, { dtype: 'int32' });
    return this.tensors.map((t) => t.indexSelect(0, idx)) as Collated<Ts>;
  }
}

/**
 * `torch.utils.data.Subset(dataset, indices)`: the samples of `dataset` at `indices`, in that
 * order. Forwards `getBatch` to the parent when it has one.
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number> | Iterable<number>) {
    super();
    checkDataset(dataset, 'Subset');
    const n = datasetLength(dataset, 'Subset');
    const isList = indices !== null && typeof indices === 'object' && (Symbol.iterator in indices || typeof (indices as ArrayLike<number>).length === 'number');
    if (!isList) throw new TypeError(`Subset: indices must be an array of integers (got ${describeValue(indices)})`);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices as ArrayLike<number>, (i) => checkIndex(i, n, 'Subset'));
    if (dataset.getBatch) {
      const parent = dataset.getBatch.bind(dataset);
      this.getBatch = (indices: Int32Array) => parent(indices.map((i) => this.indices[checkIndex(i, this.length, 'Subset')]!));
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex(index, this.length, 'Subset')]!);
  }
}
