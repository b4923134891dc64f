/**
 * View arithmetic: a tensor is a view (shape, strides, offset) of a flat storage, as PyTorch's
 * `TensorImpl` over `StorageImpl` (c10/core/TensorImpl.h). Every view op (`view`, `narrow`,
 * `select`, `permute`, `expand`, slicing with a step) is a new geometry over the same storage;
 * nothing here touches data. `storage.ts` turns a geometry into kernel calls when data is needed.
 */

/** Shape, strides (in elements) and storage offset of a view. */
export interface Geometry {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of `shape` (`torch.empty(shape).stride()`). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = st;
    st *= Math.max(shape[i]!, 1);
  }
  return s;
}

/** Whether the view is row-major without gaps (`is_contiguous()`): size-1 dims may have any stride. */
export function isContiguous(g: Geometry): boolean {
  let expected = 1;
  for (let i = g.shape.length - 1; i >= 0; i--) {
    const n = g.shape[i]!;
    if (n === 0) return true;
    if (n === 1) continue;
    if (g.strides[i] !== expected) return false;
    expected *= n;
  }
  return true;
}

/** The geometry of a fresh contiguous tensor of `shape`. */
export function contiguousGeometry(shape: readonly number[]): Geometry {
  return { shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
}

/** A cache key for the view (`null` for a plain contiguous view at offset 0 of `dataShape`). */
export function viewKey(g: Geometry, dataShape: readonly number[]): string | null {
  if (g.offset === 0 && sameDims(g.shape, dataShape) && isContiguous(g)) return null;
  return `${g.shape.join(',')}|${g.strides.join(',')}|${g.offset}`;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

// ---- view ops ---------------------------------------------------------------------------------

/** `narrow(dim, start, length)` (also a slice with step 1). */
export function narrowGeometry(g: Geometry, dim: number, start: number, length: number, step = 1): Geometry {
  const shape = [...g.shape];
  const strides = [...g.strides];
  shape[dim] = length;
  strides[dim] = g.strides[dim]! * step;
  return { shape, strides, offset: g.offset + start * g.strides[dim]! };
}

/** `select(dim, index)`: the dim is removed. */
export function selectGeometry(g: Geometry, dim: number, index: number): Geometry {
  return {
    shape: g.shape.filter((_, i) => i !== dim),
    strides: g.strides.filter((_, i) => i !== dim),
    offset: g.offset + index * g.strides[dim]!,
  };
}

/** `permute(dims)`. */
export function permuteGeometry(g: Geometry, perm: readonly number[]): Geometry {
  return { shape: perm.map((p) => g.shape[p]!), strides: perm.map((p) => g.strides[p]!), offset: g.offset };
}

/** `expand(shape)`: new leading dims and broadcast size-1 dims get stride 0. */
export function expandGeometry(g: Geometry, shape: readonly number[]): Geometry {
  const lead = shape.length - g.shape.length;
  const strides = shape.map((s, i) => (i < lead ? 0 : g.shape[i - lead] === s ? g.strides[i - lead]! : 0));
  return { shape: [...shape], strides, offset: g.offset };
}

/**
 * `view(shape)` without a copy, or `null` when the strides do not allow it (PyTorch's
 * `at::detail::computeStride`): dims may only be merged or split within runs that are contiguous
 * in memory.
 */
export function reshapeGeometry(g: Geometry, shape: readonly number[]): Geometry | null {
  const numel = numelOf(g.shape);
  if (numel === 0 || g.shape.length === 0) return { shape: [...shape], strides: contiguousStrides(shape), offset: g.offset };
  if (isContiguous(g)) return { shape: [...shape], strides: contiguousStrides(shape), offset: g.offset };
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = g.strides[g.strides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = g.shape.length - 1; d >= 0; d--) {
    tensorNumel *= g.shape[d]!;
    if (d === 0 || (g.shape[d - 1] !== 1 && g.strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = g.strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return { shape: [...shape], strides: newStrides, offset: g.offset };
}

// ---- what a kernel needs to read or write a view ----------------------------------------------

/** Whether some storage element appears twice in the view (a broadcast dim: stride 0, size > 1). */
export function hasOverlap(g: Geometry): boolean {
  return g.shape.some((n, i) => n > 1 && g.strides[i] === 0);
}

/**
 * How to read a view with kernels. `block`: the view's non-broadcast, non-unit dims are a
 * permutation of a contiguous run `[start, start + length)` of the storage, laid out as
 * `blockShape` and transposed by `perm`; then reshaped to `unitShape` (size-1 and broadcast dims
 * as 1) and broadcast to the view's shape. `gather`: anything else, by element indices.
 */
export type ReadPlan =
  | { kind: 'block'; start: number; length: number; blockShape: number[]; perm: number[] | null; unitShape: number[]; broadcast: boolean }
  | { kind: 'gather'; indices: Int32Array; unitShape: number[]; broadcast: boolean };

export function readPlan(g: Geometry): ReadPlan {
  const broadcast = hasOverlap(g);
  const unitShape = g.shape.map((n, i) => (n > 1 && g.strides[i] === 0 ? 1 : n));
  const core = unitShape.map((_, i) => i).filter((i) => unitShape[i]! > 1);
  const order = [...core].sort((a, b) => g.strides[b]! - g.strides[a]!);
  const blockShape = order.map((i) => unitShape[i]!);
  const expected = contiguousStrides(blockShape);
  if (order.every((d, k) => g.strides[d] === expected[k])) {
    const perm = core.map((d) => order.indexOf(d));
    const identity = perm.every((p, i) => p === i);
    return { kind: 'block', start: g.offset, length: numelOf(blockShape), blockShape, perm: identity ? null : perm, unitShape, broadcast };
  }
  const coreGeom: Geometry = { shape: unitShape, strides: g.strides, offset: g.offset };
  return { kind: 'gather', indices: elementIndices(coreGeom), unitShape, broadcast };
}

/** The storage index of every element of the view, in row-major order. */
export function elementIndices(g: Geometry): Int32Array {
  const n = numelOf(g.shape);
  const out = new Int32Array(n);
  const nd = g.shape.length;
  if (n === 0) return out;
  const counter = new Array<number>(nd).fill(0);
  let pos = g.offset;
  for (let j = 0; j < n; j++) {
    out[j] = pos;
    for (let k = nd - 1; k >= 0; k--) {
      counter[k]++;
      pos += g.strides[k]!;
      if (counter[k]! < g.shape[k]!) break;
      pos -= g.strides[k]! * g.shape[k]!;
      counter[k] = 0;
    }
  }
  return out;
}
