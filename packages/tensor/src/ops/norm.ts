/**
 * Norms: `torch.norm`, `torch.linalg.vector_norm`, `torch.linalg.matrix_norm` and
 * `torch.linalg.norm`. A vector norm is recorded as one `norm` op (PyTorch's `norm_backward`: a
 * zero norm has gradient 0, not NaN; ∞-norms split the gradient between ties); matrix norms are
 * composed of vector norms, `sum`, `amax` / `amin`.
 */
import { bindArgs } from '../args.js';
import { record } from '../graph-hooks.js';
import { scope } from '../lifetime.js';
import { Tensor } from '../tensor.js';
import { amax, amin, sum } from './reduce.js';
import { reshape } from './shape.js';
import { composite, normDim, normDims, scalarTypeName, shapeStr } from './util.js';

export type NormOrd = number | 'fro' | 'nuc';
import type { OptionalDims as Dims } from './util.js';
/** Norm arguments: `(ord?, dim?, keepdim?)` or a trailing `{ ord, dim, keepdim, dtype }`. */
export type VectorNormArgs =
  | [ord?: number, dim?: Dims, keepdim?: boolean]
  | [ord: number, dim: Dims, options: { keepdim?: boolean }]
  | [ord: number, options: { dim?: Dims; keepdim?: boolean }]
  | [options: { ord?: number; dim?: Dims; keepdim?: boolean }];
export type MatrixNormArgs =
  | [ord?: NormOrd, dim?: readonly number[], keepdim?: boolean]
  | [ord: NormOrd, options: { dim?: readonly number[]; keepdim?: boolean }]
  | [options: { ord?: NormOrd; dim?: readonly number[]; keepdim?: boolean }];
/** `torch.norm` arguments: `(p?, dim?, keepdim?)`, options trailing. */
export type NormArgs =
  | [p?: NormOrd | null, dim?: Dims, keepdim?: boolean]
  | [p: NormOrd | null, dim: Dims, options: { keepdim?: boolean }]
  | [p: NormOrd | null, options: { dim?: Dims; keepdim?: boolean }]
  | [options: { p?: NormOrd | null; dim?: Dims; keepdim?: boolean }];
export type LinalgNormArgs =
  | [ord?: NormOrd | null, dim?: Dims, keepdim?: boolean]
  | [ord: NormOrd | null, options: { dim?: Dims; keepdim?: boolean }]
  | [options: { ord?: NormOrd | null; dim?: Dims; keepdim?: boolean }];

function checkFloat(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (x.dtype !== 'float32') throw new TypeError(`${op}(): Expected a floating point tensor as input. Got ${scalarTypeName(x.dtype)} (call .float() first)`);
}

/** The norm's value, from detached data (the gradient is the `norm` formula's). */
function vectorNormValue(x: Tensor, ord: number, dims: number[], keepdim: boolean): Tensor {
  const a = x.abs();
  if (ord === Infinity) return x.numel() === 0 ? sum(a, dims, keepdim) : amax(a, dims, keepdim);
  if (ord === -Infinity) return amin(a, dims, keepdim);
  if (ord === 0) return sum(x.ne(0).float(), dims, keepdim);
  if (ord === 1) return sum(a, dims, keepdim);
  if (ord === 2) return sum(x.mul(x), dims, keepdim).sqrt();
  return sum(a.pow(ord), dims, keepdim).pow(1 / ord);
}

/**
 * `torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False)`: (Σ|x|^ord)^(1/ord) over `dim`
 * (all elements when `null`); `ord` ∞ / -∞ is max / min |x|, 0 counts the nonzeros.
 */
export function vectorNorm(x: Tensor, ...args: VectorNormArgs): Tensor {
  checkFloat(x, 'linalg.vector_norm');
  const a = bindArgs('linalg.vector_norm', args, ['ord', 'dim', 'keepdim'], ['dtype']) as { ord?: number; dim?: Dims; keepdim?: boolean };
  const ord = a.ord ?? 2;
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new TypeError(`linalg.vector_norm(): argument 'ord' must be a number (got ${String(ord)})`);
  const keepdim = a.keepdim ?? false;
  const dims = normDims(a.dim, x.ndim, 'linalg.vector_norm');
  if (ord < 0 && x.numel() === 0) throw new RangeError(`linalg.vector_norm(): Expected a non-empty tensor for ord=${ord} (got shape ${shapeStr(x.shape)})`);
  const out = scope(() => {
    const xd = x.detach();
    return vectorNormValue(xd, ord, dims, keepdim);
  });
  return record('norm', out, [x], { ord, dims, keepdim });
}

/**
 * `torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False)`: 'fro' (√Σ|a|²), and
 * 1 / -1 (max / min column sum of |a|), ∞ / -∞ (max / min row sum). 'nuc', 2 and -2 need singular
 * values, which Flint does not compute.
 */
