/**
 * `torch.sort`, `torch.argsort`, `torch.topk`: per-slice orderings along one dim, computed on the
 * host (as PyTorch's CPU kernels do). NaN sorts as the largest value, ties keep their input order
 * (PyTorch's `stable=True`). Indices are int32 (PyTorch: int64). The values are recorded as
 * `sort` / `topk`, whose gradient scatters back to the indices taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { normDim, numelOf, shapeStr } from './util.js';

/** `[values, indices]`, also readable as `.values` / `.indices` (`torch.return_types.sort`). */
export type SortResult = [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Accepted for PyTorch's signature; Flint's sort is always stable. */
  stable?: boolean;
}
/** `sort` / `argsort` arguments: `(dim?, descending?, { stable }?)` or `({ dim, descending, stable })`. */
export type SortArgs = [dim?: number, descending?: boolean, options?: { stable?: boolean }] | [options: SortOptions];
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}
/** `topk` arguments after `k`: `(dim?, largest?, sorted?)` or `({ dim, largest, sorted })`. */
export type TopkArgs = [dim?: number, largest?: boolean, sorted?: boolean] | [options: TopkOptions];

export function sortResult(values: Tensor, indices: Tensor): SortResult {
  const r = [values, indices] as [Tensor, Tensor] & { values: Tensor; indices: Tensor };
  Object.defineProperties(r, { values: { value: values }, indices: { value: indices } });
  return r;
}

/** Orders each slice along `dim` and keeps its first `k` entries: the values and their int32 indices. */
function orderAlong(op: 'sort' | 'topk', x: Tensor, dim: number, descending: boolean, k: number): SortResult {
  if (x.ndim === 0) return sortResult(record(op, x.clone(), [x], { dim: 0, indices: null }), new Tensor(tf.scalar(0, 'int32')));
  const shape = x.shape;
  const n = shape[dim]!;
  const inner = numelOf(shape.slice(dim + 1));
  const outer = numelOf(shape.slice(0, dim));
  const data = x._data.dataSync() as Float32Array | Int32Array | Uint8Array;
  const vals = new (data.constructor as Float32ArrayConstructor)(outer * k * inner);
  const ids = new Int32Array(outer * k * inner);
  const order = Array.from({ length: n }, (_, i) => i);
  // NaN is the largest value; equal values keep their order.
  const asc = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => (descending ? asc(data[base + b * inner]!, data[base + a * inner]!) : asc(data[base + a * inner]!, data[base + b * inner]!)) || a - b);
      const outBase = o * k * inner + j;
      for (let i = 0; i < k; i++) {
        ids[outBase + i * inner] = order[i]!;
        vals[outBase + i * inner] = data[base + order[i]! * inner]!;
      }
    }
  }
  const outShape = shape.map((s, i) => (i === dim ? k : s));
  const indices = new Tensor(tf.tensor(ids, outShape, 'int32'));
  const values = new Tensor(tf.tensor(vals, outShape, x.dtype));
  return sortResult(record(op, values, [x], { dim, indices }), indices);
}

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
}

/**
 * `torch.sort(input, dim=-1, descending=False, *, stable=False)` → `[values, indices]`:
 * `sort(x)`, `sort(x, 0, true)` or `sort(x, { dim, descending, stable })`. The order is always stable.
 */
export function sort(x: Tensor, ...args: SortArgs): SortResult {
  checkInput(x, 'sort');
  const a = bindArgs('sort', args, ['dim', 'descending'], ['stable']) as { dim?: number; descending?: boolean };
  const d = normDim(a.dim ?? -1, x.ndim, 'sort');
  return orderAlong('sort', x, d, a.descending ?? false, x.ndim === 0 ? 1 : x.shape[d]!);
}

/** `torch.argsort(input, dim=-1, descending=False, *, stable=False)`: the int32 indices of `sort`. */
export function argsort(x: Tensor, ...args: SortArgs): Tensor {
  checkInput(x, 'argsort');
  const a = bindArgs('argsort', args, ['dim', 'descending'], ['stable']) as { dim?: number; descending?: boolean };
  const d = normDim(a.dim ?? -1, x.ndim, 'argsort');
  if (x.ndim === 0) return new Tensor(tf.scalar(0, 'int32'));
  const n = x.shape[d]!;
  const xd = x.detach();
  const [values, indices] = orderAlong('sort', xd, d, a.descending ?? false, n);
  values.dispose();
  xd.dispose();
  return indices;
}

/**
 * `torch.topk(input, k, dim=-1, largest=True, sorted=True)` → `[values, indices]`: the `k` largest
 * (or smallest) entries along `dim`, in order (also with `sorted: false`).
 */
export function topk(x: Tensor, k: number, ...args: TopkArgs): SortResult {
  checkInput(x, 'topk');
  const a = bindArgs('topk', args, ['dim', 'largest', 'sorted']) as { dim?: number; largest?: boolean; sorted?: boolean };
  const d = normDim(a.dim ?? -1, x.ndim, 'topk');
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`topk(): selected index k out of range (k = ${k}, dimension ${d} of input ${shapeStr(x.shape)} has size ${n})`);
  }
  return orderAlong('topk', x, d, a.largest ?? true, k);
}
