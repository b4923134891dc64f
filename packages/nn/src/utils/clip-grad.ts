/** Gradient clipping (`torch.nn.utils.clip_grad_norm_`, `clip_grad_value_`). */
import { Tensor, backendReadsSync, stack, tensor, withGradMode } from '@flint/tensor';
import { bindArgs, boolArg, describeValue, numberArg } from '../args.js';

function withGrads(parameters: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  const iterable = parameters !== null && typeof parameters === 'object' && Symbol.iterator in parameters;
  if (!(parameters instanceof Tensor) && !iterable) throw new TypeError(`${op}: parameters must be a Tensor or an iterable of Tensors (got ${describeValue(parameters)})`);
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameters[${i}] is not a Tensor (got ${describeValue(p)})`);
  });
  return list.filter((p) => p._grad !== null);
}

export interface ClipGradNormOptions {
  maxNorm?: number;
  /** The p of the norm (default 2); `Infinity` (or `'inf'`) for the max norm. */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
  /** Accepted for ported code; no effect. */
  foreach?: boolean | null;
}

/**
 * `clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)`: scales all
 * gradients together, in place, so that their joint `normType`-norm is at most `maxNorm`
 * (by maxNorm / (total + 1e-6) when it exceeds). Returns the total norm before clipping as a
 * 0-d tensor. `normType` may be `Infinity`.
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, options: ClipGradNormOptions & { maxNorm: number }): Tensor;
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType?: number | 'inf' | Omit<ClipGradNormOptions, 'maxNorm'>,
  errorIfNonfinite?: boolean | Omit<ClipGradNormOptions, 'maxNorm' | 'normType'>,
): Tensor;
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, ...args: unknown[]): Tensor {
  const op = 'clipGradNorm_';
  const a = bindArgs(op, args, ['maxNorm', 'normType', 'errorIfNonfinite', 'foreach']);
  if (a.maxNorm === undefined) throw new TypeError(`${op}: missing required argument 'maxNorm'`);
  const maxNorm = numberArg(op, 'maxNorm', a.maxNorm, 0);
  const normType = a.normType === 'inf' ? Infinity : numberArg(op, 'normType', a.normType, 2);
  const options = { errorIfNonfinite: boolArg(op, 'errorIfNonfinite', a.errorIfNonfinite, false) };
  const params = withGrads(parameters, op);
  if (params.length === 0) return tensor(0);
  return withGradMode(false, () => {
    const grads = params.map((p) => p._grad!);
    const norms =
      normType === Infinity
        ? grads.map((g) => g.abs().amax())
        : grads.map((g) => g.abs().pow(normType).sum().pow(1 / normType));
    const all = stack(norms);
    const total = normType === Infinity ? all.amax() : all.pow(normType).sum().pow(1 / normType);
    if (!backendReadsSync() && !options.errorIfNonfinite) {
      // Without a synchronous read (webgpu): PyTorch's own form, the clamped coefficient as a tensor.
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
      for (const g of grads) g.mul_(coef);
      coef.dispose();
      return total;
    }
    const totalValue = total.item();
    if (options.errorIfNonfinite && !Number.isFinite(totalValue)) {
      throw new Error(
        `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``,
      );
    }
    const coef = maxNorm / (totalValue + 1e-6);
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** `clip_grad_value_(parameters, clip_value)`: clamps every gradient, in place, to ±clipValue. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number | { clipValue: number }): void;
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, ...args: unknown[]): void {
  const op = 'clipGradValue_';
  const a = bindArgs(op, args, ['clipValue', 'foreach']);
  if (a.clipValue === undefined) throw new TypeError(`${op}: missing required argument 'clipValue'`);
  const clipValue = numberArg(op, 'clipValue', a.clipValue, 0);
  const params = withGrads(parameters, op);
  withGradMode(false, () => {
    for (const p of params) p._grad!.clamp_(-clipValue, clipValue);
  });
}
