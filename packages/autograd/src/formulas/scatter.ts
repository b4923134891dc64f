/**
 * Backward formula of `scatter` (`scatter_backward`): the overwritten entries of `x` get no
 * gradient; `src` gets the gradient of the entries it was written to (gathered at `index`).
 */
import { attrs, type Formula } from './types.js';
import { padEnd } from './indexing.js';
import { each } from './util.js';

export const scatterFormulas: Record<string, Formula> = {
  scatter: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(
      ctx,
      () => g!.scatter(dim, ctx.input(1), 0),
      () => null,
      () => padEnd(g!.gather(dim, ctx.input(1)), ctx.inputShapes[2]!),
    );
  },
};
