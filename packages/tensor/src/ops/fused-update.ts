/**
 * @internal Fused in-place updates for optimizers (no PyTorch counterpart in the public API; they
 * play the part of PyTorch's `_foreach_*` / fused optimizer kernels). Each is one pass over the
 * WASM heap instead of four kernel passes and their new tensors, with bit-identical results (see
 * `heap-kernels.ts`). Each returns `false`, having changed nothing, where it does not apply: off
 * WASM, float32 tensors of one shape that are not whole contiguous storages, or storages whose
 * buffer another backend tensor shares. The caller then runs the plain ops.
 */
import { heapKernels } from '../heap-kernels.js';
import { heapBuffer, heapMemory } from '../heap.js';
import type { Tensor } from '../tensor.js';

/** The operands' shapes and dtypes allow a fused pass, and no two share a storage. */
function fusible(tensors: readonly Tensor[]): boolean {
  const [first] = tensors;
  if (!tensors.every((t) => t.dtype === 'float32' && t.numel() === first!.numel() && t.shape.length === first!.shape.length && t.shape.every((d, i) => d === first!.shape[i]))) return false;
  return new Set(tensors.map((t) => t._storage)).size === tensors.length;
}

/** The byte offset of `t`'s values for reading (its materialized data), or `null`. */
function readOffset(t: Tensor): number | null {
  return heapBuffer(t._data)?.offset ?? null;
}

/**
 * SGD with momentum, in place: `buf = momentum·buf + scale·grad; param = param + step·buf`
 * (PyTorch's `buf.mul_(momentum).add_(grad, alpha=1 - dampening); param.add_(buf, alpha=-lr)`).
 */
export function momentumUpdate_(param: Tensor, buf: Tensor, grad: Tensor, momentum: number, scale: number, step: number): boolean {
  const memory = heapMemory();
  const kernels = memory && heapKernels(memory);
  if (!kernels || !fusible([param, buf, grad])) return false;
  const g = readOffset(grad);
  const p = g === null ? null : param._heapForWrite('momentumUpdate_');
  const b = p === null ? null : buf._heapForWrite('momentumUpdate_');
  if (g === null || p === null || b === null) return false;
  kernels.momentum(p, b, g, param.numel(), momentum, scale, step);
  param._wroteInPlace();
  buf._wroteInPlace();
  return true;
}

/** `y = y + alpha·x` in place (PyTorch's `y.add_(x, alpha=alpha)`). */
export function axpy_(y: Tensor, x: Tensor, alpha: number): boolean {
  const memory = heapMemory();
  const kernels = memory && heapKernels(memory);
  if (!kernels || !fusible([y, x])) return false;
  const xo = readOffset(x);
  const yo = xo === null ? null : y._heapForWrite('axpy_');
  if (xo === null || yo === null) return false;
  kernels.axpy(yo, xo, y.numel(), alpha);
  y._wroteInPlace();
  return true;
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
  const memory = heapMemory();
  const kernels = memory && heapKernels(memory);
  if (!kernels || !fusible([param, expAvg, expAvgSq, grad])) return false;
  const g = readOffset(grad);
  const p = g === null ? null : param._heapForWrite('adamUpdate_');
  const m = p === null ? null : expAvg._heapForWrite('adamUpdate_');
  const v = m === null ? null : expAvgSq._heapForWrite('adamUpdate_');
  if (g === null || p === null || m === null || v === null) return false;
  const { lr, beta1, beta2, eps, step } = h;
  const decay = h.decoupledDecay !== 0 ? 1 - lr * h.decoupledDecay : 1;
  kernels.adam(p, m, v, g, param.numel(), beta1, 1 - beta1, beta2, 1 - beta2, Math.sqrt(1 - beta2 ** step), eps, -(lr / (1 - beta1 ** step)), decay);
  for (const t of [param, expAvg, expAvgSq]) t._wroteInPlace();
  return true;
}
