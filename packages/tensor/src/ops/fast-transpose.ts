/**
 * @internal Matrix transposes on WASM through a tiled heap kernel (`heap-kernels.ts`): tfjs-wasm's
 * Transpose walks the output in order and strides through the input, ~3–5 ns per element on a
 * weight-sized matrix; the 8×8 tiles keep both sides in cache. The values are copied bit for
 * bit. Off WASM (or without WebAssembly SIMD) these are `tf.transpose`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { heapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer, heapMemory } from '../heap.js';

/** `[R, C] → [C, R]` (`tf.transpose(x)` of a matrix). */
export function transpose2d(x: tf.Tensor): tf.Tensor {
  const [r, c] = x.shape as [number, number];
  return batchedTranspose(x, 1, r, c) ?? tf.transpose(x);
}

/** `[B, R, C] → [B, C, R]` (`tf.transpose(x, [0, 2, 1])`). */
export function transposeLast2(x: tf.Tensor): tf.Tensor {
  const [b, r, c] = x.shape as [number, number, number];
  return batchedTranspose(x, b, r, c) ?? tf.transpose(x, [0, 2, 1]);
}

function batchedTranspose(x: tf.Tensor, b: number, r: number, c: number): tf.Tensor | null {
  if (x.dtype !== 'float32' || x.size === 0) return null;
  const memory = heapMemory();
  const kernels = memory && heapKernels(memory);
  const src = kernels ? heapBuffer(x) : null;
  if (!kernels || !src) return null;
  const out = heapAlloc(b === 1 && x.shape.length === 2 ? [c, r] : [b, c, r]);
  const bytes = r * c * 4;
  for (let i = 0; i < b; i++) kernels.transpose(src.offset + i * bytes, out.offset + i * bytes, r, c);
  return out.tensor;
}
