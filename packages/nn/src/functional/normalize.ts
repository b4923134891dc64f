/** `F.normalize`, `F.cosine_similarity`. */
import { broadcastShapes, where, type Tensor } from '@flint/tensor';
import { bindArgs, describeValue, intArg, numberArg } from '../args.js';
import { checkTensor } from './activation.js';

function dimIn(op: string, dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) throw new RangeError(`${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
}

/** √s, with gradient 0 (not ∞·0) where s = 0, as PyTorch's norm backward. */
function safeRoot(s: Tensor, p: number): Tensor {
  const pos = s.gt(0);
  const root = p === 2 ? where(pos, s, 1).sqrt() : where(pos, s, 1).pow(1 / p);
  return where(pos, root, 0);
}

/**
 * @internal The p-norm of `x` along `dim` (kept), as `torch.norm(x, p, dim, keepdim=True)`:
 * (Σ |x|ᵖ)^(1/p); `Infinity` is max |x|, `-Infinity` min |x|, 0 counts the non-zeros. The
 * gradient where the norm is 0 is 0.
 */
export function vectorNorm(x: Tensor, p: number, dim: number): Tensor {
  if (p === Infinity) return x.abs().amax(dim, true);
  if (p === -Infinity) return x.abs().amin(dim, true);
  if (p === 0) return x.ne(0).sum(dim, true).float();
  if (p === 1) return x.abs().sum(dim, true);
  if (p === 2) return safeRoot(x.square().sum(dim, true), 2);
  return safeRoot(x.abs().pow(p).sum(dim, true), p);
}

export interface NormalizeOptions {
  /** The norm's exponent (default 2). */
  p?: number;
  /** The dim normalised (default 1). */
  dim?: number;
  /** Lower bound of the norm (default 1e-12). */
  eps?: number;
}

/**
 * `F.normalize(input, p=2.0, dim=1, eps=1e-12)`: x / max(‖x‖ₚ, eps), the p-norm taken along
 * `dim`. `F.normalize(x, 2, 0)` is `F.normalize(x, { dim: 0 })`.
 */
export function normalize(input: Tensor, options?: NormalizeOptions): Tensor;
export function normalize(input: Tensor, p?: number, dim?: number | Omit<NormalizeOptions, 'p'>, eps?: number | Pick<NormalizeOptions, 'eps'>): Tensor;
export function normalize(input: Tensor, ...args: unknown[]): Tensor {
  const op = 'normalize';
  checkTensor(op, input);
  const a = bindArgs(op, args, ['p', 'dim', 'eps', 'out']);
  if (a.out !== undefined && a.out !== null) throw new Error(`${op}: out is not supported by Flint (got ${describeValue(a.out)}); use the returned tensor`);
  const p = numberArg(op, 'p', a.p, 2);
  const dim = dimIn(op, intArg(op, 'dim', a.dim, 1), input.ndim);
  const eps = numberArg(op, 'eps', a.eps, 1e-12);
  const x = input.dtype === 'float32' ? input : input.to('float32');
  return x.div(vectorNorm(x, p, dim).clamp(eps));
}

export interface CosineSimilarityOptions {
  /** The dim compared (default 1). */
  dim?: number;
  /** Lower bound of each norm (default 1e-8). */
  eps?: number;
}

/**
 * `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`: x₁·x₂ / (max(‖x₁‖, eps) · max(‖x₂‖, eps))
 * along `dim` of the broadcast shape, which the output drops. As PyTorch 1.13 it computes
 * Σ x₁x₂ / √(max(‖x₁‖², eps²) · max(‖x₂‖², eps²)) with the clamps outside the graph (the
 * gradient sees the unclamped squared norms).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options?: CosineSimilarityOptions): Tensor;
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim?: number, eps?: number | Pick<CosineSimilarityOptions, 'eps'>): Tensor;
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  const op = 'cosineSimilarity';
  checkTensor(op, x1, 'x1');
  checkTensor(op, x2, 'x2');
  const a = bindArgs(op, args, ['dim', 'eps']);
  const eps = numberArg(op, 'eps', a.eps, 1e-8);
  const shape = broadcastShapes(op, x1.shape, x2.shape);
  const dim = dimIn(op, intArg(op, 'dim', a.dim, 1), shape.length);
  const f = (t: Tensor) => (t.dtype === 'float32' ? t : t.to('float32')).expand(shape);
  const [u, v] = [f(x1), f(x2)];
  // The clamp changes the value only: s + (max(s, eps²) - s) detached.
  const clampedSquaredNorm = (t: Tensor) => {
    const s = t.square().sum(dim, true);
    return s.add(s.clamp(eps * eps).sub(s).detach());
  };
  return u.mul(v).mul(clampedSquaredNorm(u).mul(clampedSquaredNorm(v)).rsqrt()).sum(dim);
}
