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

type WasmBackend = HeapBackend & {
  refCount(dataId: object): number;
  getMemoryOffset(dataId: object): number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  wasm: {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    wasmExports?: { memory?: WebAssembly.Memory };
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, offset: number): void };
  };
};

/** tfjs-wasm's memory (imported by the threaded build, exported by the others), or `null` off WASM. */
export function heapMemory(): WebAssembly.Memory | null {
  if (tf.getBackend() !== 'wasm') return null;
  const { wasm } = tf.backend() as unknown as WasmBackend;
  return wasm.wasmMemory ?? wasm.asm?.memory ?? wasm.wasmExports?.memory ?? null;
}

/**
 * The byte offset of `t`'s data on the WASM heap, and how many backend tensors share that buffer
 * (a reshape shares it); `null` when `t` is not on the WASM backend.
 */
export function heapBuffer(t: tf.Tensor): { offset: number; sharers: number } | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as WasmBackend;
  const sharers = backend.refCount(t.dataId);
  if (sharers === 0) return null;
  return { offset: backend.getMemoryOffset(t.dataId), sharers };
}

/**
 * `t`'s buffer was rewritten in place. tfjs-wasm assumes buffers never change: its kernels keep
 * state per tensor (XNNPACK's packed matMul and convolution weights) until the tensor is
 * disposed. Unregistering and registering the tensor again runs those disposal callbacks and
 * leaves the memory where it is.
 */
export function heapRewritten(t: tf.Tensor): void {
  const backend = tf.backend() as unknown as WasmBackend;
  const info = backend.dataIdMap.get(t.dataId)!;
  backend.wasm.tfjs.disposeData(info.id);
  backend.wasm.tfjs.registerTensor(info.id, t.size, info.memoryOffset);
}

/**
 * A new float32 (or int32) backend tensor of `shape` with uninitialised memory, and its byte
 * offset on the heap, for a kernel or a scan that fills all of it (tfjs-wasm's own kernels
 * allocate their outputs so). Take heap views only after the allocations: one may grow the heap.
 */
export function heapAlloc(shape: readonly number[], dtype: 'float32' | 'int32' = 'float32'): { tensor: tf.Tensor; offset: number } {
  const backend = tf.backend() as unknown as WasmBackend & { makeOutput(shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo };
  const info = backend.makeOutput([...shape], dtype);
  return { tensor: tf.engine().makeTensorFromTensorInfo(info), offset: backend.getMemoryOffset(info.dataId) };
}
