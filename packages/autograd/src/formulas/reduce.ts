/** Backward formulas of the reductions: the gradient is broadcast back over the reduced dims. */
import { arange, where, type Tensor } from '@flint/tensor';
import { attrs, type Formula } from './types.js';
import { each, keepdimShape, unreduce } from './util.js';

interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

/** `amax` / `amin`: the gradient is split evenly between the elements equal to the extreme. */
const extreme: Formula = (ctx, [g]) => {
  const { dims } = attrs<ReduceAttrs>(ctx);
  const shape = ctx.inputShapes[0]!;
  return each(ctx, () => {
    const hits = ctx.input(0).eq(unreduce(ctx.output(0), shape, dims)).float();
    return unreduce(g!, shape, dims).mul(hits).div(hits.sum(dims, true));
  });
};

/** `max(dim)` / `min(dim)`: the gradient goes to the returned index only. */
const valuesIndices: Formula = (ctx, [g]) => {
  const { dim, indices } = attrs<{ dim: number; indices: Tensor }>(ctx);
  const shape = ctx.inputShapes[0]!;
  return each(ctx, () => {
    const positions = arange(shape[dim]!).reshape(shape.map((s, i) => (i === dim ? s : 1)));
    return where(positions.eq(indices), g!, 0);
  });
};

export const reduceFormulas: Record<string, Formula> = {
  sum: (ctx, [g]) => {
    const { dims } = attrs<ReduceAttrs>(ctx);
    const shape = ctx.inputShapes[0]!;
    return each(ctx, () => unreduce(g!, shape, dims).expand(shape));
  },
  mean: (ctx, [g]) => {
    const { dims } = attrs<ReduceAttrs>(ctx);
    const shape = ctx.inputShapes[0]!;
    const n = dims.reduce((p, d) => p * shape[d]!, 1);
    return each(ctx, () => unreduce(g!, shape, dims).expand(shape).div(n));
  },
  /**
   * prod: g·out/x where x ≠ 0. At a zero, the gradient is the product of the other elements when
   * it is the only zero of its slice, and 0 when there are more.
   */
  prod: (ctx, [g]) => {
    const { dims } = attrs<ReduceAttrs>(ctx);
    const shape = ctx.inputShapes[0]!;
    if (dims.length === 0) return [g];
    return each(ctx, () => {
      const x = ctx.input(0);
      const isZero = x.eq(0);
      const nonZero = where(isZero, 1, x);
      const keep = keepdimShape(shape, dims);
      const prodNonZero = (dims.length === 1 ? nonZero.prod(dims[0]!, true) : nonZero.prod()).reshape(keep);
      const zerosInSlice = isZero.float().sum(dims, true);
      const atZero = where(zerosInSlice.eq(1), prodNonZero, 0);
      const out = unreduce(ctx.output(0), shape, dims);
      return unreduce(g!, shape, dims).mul(where(isZero, atZero, out.div(nonZero)));
    });
  },
  amax: extreme,
  amin: extreme,
  maxDim: valuesIndices,
  minDim: valuesIndices,
};

