/** Backward formulas of `sort` / `topk` values: the gradient goes back to the indices taken. */
import { zeros, type Tensor } from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each } from './util.js';

const ordered: Formula = (ctx, [g]) => {
  const { dim, indices } = attrs<{ dim: number; indices: Tensor | null }>(ctx);
  return each(ctx, () => (indices === null ? g! : zeros(ctx.inputShapes[0]!).scatterAdd(dim, indices, g!)));
};

export const sortFormulas: Record<string, Formula> = { sort: ordered, topk: ordered };
