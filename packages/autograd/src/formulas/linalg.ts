/**
 * Backward formulas of the matrix products. Transposes are materialised with `t()` /
 * `transpose()`: tfjs's transpose flags on matMul are 12–25× slower on WASM.
 */
import type { Formula } from './types.js';
import { each } from './util.js';


export const linalgFormulas: Record<string, Formula> = {
  // C = A·B: dA = G·Bᵀ, dB = Aᵀ·G
  mm: (ctx, [g]) =>
    each(
      ctx,
      () => g!.mm(ctx.input(1).t()),
      () => ctx.input(0).t().mm(g!),
    ),
  bmm: (ctx, [g]) =>
    each(
      ctx,
      () => g!.bmm(ctx.input(1).transpose(1, 2)),
      () => ctx.input(0).transpose(1, 2).bmm(g!),
    ),
};
