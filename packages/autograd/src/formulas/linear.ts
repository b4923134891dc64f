/**
 * Backward of `linear` (y = x·Wᵀ + b), written so no weight-sized transpose is needed:
 * dX = G·W, dW = Gᵀ·X (only the small G is transposed), db = Σ G over the rows.
 */
import type { Formula } from './types.js';
import { each } from './util.js';

export const linearFormulas: Record<string, Formula> = {
  linear: (ctx, [g]) => {
    const [outF, inF] = ctx.inputShapes[1] as [number, number];
    const rows = ctx.inputShapes[0]!.slice(0, -1).reduce((x, y) => x * y, 1);
    const g2 = g!.reshape([rows, outF]);
    return each(
      ctx,
      () => g2.mm(ctx.input(1)).reshape(ctx.inputShapes[0]!),
      () => g2.t().mm(ctx.input(0).reshape([rows, inF])),
      () => g2.sum(0),
    );
  },
};
