/**
 * Backward formulas of the joining and indexing ops: slices scatter their gradient back into
 * zeros, gathers scatter-add it, scatters gather it.
 */
import { cat, zeros, type Tensor } from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each, sumToShape } from './util.js';

/** `g` placed at `[start, start + g.size(dim))` along `dim` of a zero tensor of `shape`. */
function embed(g: Tensor, shape: readonly number[], dim: number, start: number): Tensor {
  const after = shape[dim]! - start - g.shape[dim]!;
  const zerosAlong = (n: number): Tensor => zeros(shape.map((s, i) => (i === dim ? n : s)));
  const parts = [...(start > 0 ? [zerosAlong(start)] : []), g, ...(after > 0 ? [zerosAlong(after)] : [])];
  return parts.length === 1 ? g : cat(parts, dim);
}

/** Zero-pads `g` at the end of each dim up to `shape` (scatter's larger-than-index `src`). */
export function padEnd(g: Tensor, shape: readonly number[]): Tensor {
  let out = g;
  shape.forEach((s, dim) => {
    if (out.shape[dim]! < s) out = embed(out, out.shape.map((n, i) => (i === dim ? s : n)), dim, 0);
  });
  return out;
}

export const indexingFormulas: Record<string, Formula> = {
  cat: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    let offset = 0;
    return ctx.inputShapes.map((shape, i) => {
      const start = offset;
      offset += shape[dim]!;
      return ctx.needsInputGrad[i] ? g!.narrow(dim, start, shape[dim]!) : null;
    });
  },
  stack: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return ctx.inputShapes.map((_, i) => (ctx.needsInputGrad[i] ? g!.select(dim, i) : null));
  },
  narrow: (ctx, [g]) => {
    const { dim, start } = attrs<{ dim: number; start: number }>(ctx);
    return each(ctx, () => embed(g!, ctx.inputShapes[0]!, dim, start));
  },
  select: (ctx, [g]) => {
    const { dim, index } = attrs<{ dim: number; index: number }>(ctx);
    return each(ctx, () => embed(g!.unsqueeze(dim), ctx.inputShapes[0]!, dim, index));
  },
  indexSelect: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    const shape = ctx.inputShapes[0]!;
    return each(ctx, () => (shape.length === 0 ? g!.reshape([]) : zeros(shape).indexAdd(dim, ctx.input(1), g!)));
  },
  gather: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(ctx, () => zeros(ctx.inputShapes[0]!).scatterAdd(dim, ctx.input(1), g!));
  },
  maskedFill: (ctx, [g]) => each(ctx, () => sumToShape(g!.maskedFill(ctx.input(1), 0), ctx.inputShapes[0]!)),
  scatterAdd: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(
      ctx,
      () => g!,
      () => null,
      () => padEnd(g!.gather(dim, ctx.input(1)), ctx.inputShapes[2]!),
    );
  },
  indexAdd: (ctx, [g]) => {
    const { dim } = attrs<{ dim: number }>(ctx);
    return each(
      ctx,
      () => g!,
      () => null,
      () => g!.indexSelect(dim, ctx.input(1)).reshape(ctx.inputShapes[2]!),
    );
  },
};
