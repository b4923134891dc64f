/** Backward formulas of the shape ops: the inverse reshape, permutation, or a sum over copies. */
import { attrs, type Formula } from './types.js';
import { each, sumToShape } from './util.js';

export const shapeFormulas: Record<string, Formula> = {
  reshape: (ctx, [g]) => each(ctx, () => g!.reshape(ctx.inputShapes[0]!)),
  permute: (ctx, [g]) => {
    const { dims } = attrs<{ dims: number[] }>(ctx);
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => (inverse[d] = i));
    return each(ctx, () => g!.permute(inverse));
  },
  expand: (ctx, [g]) => each(ctx, () => sumToShape(g!, ctx.inputShapes[0]!)),
  // Output dim i holds reps[i] copies of the input's dim i: view it as [reps[i], size[i]] and sum the copies.
  repeat: (ctx, [g]) => {
    const { reps } = attrs<{ reps: number[] }>(ctx);
    const shape = ctx.inputShapes[0]!;
    return each(ctx, () => {
      if (reps.every((r) => r === 1)) return g!;
      const split = shape.flatMap((s, i) => [reps[i]!, s]);
      return g!.reshape(split).sum(reps.map((_, i) => 2 * i), false).reshape(shape);
    });
  },
  flip: (ctx, [g]) => {
    const { dims } = attrs<{ dims: number[] }>(ctx);
    return each(ctx, () => g!.flip(dims));
  },
};
