/**
 * @internal Matrix transposes on WASM through a tiled heap kernel (`heap-kernels.ts`): tfjs-wasm's
 * Transpose walks the output in order and strides through the input, ~3–5 ns per element on a
 * weight-sized matrix; the kernel moves 4×4 blocks with SIMD shuffles in tiles that keep both
 * sides in cache, and the last `rows % 4` rows and `cols % 4` columns are copied here. The values
 * are copied bit for bit. Off WASM (or without WebAssembly SIMD) these are `tf.transpose`; an
 * empty tensor gives an empty result without a kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeHeapKernels } from '../heap-kernels.js';
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

/**
 * `[R, C] → [C, R]` with the output rows in reverse order (`tf.reverse(tf.transpose(x), 0)`), on
 * the heap; `null` where the heap kernel does not apply (the caller builds it from other ops).
 */
export function transposeReversed(x: tf.Tensor): tf.Tensor | null {
  const [r, c] = x.shape as [number, number];
  return x.size === 0 ? null : batchedTranspose(x, 1, r, c, true);
}

function batchedTranspose(x: tf.Tensor, b: number, r: number, c: number, reversed = false): tf.Tensor | null {
  const shape = b === 1 && x.shape.length === 2 ? [c, r] : [b, c, r];
  // tfjs-wasm's Transpose divides by zero on an empty tensor.
  if (x.size === 0) return tf.zeros(shape, x.dtype);
  if (x.dtype !== 'float32') return null;
  const kernels = activeHeapKernels();
  const src = kernels ? heapBuffer(x) : null;
  if (!kernels || !src) return null;
  const out = heapAlloc(shape);
  const bytes = r * c * 4;
  // Output row j starts at `first + j·ds` bytes into each matrix.
  const [first, ds] = reversed ? [(c - 1) * r * 4, -r * 4] : [0, r * 4];
  for (let i = 0; i < b; i++) kernels.transpose(src.offset + i * bytes, out.offset + i * bytes + first, r, c, ds);
  if (r % 4 !== 0 || c % 4 !== 0) {
    const memory = heapMemory()!.buffer;
    for (let i = 0; i < b; i++) transposeEdges(new Float32Array(memory, src.offset + i * bytes, r * c), new Float32Array(memory, out.offset + i * bytes, r * c), r, c, reversed);
  }
  return out.tensor;
}

/**
 * The part of `dst = srcᵀ` (rows reversed with `reversed`) outside the kernel's `r & ~3` by
 * `c & ~3` corner: the last `c % 4` columns, then the last `r % 4` rows.
 */
function transposeEdges(src: Float32Array, dst: Float32Array, r: number, c: number, reversed: boolean): void {
  const [r4, c4] = [r & ~3, c & ~3];
  const row = (j: number) => (reversed ? c - 1 - j : j) * r;
  for (let i = 0; i < r; i++) for (let j = c4; j < c; j++) dst[row(j) + i] = src[i * c + j]!;
  for (let i = r4; i < r; i++) for (let j = 0; j < c4; j++) dst[row(j) + i] = src[i * c + j]!;
}

/**
 * `tf.transpose(x, perm)` through the heap kernel when the permutation is a matrix transpose or a
 * batched one once size-1 axes are dropped and axes that stay together are merged (NCHW → NHWC is
 * `[N, C, H·W] → [N, H·W, C]`); `null` for other permutations.
 */
export function permuteAsTranspose(x: tf.Tensor, perm: readonly number[]): tf.Tensor | null {
  const shape = x.shape;
  // Runs of input axes that stay consecutive in the output, in output order.
  const runs: number[][] = [];
  for (const axis of perm) {
    if (shape[axis] === 1) continue;
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === axis - 1) last.push(axis);
    else runs.push([axis]);
  }
  const size = (run: number[]) => run.reduce((s, a) => s * shape[a]!, 1);
  const out = perm.map((a) => shape[a]!);
  let y: tf.Tensor | null = null;
  if (runs.every((run, i) => i === 0 || runs[i - 1]![0]! < run[0]!)) return tf.reshape(x, out);
  const [a, b, c] = runs as [number[], number[], number[] | undefined];
  if (runs.length === 2 && a[0]! > b[0]!) y = batchedTranspose(tf.reshape(x, [size(b), size(a)]), 1, size(b), size(a));
  else if (runs.length === 3 && a[0]! < c![0]! && c![0]! < b[0]!) y = batchedTranspose(tf.reshape(x, [size(a), size(c!), size(b)]), size(a), size(c!), size(b));
  return y === null ? null : tf.reshape(y, out);
}
