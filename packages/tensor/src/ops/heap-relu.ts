/**
 * @internal ReLU and its gradient on WASM through the heap kernels (`activation-kernels.ts`), on
 * the calling thread; elsewhere, and for other dtypes, tfjs's kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeHeapKernels } from '../heap-kernels.js';
import { heapAlloc, heapBuffer } from '../heap.js';
import { Tensor } from '../tensor.js';
import { sameShape } from './util.js';

/** `torch.relu` of a backend tensor: `x < 0 ? 0 : x` (so NaN and -0 stay, as in PyTorch; tfjs's Relu gives +0 for -0). */
export function reluData<T extends tf.Tensor>(x: T): T {
  const k = x.dtype === 'float32' && x.size > 0 ? activeHeapKernels() : null;
  const src = k ? heapBuffer(x) : null;
  if (!k || !src) return tf.relu(x);
  const out = heapAlloc(x.shape);
  k.relu(src.offset, out.offset, x.size);
  return out.tensor as T;
}

/**
 * `where(y <= 0, 0, g)` for `g` and `y = relu(x)` of one shape (PyTorch's `threshold_backward`),
 * not recorded (ReLU's backward outside `create_graph`); `null` where the kernel does not apply.
 */
export function reluBackward(g: Tensor, y: Tensor): Tensor | null {
  if (g.dtype !== 'float32' || y.dtype !== 'float32' || g.numel() === 0 || !sameShape(g.shape, y.shape)) return null;
  const k = activeHeapKernels();
  const [go, yo] = k ? [heapBuffer(g._data), heapBuffer(y._data)] : [null, null];
  if (!k || !go || !yo) return null;
  const out = heapAlloc(g.shape);
  k.reluBackward(go.offset, yo.offset, out.offset, g.numel());
  return new Tensor(out.tensor);
}
