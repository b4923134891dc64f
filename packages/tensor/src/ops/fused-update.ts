/**
 * @internal Fused in-place updates for optimizers (no PyTorch counterpart in the public API; they
 * play the part of PyTorch's `_foreach_*` / fused optimizer kernels). Each is one pass over the
 * WASM heap instead of four to twelve kernel passes and their new tensors, with bit-identical
 * results (see `heap-kernels.ts`). Each returns `false`, having changed nothing, where it does not apply: off
 * WASM, float32 tensors of one shape that are not whole contiguous storages, or storages whose
 * buffer another backend tensor shares. The caller then runs the plain ops.
 */
import { activeHeapKernels, type HeapKernels } from '../heap-kernels.js';
import { heapBuffer } from '../heap.js';
import type { Tensor } from '../tensor.js';
import { sameShape } from './util.js';

/** The operands' shapes and dtypes allow a fused pass, and no two share a storage. */
function fusible(tensors: readonly Tensor[]): boolean {
  const [first] = tensors;
  if (!tensors.every((t) => t.dtype === 'float32' && sameShape(t.shape, first!.shape))) return false;
  return new Set(tensors.map((t) => t._storage)).size === tensors.length;
}

/**
 * Runs `kernel` with the heap offsets of `written` (rewritten in place, in order) and of `read`
 * (its materialized values), then bumps the written tensors' versions; `false`, with nothing
 * written, where the fused pass does not apply.
 */
function inPlace(op: string, written: readonly Tensor[], read: Tensor, kernel: (k: HeapKernels, out: number[], g: number) => void): boolean {
  const kernels = activeHeapKernels();
  if (!kernels || !fusible([...written, read])) return false;
  const g = heapBuffer(read._data)?.offset ?? null;
  if (g === null) return false;
  const out: number[] = [];
  for (const t of written) {
    const offset = t._heapForWrite(op);
    if (offset === null) return false;
    out.push(offset);
  }
  kernel(kernels, out, g);
  for (const t of written) t._wroteInPlace();
  return true;
}

/**
 * SGD with momentum, in place: `buf = momentum·buf + scale·grad; param = param + step·buf`
 * (PyTorch's `buf.mul_(momentum).add_(grad, alpha=1 - dampening); param.add_(buf, alpha=-lr)`).
 */
export function momentumUpdate_(param: Tensor, buf: Tensor, grad: Tensor, momentum: number, scale: number, step: number): boolean {
  return inPlace('momentumUpdate_', [param, buf], grad, (k, [p, b], g) => k.momentum(p!, b!, g, param.numel(), momentum, scale, step));
}

/** `y = y + alpha·x` in place (PyTorch's `y.add_(x, alpha=alpha)`). */
export function axpy_(y: Tensor, x: Tensor, alpha: number): boolean {
  return inPlace('axpy_', [y], x, (k, [yo], xo) => k.axpy(yo!, xo, y.numel(), alpha));
}

/**
 * `y = y·a + x·b` in place (`y.mul_(a).add_(x, alpha=b)` rounded as `y.mul(a).add(x.mul(b))`):
 * batch norm's running-statistics update, `running = running·(1 − momentum) + batch·momentum`.
 */
export function scaleAdd_(y: Tensor, x: Tensor, a: number, b: number): boolean {
  return inPlace('scaleAdd_', [y], x, (k, [yo], xo) => k.scaleAdd(yo!, xo, y.numel(), a, b));
}

/** Adam's hyperparameters for one step `t` (PyTorch's names). */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  step: number;
  /** AdamW's decoupled weight decay λ (the parameter is scaled by `1 - lr·λ` first); 0 for Adam. */
  decoupledDecay: number;
}

/**
 * Adam or AdamW, in place, in PyTorch's order of operations:
 * `m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; param = param·(1-lr·λ) - lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε)`.
 */
export function adamUpdate_(param: Tensor, expAvg: Tensor, expAvgSq: Tensor, grad: Tensor, h: AdamStep): boolean {
  const { lr, beta1, beta2, eps, step } = h;
  const decay = h.decoupledDecay !== 0 ? 1 - lr * h.decoupledDecay : 1;
  return inPlace('adamUpdate_', [param, expAvg, expAvgSq], grad, (k, [p, m, v], g) =>
    k.adam(p!, m!, v!, g, param.numel(), beta1, 1 - beta1, beta2, 1 - beta2, Math.sqrt(1 - beta2 ** step), eps, -(lr / (1 - beta1 ** step)), decay),
  );
}
