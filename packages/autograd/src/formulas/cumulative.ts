/** Backward formulas of `cumsum` and `cumprod` (`cumsum_backward`, `cumprod_backward`). */
import { arange, backendReadsSync, cat, where, type Tensor } from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each } from './util.js';

/** The sums from each position to the end along `dim`. */
const reverseCumsum = (g: Tensor, dim: number): Tensor => g.flip(dim).cumsum(dim).flip(dim);

/**
 * cumprod: with no zero in x, dx_i = Σ_{k≥i} g_k·out_k / x_i. A zero makes that 0/0, so then
 * each dx_i is Σ_{k≥i} g_k·∏_{j≤k, j≠i} x_j, one cumprod per position along `dim`.
 */
function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  // Without a synchronous read (webgpu), the general form, right with or without zeros.
  if (backendReadsSync() && x.eq(0).any().item() === 0) return reverseCumsum(g.mul(out), dim).div(x);
  const n = x.shape[dim]!;
  const positions = arange(n).reshape(x.shape.map((s, i) => (i === dim ? s : 1)));
  const parts = Array.from({ length: n }, (_, i) => {
    const others = where(positions.eq(i), 1, x).cumprod(dim);
    return where(positions.ge(i), g.mul(others), 0).sum(dim, true);
  });
  return cat(parts, dim);
}

export const cumulativeFormulas: Record<string, Formula> = {
  cumsum: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(ctx, () => (ctx.inputShapes[0]!.length === 0 ? g! : reverseCumsum(g!, dim)));
  },
  cumprod: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(ctx, () => (ctx.inputShapes[0]!.length === 0 ? g! : cumprodBackward(g!, ctx.input(0), ctx.output(0), dim)));
  },
};