export function matrixNorm(x: Tensor, ...args: MatrixNormArgs): Tensor {
  checkFloat(x, 'linalg.matrix_norm');
  const a = bindArgs('linalg.matrix_norm', args, ['ord', 'dim', 'keepdim'], ['dtype']) as { ord?: NormOrd; dim?: readonly number[]; keepdim?: boolean };
  const ord = a.ord ?? 'fro';
  const keepdim = a.keepdim ?? false;
  if (x.ndim < 2) throw new RangeError(`linalg.matrix_norm(): The input tensor A must have at least 2 dimensions (got shape ${shapeStr(x.shape)})`);
  const dim = a.dim ?? [-2, -1];
  if (dim.length !== 2) throw new RangeError(`linalg.matrix_norm(): dim must be a 2-tuple. Got ${dim.join(' ')}`);
  const [r, c] = dim.map((d) => normDim(d, x.ndim, 'linalg.matrix_norm')) as [number, number];
  if (r === c) throw new RangeError(`linalg.matrix_norm(): dims must be different. Got (${dim.join(', ')})`);
  if (ord === 'fro') return vectorNorm(x, 2, [r, c], keepdim);
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    throw new RangeError(`linalg.matrix_norm(): ord=${ord} needs singular values (an SVD), which Flint does not compute; use 'fro', 1, -1, Infinity or -Infinity`);
  }
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new RangeError(`linalg.matrix_norm(): Order ${String(ord)} not supported.`);
  }
  // 1 / -1: sums down each column (over the row dim), then the max / min over columns; ∞: rows.
  const [sumDim, extDim] = Math.abs(ord) === 1 ? [r, c] : [c, r];
  return composite([x], () => {
    const sums = sum(x.abs(), sumDim, true);
    const ext = ord > 0 ? amax(sums, extDim, true) : amin(sums, extDim, true);
    return keepdim ? ext : reshape(ext, x.shape.filter((_, i) => i !== r && i !== c));
  });
}

/**
 * `torch.linalg.norm(A, ord=None, dim=None, keepdim=False)`: a matrix norm when `dim` has two
 * dims (or when `dim` is `null`, `ord` is given and A is 2-D), else a vector norm (`ord=None`:
 * the 2-norm of the flattened tensor).
 */
export function linalgNorm(x: Tensor, ...args: LinalgNormArgs): Tensor {
  checkFloat(x, 'linalg.norm');
  const a = bindArgs('linalg.norm', args, ['ord', 'dim', 'keepdim'], ['dtype']) as { ord?: NormOrd | null; dim?: Dims; keepdim?: boolean };
  const keepdim = a.keepdim ?? false;
  const dim = typeof a.dim === 'number' ? [a.dim] : a.dim;
  const matrix = dim ? dim.length === 2 : a.ord !== undefined && a.ord !== null && x.ndim === 2;
  if (matrix) return matrixNorm(x, a.ord ?? 'fro', dim ?? [-2, -1], keepdim);
  if (typeof a.ord === 'string') throw new RangeError(`linalg.norm(): ord='${a.ord}' is a matrix norm: it needs a 2-D input or a 2-tuple dim`);
  return vectorNorm(x, a.ord ?? 2, dim ?? null, keepdim);
}

/**
 * `torch.norm(input, p='fro', dim=None, keepdim=False)`: `norm(x, p)` or `norm(x, p, dim, keepdim)`;
 * a number `p` is a vector norm over `dim` (every element when `null`), 'fro' the 2-norm over
 * `dim` (one or two dims, or all).
 */
export function norm(x: Tensor, ...args: NormArgs): Tensor {
  checkFloat(x, 'norm');
  const a = bindArgs('norm', args, ['p', 'dim', 'keepdim'], ['dtype']) as { p?: NormOrd | null; dim?: Dims; keepdim?: boolean };
  const p = a.p ?? 'fro';
  const keepdim = a.keepdim ?? false;
  if (p === 'nuc') return matrixNorm(x, 'nuc', typeof a.dim === 'number' ? [a.dim] : a.dim ?? [-2, -1], keepdim);
  if (p === 'fro') {
    if (a.dim !== undefined && a.dim !== null && typeof a.dim !== 'number' && a.dim.length > 2) {
      throw new RangeError(`norm(): p='fro' takes one or two dims (got ${a.dim.length})`);
    }
    return vectorNorm(x, 2, a.dim ?? null, keepdim);
  }
  if (typeof p !== 'number') throw new TypeError(`norm(): p must be a number, 'fro' or 'nuc' (got ${String(p)})`);
  return vectorNorm(x, p, a.dim ?? null, keepdim);
}

/** `torch.linalg`: the norms (`linalg.vectorNorm`, `linalg.matrixNorm`, `linalg.norm`). */
export const linalg = Object.freeze({ vectorNorm, matrixNorm, norm: linalgNorm });
