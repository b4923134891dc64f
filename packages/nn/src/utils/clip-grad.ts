/** Gradient clipping (`torch.nn.utils.clip_grad_norm_`, `clip_grad_value_`). */
import { Tensor, stack, tensor, withGradMode } from '@flint/tensor';

function withGrads(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.filter((p) => p._grad !== null);
}

/**
 * `clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False)`: scales all
 * gradients together, in place, so that their joint `normType`-norm is at most `maxNorm`
 * (by maxNorm / (total + 1e-6) when it exceeds). Returns the total norm before clipping as a
 * 0-d tensor. `normType` may be `Infinity`.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): Tensor {
  const params = withGrads(parameters);
  if (params.length === 0) return tensor(0);
  return withGradMode(false, () => {
    const grads = params.map((p) => p._grad!);
    const norms =
      normType === Infinity
        ? grads.map((g) => g.abs().amax())
        : grads.map((g) => g.abs().pow(normType).sum().pow(1 / normType));
    const all = stack(norms);
    const total = normType === Infinity ? all.amax() : all.pow(normType).sum().pow(1 / normType);
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
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  withGradMode(false, () => {
    for (const p of withGrads(parameters)) p._grad!.clamp_(-clipValue, clipValue);
  });
}
