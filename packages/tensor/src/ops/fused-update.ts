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
