/** Backward formulas of `tril` / `triu`: the same triangle of the gradient. */
import { attrs, type Formula } from './types.js';
import { each } from './util.js';

export const triangularFormulas: Record<string, Formula> = {
  tril: (ctx, [g]) => each(ctx, () => g!.tril(attrs<{ diagonal: number }>(ctx).diagonal)),
  triu: (ctx, [g]) => each(ctx, () => g!.triu(attrs<{ diagonal: number }>(ctx).diagonal)),
};
