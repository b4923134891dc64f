/**
 * Indexing ops: `t[...]` (`index`), `narrow`, `select`, `gather`, `index_select`, `masked_fill`,
 * `scatter_add`, `index_add`.
 *
 * `index` is composed from recorded primitives (`narrow`, `select`, `indexSelect`, `reshape`,
 * `unsqueeze`, `permute`), so autograd needs no formula for it. Integer indices are read on the
 * host to check bounds (PyTorch's CPU kernels do the same); scatters run on tfjs's `ScatterNd`
 * kernel, which on WASM sums duplicate indices in one pass over the updates.
 */
import { canReadSync } from '../readback.js';
import * as tf from '@tensorflow/tfjs-core';
import { torchName } from '../dtype.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { expand, permute, reshape, unsqueeze } from './shape.js';
import { broadcastShapes, normDim, numelOf, shapeStr, type Shape } from './util.js';
import { elementIndices, narrowGeometry, selectGeometry } from '../strided.js';
import { castTo } from './util.js';

/** A slice `start:stop:step` as an object (all optional, step > 0). */
export type IndexSlice = { start?: number; stop?: number; step?: number };
/**
 * One item of `index(x, items)`: an integer (selects, removing the dim), a slice string (`':'`,
 * `'1:3'`, `'::2'`, `'-2:'`), a slice object, `null` (new axis), `'...'`, an array / int32 tensor
 * of indices, or a bool mask tensor.
 */
export type IndexItem = number | string | null | Tensor | readonly number[] | IndexSlice;

// ---- checks and index data ------------------------------------------------------------------------

function intData(t: Tensor): Int32Array {
  return t._data.dataSync() as Int32Array;
}

function checkTensor(t: unknown, what: string, op: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${what} to be a Tensor, but got ${t === null ? 'null' : typeof t}`);
}

/** `gather(): Expected dtype int32 for index` */
function checkIndex(index: unknown, op: string): asserts index is Tensor {
  checkTensor(index, 'index', op);
  if (index.dtype !== 'int32') {
    throw new TypeError(`${op}: Expected dtype int32 for index (got ${torchName(index.dtype)}); create the index with { dtype: 'int32' }`);
  }
}

function outOfBounds(op: string, v: number, dim: number, size: number): RangeError {
  return new RangeError(`${op}index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = st;
    st *= shape[i]!;
  }
  return s;
}

/** Backend tensors created inside an op and freed before it returns. */
function disposeAll(ts: tf.Tensor[]): void {
  for (const t of ts) t.dispose();
}

/** `tf.gather` that also handles empty outputs (tfjs gets their shape wrong). */
function gatherData(x: tf.Tensor, indices: tf.Tensor, axis: number, outShape: number[]): tf.Tensor {
  if (numelOf(outShape) === 0) return tf.zeros(outShape, x.dtype);
  return tf.gather(x, indices, axis);
}

// ---- narrow / select ----------------------------------------------------------------------------

/** `torch.narrow(x, dim, start, length)`: `length` entries from `start` along `dim` (start may be negative). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new RangeError('narrow(): narrow() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, x.ndim, 'narrow()');
  const size = x.shape[d]!;
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new RangeError(`narrow(): start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`narrow(): length must be non-negative (got ${length}).`);
  const s = start < 0 ? start + size : start;
  if (s + length > size) throw new RangeError(`narrow(): start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return narrowRaw(x, d, s, length);
}

/** Records `narrow {dim, start, length}` (normalised dim and start): a view of `x`'s storage. */
function narrowRaw(x: Tensor, dim: number, start: number, length: number): Tensor {
  return record('narrow', Tensor._view(x, narrowGeometry(x._geom, dim, start, length)), [x], { dim, start, length });
}

/** `torch.select(x, dim, index)`: the slice at `index` along `dim`, which is removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new RangeError('select(): select() cannot be applied to a 0-dim tensor.');
  const d = normDim(dim, x.ndim, 'select()');
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select(): index ${index} out of range for tensor of size ${shapeStr(x.shape)} at dimension ${d}`);
  }
  return selectRaw(x, d, index < 0 ? index + size : index);
}

/** Records `select {dim, index}` (normalised dim and index): a view of `x`'s storage. */
function selectRaw(x: Tensor, dim: number, index: number): Tensor {
  return record('select', Tensor._view(x, selectGeometry(x._geom, dim, index)), [x], { dim, index });
}

