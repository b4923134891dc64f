/**
 * Backward formula of the vector norm (`norm_backward` in PyTorch's FunctionsManual.cpp): a zero
 * norm gets gradient 0; ∞-norms split the gradient between the elements at the extreme.
 */
import { zeros } from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each, unreduce } from './util.js';

export const normFormulas: Record<string, Formula> = {
  norm: (ctx, [g]) => {
    const { ord, dims } = attrs<{ ord: number; dims: number[] }>(ctx);
    const shape = ctx.inputShapes[0]!;
    return each(ctx, () => {
      if (ord === 0) return zeros(shape);
      const x = ctx.input(0);
      const gk = unreduce(g!, shape, dims);
      if (ord === 1) return gk.mul(x.sign());
      const n = unreduce(ctx.output(0), shape, dims);
      if (!Number.isFinite(ord)) {
        const hits = x.abs().eq(n).float();
        return gk.mul(x.sign()).mul(hits).div(hits.sum(dims, true));
      }
      const zero = n.eq(0);
      if (ord === 2) return gk.mul(x).div(n).maskedFill(zero, 0);
      // d/dx (Σ|x|^p)^(1/p) = sign(x)·|x|^(p-1) / norm^(p-1).
      let scaled = x.sign().mul(x.abs().pow(ord - 1));
      if (ord < 1) scaled = scaled.maskedFill(x.eq(0), 0);
      return scaled.mul(gk.div(n.pow(ord - 1)).maskedFill(zero, 0));
    });
  },
};
