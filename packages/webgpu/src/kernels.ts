/**
 * Kernels Flint registers for the `'webgpu'` backend where tfjs-backend-webgpu has none or gets
 * one wrong (see the README's table).
 */
export function registerFlintKernels(): void {}
