/**
 * @flint/webgpu: the WebGPU backend (tfjs-backend-webgpu). Importing it registers `'webgpu'`, so
 * that `await setBackend('webgpu')` (from `@flint/tensor`) switches to it. PyTorch's counterpart
 * is `tensor.to('cuda')` for a whole program: every op runs on the GPU once switched.
 *
 * - In a browser it uses `navigator.gpu`; nothing else is loaded.
 * - In Node, where there is no `navigator.gpu`, the backend loads the `webgpu` package (Dawn for
 *   Node) the first time it starts, if that package is installed; `await useDawn()` does the same
 *   explicitly (and takes Dawn's flags). Nothing is loaded at import time.
 *
 * Reading back: `await t.data()`, `await t.itemAsync()`, `await t.tolistAsync()`. The synchronous
 * forms work when the values are already on the CPU and otherwise throw an error naming the
 * asynchronous form (readback.ts). Kernels Flint supplies or replaces: kernels.ts.
 */
import { _findBackendFactory as findBackendFactory, _registerBackend as registerBackend, _removeBackend as removeBackend } from '@flint/tensor';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { createWebGPUBackend } from './backend.js';
import { guardSyncReads } from './readback.js';
import { registerFlintKernels } from './kernels.js';

export { useDawn, gpuAvailable, type DawnOptions } from './dawn.js';
export { adapterInfo } from './backend.js';

guardSyncReads(WebGPUBackend);
registerFlintKernels(WebGPUBackend);
// Replaces tfjs-backend-webgpu's own registration, which happens only when `navigator.gpu`
// exists at import time (so never in Node) and fails with a TypeError when there is no adapter.
if (findBackendFactory('webgpu') !== null) removeBackend('webgpu');
registerBackend('webgpu', createWebGPUBackend, 1);
