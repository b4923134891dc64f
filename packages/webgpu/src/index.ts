/**
 * @flint/webgpu: importing it registers tfjs's `'webgpu'` backend, so that
 * `await setBackend('webgpu')` (from `@flint/tensor`) can switch to it.
 */
import '@tensorflow/tfjs-backend-webgpu';