/**
 * `x[start::step]` along `dim` (step > 1): a strided view, recorded as the `indexSelect` of the
 * same entries so autograd scatters the gradient back.
 */
function stepSliceRaw(x: Tensor, dim: number, start: number, length: number, step: number, temps: Tensor[]): Tensor {
  const view = Tensor._view(x, narrowGeometry(x._geom, dim, start, length, step));
  if (!view.requiresGrad && !x.requiresGrad) return view;
  const ids = new Tensor(tf.tensor1d(Int32Array.from({ length }, (_, i) => start + i * step), 'int32'));
  temps.push(ids);
  return record('indexSelect', view, [x, ids], { dim });
}

// ---- index_select / gather ----------------------------------------------------------------------

/** `torch.index_select(x, dim, index)`: entries `index` (1-D int32, no negatives) along `dim`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const op = 'index_select()';
  checkTensor(x, 'self', op);
  checkIndex(index, op);
  if (index.ndim > 1) throw new RangeError(`${op}: Index is supposed to be a vector (got shape ${shapeStr(index.shape)})`);
  const d = normDim(dim, x.ndim, op);
  if (x.ndim === 0 && index.numel() !== 1) {
    throw new RangeError(`${op}: Index to scalar can have only 1 value, got ${index.numel()} value(s)`);
  }
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  // Skipped on a backend that reads only asynchronously (webgpu), as CUDA's device-side check.
  if (canReadSync(index._data)) for (const v of intData(index)) if (v < 0 || v >= n) throw outOfBounds(`${op}: `, v, d, n);
  return indexSelectRaw(x, d, index);
}

/** Records `indexSelect {dim}` (inputs `[x, index]`); `index` is int32, ≤ 1-D and in range. */
function indexSelectRaw(x: Tensor, dim: number, index: Tensor): Tensor {
  let data: tf.Tensor;
  if (x.ndim === 0) {
    data = tf.clone(x._data);
  } else {
    const outShape = [...x.shape];
    outShape[dim] = index.numel();
    const flat = index.ndim === 1 ? index._data : tf.reshape(index._data, [-1]);
    data = gatherData(x._data, flat, dim, outShape);
    if (flat !== index._data) flat.dispose();
  }
  return record('indexSelect', new Tensor(data), [x, index], { dim });
}

/**
 * `torch.gather(x, dim, index)`: `out[i][j] = x[index[i][j]][j]` for dim 0 (and so on). `index` has
 * x's number of dims, is no larger than x outside `dim`, and gives the output shape.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const op = 'gather()';
  checkTensor(x, 'self', op);
  checkIndex(index, op);
  const d = normDim(dim, x.ndim, op);
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const iShape = index.ndim === 0 ? [1] : index.shape;
  if (xShape.length !== iShape.length) {
    throw new RangeError(`${op}: Index tensor must have the same number of dimensions as input tensor (got ${index.ndim} and ${x.ndim})`);
  }
  for (let k = 0; k < xShape.length; k++) {
    if (k !== d && iShape[k]! > xShape[k]!) {
      throw new RangeError(
        `${op}: Size does not match at dimension ${k} expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d}`,
      );
    }
  }
  const flat = indexTargets(index, iShape, xShape, d, `${op}: `);
  let data: tf.Tensor;
  if (flat.size === 0) {
    flat.dispose();
    data = tf.zeros([...index.shape], x.dtype);
  } else {
    const xs = tf.reshape(x._data, [-1]);
    const ids = flat;
    const g = tf.gather(xs, ids);
    data = tf.reshape(g, [...index.shape]);
    disposeAll([xs, ids, g]);
  }
  return record('gather', new Tensor(data), [x, index], { dim: d });
}

/**
 * @internal For each entry of `index` (shape `iShape`), the flat offset into a tensor of shape `xShape` of
 * the element whose coordinate along `dim` is the index value and elsewhere the entry's own.
 */
