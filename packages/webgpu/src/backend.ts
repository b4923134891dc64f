/**
 * Starting tfjs-backend-webgpu's `WebGPUBackend`, as its own registration does, with a clear
 * error when there is no adapter (`setBackend('webgpu')` reports it and keeps the backend).
 */
import { _tfjsEnv as env, type _KernelBackend as KernelBackend } from '@flint/tensor';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gpuAvailable } from './dawn.js';

interface Adapter {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(descriptor: object): Promise<unknown>;
}

let info: unknown = null;

/** The adapter's `GPUAdapterInfo` (vendor, architecture, description) once the backend started. */
export function adapterInfo(): unknown {
  return info;
}

/** The backend factory registered as `'webgpu'`. */
export async function createWebGPUBackend(): Promise<KernelBackend> {
  const found = await gpuAvailable();
  if (!found.ok) throw new Error(`no WebGPU adapter: ${found.reason}`);
  let adapter = found.adapter as Adapter;
  if (env().get('WEBGPU_USE_LOW_POWER_GPU')) {
    const nav = (globalThis as unknown as { navigator: { gpu: { requestAdapter(o: object): Promise<Adapter | null> } } }).navigator;
    adapter = (await nav.gpu.requestAdapter({ powerPreference: 'low-power' })) ?? adapter;
  }
  const requiredFeatures: string[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  if (adapter.features.has('bgra8unorm-storage')) requiredFeatures.push('bgra8unorm-storage');
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l['maxComputeWorkgroupStorageSize'],
      maxComputeWorkgroupsPerDimension: l['maxComputeWorkgroupsPerDimension'],
      maxStorageBufferBindingSize: l['maxStorageBufferBindingSize'],
      maxBufferSize: l['maxBufferSize'],
      maxComputeWorkgroupSizeX: l['maxComputeWorkgroupSizeX'],
      maxComputeInvocationsPerWorkgroup: l['maxComputeInvocationsPerWorkgroup'],
    },
  });
  info = adapter.info ?? null;
  return new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], info as ConstructorParameters<typeof WebGPUBackend>[1]);
}
