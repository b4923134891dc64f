/**
 * @internal The values of a tfjs-wasm tensor as a view into the WASM heap, for the few scans that
 * tfjs-wasm has no fast kernel for (a column gather, max-pool indices, a contiguous range). The
 * view is valid until the next allocation (growing the heap detaches it): read it fully, then
 * make output tensors. `null` on other backends.
 */
import * as tf from '@tensorflow/tfjs-core';

type HeapBackend = { typedArrayFromHeap(t: tf.Tensor): Float32Array | Int32Array | Uint8Array };

export function heapView(t: tf.Tensor): Float32Array | Int32Array | Uint8Array | null {
  if (tf.getBackend() !== 'wasm') return null;
  return (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);
}