export function flatTargets(values: Int32Array, iShape: Shape, xShape: Shape, dim: number, prefix: string): Int32Array {
  const xStrides = stridesOf(xShape);
  const n = xShape[dim]!;
  const rank = iShape.length;
  const out = new Int32Array(values.length);
  const counter = new Array<number>(rank).fill(0);
  let base = 0; // offset of the entry's coordinates, without the `dim` coordinate
  for (let p = 0; p < values.length; p++) {
    const v = values[p]!;
    if (v < 0 || v >= n) throw outOfBounds(prefix, v, dim, n);
    out[p] = base + v * xStrides[dim]!;
    for (let k = rank - 1; k >= 0; k--) {
      counter[k]++;
      if (k !== dim) base += xStrides[k]!;
      if (counter[k]! < iShape[k]!) break;
      if (k !== dim) base -= xStrides[k]! * iShape[k]!;
      counter[k] = 0;
    }
  }
  return out;
}

/**
 * @internal `flatTargets` of `index` as an int32 backend tensor. On a backend that reads only
 * asynchronously (webgpu) it is computed with kernels, without the range check (as CUDA's
 * device-side check, out-of-range entries are not reported).
 */
export function indexTargets(index: Tensor, iShape: Shape, xShape: Shape, dim: number, prefix: string): tf.Tensor {
  const n = numelOf(iShape);
  if (canReadSync(index._data)) return tf.tensor1d(flatTargets(intData(index), iShape, xShape, dim, prefix), 'int32');
  const base = flatTargets(new Int32Array(n), iShape, xShape, dim, prefix);
  const stride = stridesOf(xShape)[dim]!;
  return tf.tidy(() => tf.add(tf.tensor1d(base, 'int32'), tf.mul(tf.reshape(index._data, [n]), tf.scalar(stride, 'int32'))));
}

// ---- masked_fill --------------------------------------------------------------------------------

/** `torch.masked_fill(x, mask, value)`: `value` where the (broadcast) bool `mask` is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | boolean): Tensor {
  const op = 'masked_fill()';
  checkTensor(x, 'self', op);
  checkTensor(mask, 'mask', op);
  if (mask.dtype !== 'bool') throw new TypeError(`${op}: masked_fill only supports boolean masks, but got mask with dtype ${torchName(mask.dtype)}`);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`${op}: value must be a number (got ${typeof value})`);
  broadcastShapes(op, x.shape, mask.shape);
  const v = Number(value);
  let data: tf.Tensor;
  if (x.dtype === 'bool') {
    // tfjs-wasm's Select kernel mishandles bool values: use logical ops.
    if (v !== 0) {
      data = tf.logicalOr(x._data, mask._data);
    } else {
      const keep = tf.logicalNot(mask._data);
      data = tf.logicalAnd(x._data, keep);
      keep.dispose();
    }
  } else {
    const fill = x.dtype === 'int32' ? tf.scalar(Math.trunc(v), 'int32') : tf.scalar(v, 'float32');
    data = tf.where(mask._data, fill, x._data);
    fill.dispose();
  }
  return record('maskedFill', new Tensor(data), [x, mask], { value: v });
}

// ---- scatter_add / index_add --------------------------------------------------------------------

/** `out = x + scatterND(targets, updates)` over a flat [rows, ...rowShape] view, in x's dtype. */
function scatterAddData(x: tf.Tensor, rows: number, rowShape: number[], targets: Int32Array | tf.Tensor, updates: tf.Tensor): tf.Tensor {
  const calc = x.dtype === 'bool' ? 'int32' : x.dtype;
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const xs = own(tf.reshape(x.dtype === calc ? x : own(tf.cast(x, calc)), [rows, ...rowShape]));
  const up = updates.dtype === calc ? updates : own(tf.cast(updates, calc));
  const ids = own(targets instanceof tf.Tensor ? tf.reshape(targets, [targets.size, 1]) : tf.tensor2d(targets, [targets.length, 1], 'int32'));
  const scattered = own(tf.scatterND(ids, up, [rows, ...rowShape]));
  const sum = own(tf.add(xs, scattered));
  const res = x.dtype === 'bool' ? own(tf.notEqual(sum, 0)) : sum;
  const out = tf.reshape(res, x.shape);
  disposeAll(owned);
  return out;
}

