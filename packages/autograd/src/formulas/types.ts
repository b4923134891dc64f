/**
 * What a backward formula sees (the generated `*Backward0` nodes of `torch/csrc/autograd`, written
 * by hand). A formula receives the gradients of the op's outputs and returns one gradient per
 * input, `null` for inputs that need none. It uses Flint tensor ops only, so that with
 * `createGraph` the backward pass is recorded too and gives higher-order gradients.
 */
import type { DType, Tensor } from '@flint/tensor';

export interface FormulaContext {
  /** The recorded op name (`'mul'`). */
  readonly op: string;
  /** The op's attributes as recorded (`{ dims, keepdim }`). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Input `i` as saved at record time; throws if it was modified in place or the graph was freed. */
  input(i: number): Tensor;
  /** Output `i`, with the same checks. */
  output(i: number): Tensor;
  /** Shapes and dtypes of the inputs (always available, even after the graph is freed). */
  readonly inputShapes: readonly (readonly number[])[];
  readonly inputDtypes: readonly DType[];
  /** Whether input `i` requires grad (`ctx.needs_input_grad`). */
  readonly needsInputGrad: readonly boolean[];
}

/** A backward formula: output gradients in, input gradients out (`null` = no gradient). */
export type Formula = (ctx: FormulaContext, grads: readonly (Tensor | null)[]) => readonly (Tensor | null | undefined)[];

/** The attributes of the op, typed by the formula that reads them. */
export function attrs<T>(ctx: FormulaContext): T {
  return ctx.attrs as T;
}
