/**
 * Custom differentiable ops (`torch.autograd.Function`):
 *
 * ```ts
 * class Exp extends Function {
 *   static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
 *     const y = x.exp();
 *     ctx.saveForBackward(y);
 *     return y;
 *   }
 *   static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
 *     const [y] = ctx.savedTensors;
 *     return g.mul(y!);
 *   }
 * }
 * const y = Exp.apply(x) as Tensor;
 * ```
 *
 * `forward` runs without recording; its outputs are then recorded as one node (`ExpBackward`)
 * whose formula calls `backward` with one gradient per output (zeros for outputs that received
 * none) and expects one gradient (or `null`) per forward argument.
 */
import { Tensor, isGradEnabled, withGradMode, zeros } from '@flint/tensor';
import { attach } from './engine.js';
import type { Formula } from './formulas/types.js';
import { Node, SavedTensor } from './node.js';

/** The `ctx` of a custom Function (`torch.autograd.function.FunctionCtx`). */
export interface FunctionCtx {
  /** Saves tensors for backward; they are checked for in-place changes when read. */
  saveForBackward(...tensors: Tensor[]): void;
  /** The saved tensors (`ctx.saved_tensors`). */
  readonly savedTensors: Tensor[];
  /** Per forward argument: whether it is a tensor that requires grad (`ctx.needs_input_grad`). */
  readonly needsInputGrad: readonly boolean[];
  /** Anything else backward needs (`ctx.k = 3` in PyTorch). */
  [key: string]: unknown;
}

class Ctx implements FunctionCtx {
  [key: string]: unknown;
  readonly saved: SavedTensor[] = [];
  constructor(readonly needsInputGrad: readonly boolean[]) {}
  saveForBackward(...tensors: Tensor[]): void {
    this.saved.length = 0;
    this.saved.push(...tensors.map((t) => new SavedTensor(t)));
  }
  get savedTensors(): Tensor[] {
    return this.saved.map((s) => s.unpack());
  }
}

/** The arguments of a `Function` subclass's `forward` after `ctx`: what `apply` takes. */
export type ForwardArgs<T> = T extends { forward(ctx: FunctionCtx, ...args: infer A): unknown } ? A : never;
/** What a `Function` subclass's `forward` returns: what `apply` returns. */
export type ForwardResult<T> = T extends { forward(...args: never[]): infer R } ? R : never;

/** Base class of custom ops: subclasses define static `forward` and `backward`, then call `apply`. */
export class Function {
  /** Computes the outputs (no graph is recorded inside). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  static forward(_ctx: FunctionCtx, ..._args: any[]): Tensor | Tensor[] {
    throw new Error(`${this.name}.forward is not implemented`);
  }
  /** Gradients of the forward arguments from the gradients of the outputs. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): any {
    throw new Error(`${this.name}.backward is not implemented`);
  }

  /** Runs the op and records it (`MyOp.apply(x, …)`). */
  static apply<T extends typeof Function>(this: T, ...args: ForwardArgs<T>): ForwardResult<T> {
    const needs = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const ctx = new Ctx(needs);
    const result = withGradMode(false, () => this.forward(ctx, ...args));
    if (!isGradEnabled() || !needs.some(Boolean)) return result as ForwardResult<T>;
    // An input returned as is becomes a new tensor sharing its data, so the input keeps its own history.
    const outs = (Array.isArray(result) ? result : [result]).map((o) => (args.includes(o) ? o.detach() : o));
    const positions = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const name = `${this.name}Backward`;
    const formula: Formula = (_, grads) => {
      const full = grads.map((g, i) => g ?? zeros(outs[i]!.shape));
      const r: unknown = this.backward(ctx, ...full);
      const list = (Array.isArray(r) ? r : [r]) as (Tensor | null | undefined)[];
      if (list.length !== args.length) {
        throw new Error(`function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${list.length})`);
      }
      return positions.map((i) => (needs[i] ? (list[i] ?? null) : null));
    };
    const inputs = positions.map((i) => args[i] as Tensor);
    attach(new Node(name, this.name, formula, inputs, outs, {}, ctx.saved), outs);
    return (Array.isArray(result) ? outs : outs[0]) as ForwardResult<T>;
  }
}