/**
 * `torch.scatter_add(x, dim, index, src)` (out of place): `out[index[i][j]][j] += src[i][j]` for
 * dim 0. `index` and `src` have x's number of dims; only the `index`-shaped corner of `src` is used.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const op = 'scatter_add()';
  checkTensor(x, 'self', op);
  checkIndex(index, op);
  checkTensor(src, 'src', op);
  if (src.dtype !== x.dtype) {
    throw new TypeError(`${op}: Expected self.dtype to be equal to src.dtype (got ${torchName(x.dtype)} and ${torchName(src.dtype)})`);
  }
  const d = normDim(dim, x.ndim, op);
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const iShape = index.ndim === 0 ? [1] : index.shape;
  const sShape = src.ndim === 0 ? [1] : src.shape;
  if (iShape.length !== xShape.length) throw new RangeError(`${op}: Index tensor must have the same number of dimensions as self tensor (got ${index.ndim} and ${x.ndim})`);
  if (sShape.length !== xShape.length) throw new RangeError(`${op}: Index tensor must have the same number of dimensions as src tensor (got ${index.ndim} and ${src.ndim})`);
  if (iShape.some((n, k) => n > sShape[k]! || (k !== d && n > xShape[k]!))) {
    throw new RangeError(
      `${op}: Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d} and to be smaller size than src ${shapeStr(src.shape)}`,
    );
  }
  const targets = indexTargets(index, iShape, xShape, d, `${op}: `);
  let data: tf.Tensor;
  if (targets.size === 0) {
    data = tf.clone(x._data);
  } else {
    const corner = sShape.every((n, k) => n === iShape[k]) ? src._data : tf.slice(src._data, iShape.map(() => 0), [...iShape]);
    const updates = tf.reshape(corner, [-1]);
    data = scatterAddData(x._data, numelOf(xShape), [], targets, updates);
    updates.dispose();
    if (corner !== src._data) corner.dispose();
  }
  targets.dispose();
  return record('scatterAdd', new Tensor(data), [x, index, src], { dim: d });
}

/**
 * `torch.index_add(x, dim, index, source)` (out of place): `out[..., index[i], ...] += source[..., i, ...]`
 * along `dim`; duplicate indices accumulate.
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const op = 'index_add()';
  checkTensor(x, 'self', op);
  checkIndex(index, op);
  checkTensor(source, 'source', op);
  if (index.ndim > 1) throw new RangeError(`${op}: Index is supposed to be a vector (got shape ${shapeStr(index.shape)})`);
  if (source.dtype !== x.dtype) {
    throw new TypeError(`${op}: self (${torchName(x.dtype)}) and source (${torchName(source.dtype)}) must have the same scalar type`);
  }
  const d = normDim(dim, x.ndim, op);
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const sShape = source.ndim === 0 ? [1] : source.shape;
  const m = index.numel();
  if (sShape.length !== xShape.length || sShape.some((n, k) => k !== d && n !== xShape[k])) {
    throw new RangeError(`${op}: source ${shapeStr(source.shape)} and self ${shapeStr(x.shape)} must have the same shape except at dimension ${d}`);
  }
  if (sShape[d] !== m) throw new RangeError(`${op}: Number of indices (${m}) should be equal to source.size(dim) (${sShape[d]})`);
  const onHost = canReadSync(index._data);
  const values = onHost ? intData(index) : new Int32Array(m);
  const n = xShape[d]!;
  for (const v of values) if (v < 0 || v >= n) throw outOfBounds(`${op}: `, v, d, n);
  const outer = numelOf(xShape.slice(0, d));
  const inner = numelOf(xShape.slice(d + 1));
  let data: tf.Tensor;
  if (m === 0 || outer === 0 || inner === 0) {
    data = tf.clone(x._data);
  } else {
    // x as [outer * n, inner] rows; source row (a, i) goes to row a * n + index[i].
    const targets = new Int32Array(outer * m);
    for (let a = 0; a < outer; a++) for (let i = 0; i < m; i++) targets[a * m + i] = a * n + values[i]!;
    // Read only asynchronously (webgpu): the index values are added with a kernel, unchecked.
    const ids = onHost ? targets : tf.tidy(() => tf.add(tf.tensor1d(targets, 'int32'), tf.tile(tf.reshape(index._data, [m]), [outer])));
    const updates = tf.reshape(source._data, [outer * m, inner]);
    data = scatterAddData(x._data, outer * n, [inner], ids, updates);
    updates.dispose();
    if (ids instanceof tf.Tensor) ids.dispose();
  }
  return record('indexAdd', new Tensor(data), [x, index, source], { dim: d });
}

// ---- index (t[...]) -----------------------------------------------------------------------------

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | undefined; stop: number | undefined; step: number }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' }
  | { kind: 'array'; values: Int32Array; shape: number[] }
  | { kind: 'mask'; values: Uint8Array; shape: number[] }
  | { kind: 'boolScalar'; value: boolean };

const VALID =
  "only integers, slices (':', '1:3', '::2' or {start, stop, step}), ellipsis ('...'), null (new axis) and integer or boolean tensors / arrays are valid indices";

function parseSliceBound(s: string, item: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  if (!/^[+-]?\d+$/.test(t)) throw new TypeError(`index: invalid slice '${item}': ${VALID}`);
  return Number(t);
}

function parseItem(item: IndexItem): Parsed {
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new TypeError(`index: ${VALID} (got ${item})`);
    return { kind: 'int', value: item };
  }
  if (item === null) return { kind: 'newaxis' };
  if (typeof item === 'string') {
    const s = item.trim();
    if (s === '...') return { kind: 'ellipsis' };
    const parts = s.split(':');
    if (parts.length < 2 || parts.length > 3) throw new TypeError(`index: invalid slice '${item}': ${VALID}`);
    const [start, stop, step] = parts.map((p) => parseSliceBound(p, item));
    return { kind: 'slice', start, stop, step: checkStep(step) };
  }
  if (item instanceof Tensor) {
    if (item.dtype === 'bool') {
      if (item.ndim === 0) return { kind: 'boolScalar', value: item.item() !== 0 };
      return { kind: 'mask', values: item._data.dataSync() as Uint8Array, shape: [...item.shape] };
    }
    if (item.dtype !== 'int32') {
      throw new TypeError(`index: tensors used as indices must be int32 or bool tensors (got ${torchName(item.dtype)})`);
    }
    // A 0-d integer tensor indexes like an integer, as in PyTorch.
    if (item.ndim === 0) return { kind: 'int', value: item.item() };
    return { kind: 'array', values: intData(item), shape: [...item.shape] };
  }
  if (Array.isArray(item)) {
    const arr = item as readonly unknown[];
    if (!arr.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      throw new TypeError(`index: index arrays must hold integers (got [${arr.join(', ')}])`);
    }
    return { kind: 'array', values: Int32Array.from(arr as number[]), shape: [arr.length] };
  }
  if (typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const bad = Object.keys(o).filter((k) => k !== 'start' && k !== 'stop' && k !== 'step');
    const bound = (k: string): number | undefined => {
      const v = o[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`index: slice ${k} must be an integer (got ${String(v)})`);
      return v;
    };
    if (bad.length > 0) throw new TypeError(`index: unknown slice key(s) ${bad.join(', ')}: ${VALID}`);
    return { kind: 'slice', start: bound('start'), stop: bound('stop'), step: checkStep(bound('step')) };
  }
  throw new TypeError(`index: ${VALID} (got ${typeof item})`);
}

function checkStep(step: number | undefined): number {
  if (step === undefined) return 1;
  if (step <= 0) throw new RangeError('index: step must be greater than zero');
  return step;
}

/** Python's `slice(start, stop, step).indices(n)` for step > 0: the start and the length. */
function sliceRange(start: number | undefined, stop: number | undefined, step: number, n: number): { start: number; length: number } {
  const clamp = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = clamp(start, 0);
  const e = clamp(stop, n);
  return { start: s, length: e > s ? Math.ceil((e - s) / step) : 0 };
}

