/** Backward formulas of the activations (`relu`, `sigmoid`, `gelu`, `softmax`, …). */
import { _reluBackward, isGradEnabled, where, type Tensor } from '@flint/tensor';
import { attrs, type Formula, type FormulaContext } from './types.js';
import { each } from './util.js';

function unary(f: (g: Tensor, ctx: FormulaContext) => Tensor): Formula {
  return (ctx, [g]) => each(ctx, () => f(g!, ctx));
}

/**
 * erf(z) from Flint ops (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, below float32's
 * resolution of erf's range), for the exact GELU's derivative. Flint has no erf op.
 */
export function erf(z: Tensor): Tensor {
  const a = z.abs();
  const t = a.mul(0.3275911).add(1).reciprocal();
  const poly = t.mul(1.061405429).add(-1.453152027).mul(t).add(1.421413741).mul(t).add(-0.284496736).mul(t).add(0.254829592).mul(t);
  const erfAbs = poly.mul(a.square().neg().exp()).neg().add(1);
  return erfAbs.mul(z.sign());
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const KAPPA = 0.044715;

export const activationFormulas: Record<string, Formula> = {
  // PyTorch's threshold_backward on the result: 0 where out <= 0, so 0 at x = 0 and g at NaN.
  // Outside create_graph on WASM one heap pass (the same bits).
  relu: unary((g, ctx) => (!isGradEnabled() && _reluBackward(g, ctx.output(0))) || where(ctx.output(0).le(0), 0, g)),
  sigmoid: unary((g, ctx) => {
    const s = ctx.output(0);
    return g.mul(s).mul(s.neg().add(1));
  }),
  tanh: unary((g, ctx) => g.mul(ctx.output(0).square().neg().add(1))),
  // d softplus = sigmoid(x)
  softplus: unary((g, ctx) => g.mul(ctx.input(0).sigmoid())),
  leakyRelu: unary((g, ctx) => {
    const { negativeSlope } = attrs<{ negativeSlope: number }>(ctx);
    return where(ctx.input(0).gt(0), g, g.mul(negativeSlope));
  }),
  // For x <= 0, out = alpha·(eˣ - 1) so d out = out + alpha.
  elu: unary((g, ctx) => {
    const { alpha } = attrs<{ alpha: number }>(ctx);
    return where(ctx.input(0).gt(0), g, g.mul(ctx.output(0).add(alpha)));
  }),
  gelu: unary((g, ctx) => {
    const { approximate } = attrs<{ approximate: 'none' | 'tanh' }>(ctx);
    const x = ctx.input(0);
    if (approximate === 'tanh') {
      // PyTorch's GeluBackward with approximate='tanh'.
      const inner = x.add(x.pow(3).mul(KAPPA)).mul(SQRT_2_OVER_PI);
      const th = inner.tanh();
      const left = x.mul(0.5);
      const right = th.add(1);
      const dInner = x.square().mul(3 * KAPPA).add(1).mul(SQRT_2_OVER_PI);
      return g.mul(right.mul(0.5).add(left.mul(th.square().neg().add(1)).mul(dInner)));
    }
    // Φ(x) + x·φ(x)
    const cdf = erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  }),
  // dx = y ⊙ (g - Σ g⊙y)
  softmax: unary((g, ctx) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    const y = ctx.output(0);
    return y.mul(g.sub(g.mul(y).sum(dim, true)));
  }),
  // dx = g - softmax ⊙ Σ g
  logSoftmax: unary((g, ctx) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return g.sub(ctx.output(0).exp().mul(g.sum(dim, true)));
  }),
};
