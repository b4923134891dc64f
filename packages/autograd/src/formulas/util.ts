/** Shared by the formulas: reducing broadcast gradients to an input's shape, undoing reductions, zeros for missing gradients. */
import { zeros, type Tensor } from '@flint/tensor';
import type { FormulaContext } from './types.js';

/** Whether two shapes are equal, dim by dim. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Reduces a broadcast gradient back to an input's shape (`at::sum_to`): sums the leading dims
 * broadcasting added and the dims where the input had size 1.
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? grad.sum(dims, true) : grad;
  return summed.reshape(shape);
}

/** `shape` with the reduced `dims` kept as size 1 (the `keepdim=True` shape). */
export function keepdimShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** A reduction's gradient (or output) reshaped to the keepdim shape, ready to broadcast. */
export function unreduce(t: Tensor, inputShape: readonly number[], dims: readonly number[]): Tensor {
  return t.reshape(keepdimShape(inputShape, dims));
}

/** Runs `fs[i]` for each input `i` that needs a gradient; `null` for the others (and inputs past `fs`). */
export function each(ctx: FormulaContext, ...fs: (() => Tensor | null)[]): (Tensor | null)[] {
  return ctx.needsInputGrad.map((need, i) => (need && fs[i] ? fs[i]() : null));
}

/** The gradient of a multi-output op's output, or zeros of its shape when it received none. */
export function orZeros(g: Tensor | null, shape: readonly number[]): Tensor {
  return g ?? zeros(shape);
}