interface Advanced {
  /** Dim of the working tensor it indexes. */
  dim: number;
  values: Int32Array;
  shape: number[];
}

/**
 * NumPy/PyTorch indexing `x[items]`. Basic items (integers, slices, `null`, `'...'`) apply first,
 * as PyTorch does; then the advanced ones (index arrays / int tensors, bool masks as their
 * nonzero coordinates), broadcast together. Their result dims replace the indexed dims in place
 * when the indexed dims are adjacent, and go first otherwise.
 */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  checkTensor(x, 'self', 'index');
  const parsed = items.map(parseItem);
  let consumed = 0;
  let ellipses = 0;
  for (const p of parsed) {
    if (p.kind === 'int' || p.kind === 'slice' || p.kind === 'array') consumed++;
    else if (p.kind === 'mask') consumed += p.shape.length;
    else if (p.kind === 'ellipsis') ellipses++;
  }
  if (ellipses > 1) throw new RangeError("index: an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) throw new RangeError(`index: too many indices for tensor of dimension ${x.ndim}`);

  const protect = new Set<Tensor>([x]);
  for (const it of items) if (it instanceof Tensor) protect.add(it);
  const temps: Tensor[] = [];
  let cur = x;
  const step = (t: Tensor): void => {
    if (t !== cur && !protect.has(t)) temps.push(t);
    cur = t;
  };
  let result: Tensor | undefined;
  try {
    let d = 0; // dim of `cur` the next item indexes
    let realDim = 0; // dim of `x` the next item indexes (for messages)
    const adv: Advanced[] = [];
    for (const p of parsed) {
      switch (p.kind) {
        case 'int': {
          const size = cur.shape[d]!;
          if (p.value < -size || p.value >= size) throw outOfBounds('index: ', p.value, realDim, size);
          step(selectRaw(cur, d, p.value < 0 ? p.value + size : p.value));
          realDim++;
          break;
        }
        case 'slice': {
          const size = cur.shape[d]!;
          const { start, length } = sliceRange(p.start, p.stop, p.step, size);
          if (p.step === 1 || length <= 1) {
            if (length !== size) step(narrowRaw(cur, d, start, length));
          } else {
            step(stepSliceRaw(cur, d, start, length, p.step, temps));
          }
          d++;
          realDim++;
          break;
        }
        case 'newaxis':
          step(unsqueeze(cur, d));
          d++;
          break;
        case 'ellipsis': {
          const n = x.ndim - consumed;
          d += n;
          realDim += n;
          break;
        }
        case 'array':
          adv.push({ dim: d, values: p.values, shape: p.shape });
          d++;
          realDim++;
          break;
        case 'mask': {
          const k = p.shape.length;
          for (let j = 0; j < k; j++) {
            if (p.shape[j] !== cur.shape[d + j]) {
              throw new RangeError(
                `index: The shape of the mask ${shapeStr(p.shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(cur.shape)} at index ${d + j}`,
              );
            }
          }
          // The mask's nonzero coordinates, one index array per masked dim.
          const hits: number[] = [];
          p.values.forEach((v, i) => {
            if (v !== 0) hits.push(i);
          });
          const strides = stridesOf(p.shape);
          for (let j = 0; j < k; j++) {
            const values = Int32Array.from(hits, (h) => Math.floor(h / strides[j]!) % p.shape[j]!);
            adv.push({ dim: d + j, values, shape: [hits.length] });
          }
          d += k;
          realDim += k;
          break;
        }
        case 'boolScalar':
          // x[True] adds a dim of size 1, x[False] one of size 0.
          step(unsqueeze(cur, d));
          adv.push({ dim: d, values: p.value ? Int32Array.of(0) : new Int32Array(0), shape: [p.value ? 1 : 0] });
          d++;
          break;
      }
    }
    if (adv.length > 0) {
      const { next, ids } = applyAdvanced(cur, adv, step);
      temps.push(ids);
      step(next);
    }
    // `x[...]` / `x[:]` is a view of x too.
    result = cur === x ? record('reshape', Tensor._view(x, x._geom), [x], { shape: [...x.shape] }) : cur;
    return result;
  } finally {
    // Intermediates stay alive only when the graph holds them.
    if (result === undefined || !result.requiresGrad) {
      for (const t of temps) if (t !== result && !protect.has(t) && !t.isReleased) t.dispose();
    }
  }
}

