/**
 * @internal Training-mode batch norm as one autograd node, as PyTorch's fused
 * `native_batch_norm` / `native_batch_norm_backward` are. Over `x [N, C, *]` viewed as `[N, C, S]`
 * (M = N·S values per channel), with `d = x − μ` and `s = 1/√(σ² + ε)` (biased σ²):
 *
 * - forward:  `y = d·(γs) + β`;
 * - backward: `dβ = Σ gy`, `dγ = s·Σ gy·d`, and
 *   `dx = γs·(gy − dβ/M − d·s·dγ/M)`, i.e. `a·gy + b·d + c` with per-channel `a = γs`,
 *   `b = −γs²·dγ/M`, `c = −γs·dβ/M`.
 *
 * On WASM the per-channel sums and the two full-size passes (`y`, `dx`) run as heap kernels and
 * the `[C]` arithmetic in JS (`_batchNormTrainForward`, `_batchNormTrainBackward`): three passes
 * over the activation forward and two backward, instead of ~10 full-size kernels, ~15 small ops
 * and their tensors.
 * Elsewhere, and under `create_graph`, they are ops; every sum runs over the innermost axis first
 * (`[N, C, S]` → `[N, C]` → `[C]`): WASM reduces other axes by transposing the whole tensor first.
 * Recorded op by op instead, the mean, the variance and their gradients took ~40 kernels per
 * layer, most of them full-size.
 */
import { Function, type FunctionCtx } from '@flint/autograd';
import { _batchNormTrainBackward, _batchNormTrainForward, isGradEnabled, type Tensor } from '@flint/tensor';

/** A `[C]` vector broadcast over `[N, C, S]`. */
const perChannel = (t: Tensor): Tensor => t.reshape([1, -1, 1]);

/** Σ over every axis but 1 of `[N, C, S]` → `[C]`. */
const channelSum = (t: Tensor): Tensor => t.sum(2).sum(0);

/** The batch statistics of `x3 [N, C, S]`: mean `[C]`, `d = x − mean`, biased variance `[C]`. */
export function batchStats(x3: Tensor): { mean: Tensor; d: Tensor; variance: Tensor } {
  const m = x3.shape[0]! * x3.shape[2]!;
  const mean = channelSum(x3).div(m);
  const d = x3.sub(perChannel(mean));
  return { mean, d, variance: channelSum(d.square()).div(m) };
}

/** `apply(x3 [N, C, S], weight [C] | null, bias [C] | null, eps)` → `[y [N, C, S], mean [C], biased variance [C]]`; only y has a gradient. */
export class BatchNormTraining extends Function {
  static override forward(ctx: FunctionCtx, x3: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor[] {
    // On WASM: the statistics and y as heap passes.
    const fused = _batchNormTrainForward(x3, weight, bias, eps);
    const stats = fused ? null : batchStats(x3);
    const { mean, variance } = fused ?? stats!;
    const invStd = fused?.invStd ?? variance.add(eps).rsqrt();
    let y = fused?.y ?? null;
    if (!y) {
      const scale = weight ? invStd.mul(weight) : invStd;
      y = stats!.d.mul(perChannel(scale));
      if (bias) y = y.add(perChannel(bias));
    }
    ctx.saveForBackward(x3, mean, invStd, ...(weight ? [weight] : []));
    ctx.hasBias = bias !== null;
    ctx.eps = eps;
    return [y, mean, variance];
  }

  static override backward(ctx: FunctionCtx, gy: Tensor): (Tensor | null)[] {
    const [x3, savedMean, savedInvStd, weight = null] = ctx.savedTensors as [Tensor, Tensor, Tensor, Tensor?];
    const m = x3.shape[0]! * x3.shape[2]!;
    // Under create_graph the statistics are recomputed from x by recorded ops, so that a second
    // backward sees how they depend on x.
    const stats = isGradEnabled() ? batchStats(x3) : null;
    const mean = stats?.mean ?? savedMean;
    const invStd = stats ? stats.variance.add(ctx.eps as number).rsqrt() : savedInvStd;
    // On WASM outside create_graph: heap passes, never materialising d.
    const fused = stats ? null : _batchNormTrainBackward(gy, x3, mean, invStd, weight);
    if (fused) return [fused.dx, fused.dWeight, ctx.hasBias ? fused.dBias : null, null];
    const d = stats?.d ?? x3.sub(perChannel(mean));
    const sumG = channelSum(gy);
    const dWeight = channelSum(gy.mul(d)).mul(invStd);
    const a = weight ? invStd.mul(weight) : invStd;
    const b = a.mul(invStd).mul(dWeight).div(-m);
    const c = a.mul(sumG).div(-m);
    const gx = gy.mul(perChannel(a)).add(d.mul(perChannel(b))).add(perChannel(c));
    return [gx, weight ? dWeight : null, ctx.hasBias ? sumG : null, null];
  }
}
