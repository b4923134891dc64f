/**
 * The seam between tensor ops and the autograd engine of `@flint/autograd` (as `torch.Tensor` and
 * `torch.autograd`). Ops call `record` after computing their output; the engine, once registered,
 * attaches a graph node when grad mode is on and an input requires grad. The backward formulas
 * live in `@flint/autograd`, keyed by the op names used here.
 */
import { isGradEnabled } from './grad-mode.js';
import type { Tensor } from './tensor.js';

/** A node of the backward graph (`torch.autograd.graph.Node`), as a tensor's `gradFn` shows it. */
export interface GradNode {
  /** PyTorch's name, e.g. `'AddBackward0'`. */
  readonly name: string;
  /** The nodes this one sends gradients to, in input order (`next_functions`). */
  readonly nextFunctions: readonly (GradNode | null)[];
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

/** What `@flint/autograd` provides. */
export interface AutogradEngine {
  record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): void;
  backward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void;
  retainGrad(t: Tensor): void;
}

let engine: AutogradEngine | null = null;

/** Called once by `@flint/autograd` when it is imported. */
export function registerAutogradEngine(e: AutogradEngine): void {
  engine = e;
}

export function autogradEngine(): AutogradEngine {
  if (!engine) {
    throw new Error("backward: no autograd engine is loaded; import '@flint/autograd' (or '@flint/nn', which imports it)");
  }
  return engine;
}

/**
 * An observer of the op stream, for exporters (`torch.jit.trace`'s role; `@flint/onnx` uses it).
 * While one is installed, every op that `record`s itself reports its name, inputs, outputs and
 * attrs here, with or without autograd, and `willRecord` is true so that ops take their recorded
 * path (composites keep their intermediates, `maxPool2d` records itself) even under `noGrad`.
 * Ops that never call `record` (comparisons and other non-differentiable ops, tensor creation)
 * are not seen.
 */
export interface OpTracer {
  op(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): void;
}

let tracer: OpTracer | null = null;

/** Installs `t` as the op tracer (`null` removes it); returns the previous one. */
export function setOpTracer(t: OpTracer | null): OpTracer | null {
  const previous = tracer;
  tracer = t;
  return previous;
}

/** Whether an op on `inputs` would be recorded now (engine loaded, grad mode on, an input requires grad; or a tracer installed). */
export function willRecord(inputs: readonly unknown[]): boolean {
  if (tracer !== null) return true;
  return engine !== null && isGradEnabled() && inputs.some((t) => typeof t === 'object' && t !== null && (t as Tensor).requiresGrad === true);
}

let pending = false;

/** Whether ops were recorded since the last `backward()`: a graph is waiting for its backward. */
export function graphPending(): boolean {
  return pending;
}

/** Called by the engine when a backward pass ends. */
export function clearGraphPending(): void {
  pending = false;
}

/** Records `op` for autograd if needed and returns `out`. */
export function record<T extends Tensor>(op: string, out: T, inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>> = {}): T {
  if (engine !== null && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    pending = true;
    engine.record(op, inputs, [out], attrs);
  }
  tracer?.op(op, inputs, [out], attrs);
  return out;
}

/** `record` for ops with several outputs (`split`, `chunk`, `max(dim)` values). */
export function recordMany<T extends Tensor>(op: string, outs: T[], inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>> = {}): T[] {
  if (engine !== null && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    pending = true;
    engine.record(op, inputs, outs, attrs);
  }
  tracer?.op(op, inputs, outs, attrs);
  return outs;
}