/** The advanced-indexing step: one `indexSelect` over the indexed dims merged into one. */
function applyAdvanced(cur: Tensor, adv: Advanced[], step: (t: Tensor) => void): { next: Tensor; ids: Tensor } {
  let b: number[] = [];
  try {
    b = adv.reduce<number[]>((acc, a) => broadcastShapes('index', acc, a.shape), []);
  } catch {
    throw new RangeError(`index: shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((a) => shapeStr(a.shape)).join(', ')}`);
  }
  const sizes = adv.map((a) => cur.shape[a.dim]!);
  // Wrap negatives and check bounds.
  const vals = adv.map((a, i) => {
    const n = sizes[i]!;
    return Int32Array.from(a.values, (v) => {
      if (v < -n || v >= n) throw outOfBounds('index: ', v, a.dim, n);
      return v < 0 ? v + n : v;
    });
  });
  // Linear index over the indexed dims (row-major), for each position of the broadcast shape.
  const sizeStrides = stridesOf(sizes);
  const nb = b.length;
  const bStrides = adv.map((a) => {
    const s = new Array<number>(nb).fill(0);
    let st = 1;
    for (let k = a.shape.length - 1; k >= 0; k--) {
      s[nb - a.shape.length + k] = a.shape[k] === 1 ? 0 : st;
      st *= a.shape[k]!;
    }
    return s;
  });
  const total = numelOf(b);
  const lin = new Int32Array(total);
  const counter = new Array<number>(nb).fill(0);
  const offs = new Array<number>(adv.length).fill(0);
  for (let j = 0; j < total; j++) {
    let l = 0;
    for (let i = 0; i < adv.length; i++) l += vals[i]![offs[i]!]! * sizeStrides[i]!;
    lin[j] = l;
    for (let k = nb - 1; k >= 0; k--) {
      counter[k]++;
      for (let i = 0; i < adv.length; i++) offs[i] += bStrides[i]![k]!;
      if (counter[k]! < b[k]!) break;
      for (let i = 0; i < adv.length; i++) offs[i] -= bStrides[i]![k]! * b[k]!;
      counter[k] = 0;
    }
  }
  const ids = new Tensor(tf.tensor1d(lin, 'int32'));
  const dims = adv.map((a) => a.dim);
  const merged = numelOf(sizes);
  const adjacent = dims.every((dd, i) => i === 0 || dd === dims[i - 1]! + 1);
  if (adjacent) {
    // Merge the indexed dims in place: no transposes.
    const p = dims[0]!;
    const pre = cur.shape.slice(0, p);
    const post = cur.shape.slice(p + dims.length);
    const flat = reshape(cur, [...pre, merged, ...post]);
    step(flat);
    const sel = indexSelectRaw(flat, p, ids);
    step(sel);
    return { next: reshape(sel, [...pre, ...b, ...post]), ids };
  }
  const others = cur.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const rest = others.map((i) => cur.shape[i]!);
  const moved = permute(cur, [...dims, ...others]);
  step(moved);
  const flat = reshape(moved, [merged, ...rest]);
  step(flat);
  const sel = indexSelectRaw(flat, 0, ids);
  step(sel);
  return { next: reshape(sel, [...b, ...rest]), ids };
}

// ---- index assignment ---------------------------------------------------------------------------

/**
 * `x[items] = value` / `x.index_put_(items, value, accumulate)`: the storage positions of the
 * elements `x.index(...items)` selects (basic or advanced) get `value`, broadcast to the indexed
 * shape; with `accumulate`, `value` is added, repeated positions adding up.
 */
export function indexPut(x: Tensor, items: readonly IndexItem[], value: Tensor | number | boolean, accumulate: boolean, op: string): void {
  const positions = new Tensor(tf.tensor(elementIndices(x._geom), [...x.shape], 'int32'));
  const owned: Tensor[] = [positions];
  try {
    const picked = index(positions, items);
    owned.push(picked);
    const v = value instanceof Tensor ? value : Tensor._scalar(value, x.dtype);
    if (v !== value) owned.push(v);
    if (v.ndim > picked.ndim || v.shape.some((n, i) => n !== 1 && n !== picked.shape[picked.ndim - v.ndim + i])) {
      throw new RangeError(`${op}: shape mismatch: value tensor of shape ${shapeStr(v.shape)} cannot be broadcast to indexing result of shape ${shapeStr(picked.shape)}`);
    }
    const full = expand(v.detach(), picked.shape);
    owned.push(full);
    const data = full.dtype === x.dtype ? full._data : castTo(full._data, x.dtype);
    if (canReadSync(data) && canReadSync(picked._data)) {
      const src = data.dataSync();
      if (data !== full._data) data.dispose();
      x._storage.writeIndices(picked.dataSync() as Int32Array, src, accumulate);
    } else {
      // A backend that reads only asynchronously (webgpu): the write runs as kernels.
      x._storage.writeIndices(picked._data, data, accumulate);
      if (data !== full._data) data.dispose();
    }
  } finally {
    for (const t of owned) if (!t.isReleased) t.dispose();
  }
}
