/**
 * For tests: the `'webgpu'` backend in Node through Dawn. Without a GPU, Dawn runs on SwiftShader
 * (Chromium's CPU Vulkan driver): `VK_ICD_FILENAMES` is pointed at Debian's chromium copy when it
 * is unset and the file exists. `gpu.ok` false means no adapter could be created here: the suites
 * are skipped with the printed reason.
 */
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { setBackend, _tfjsEnv } from '@flint/tensor';
import { gpuAvailable } from '../index.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env['VK_ICD_FILENAMES'] ??= existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : undefined;
if (process.env['VK_ICD_FILENAMES'] === undefined) delete process.env['VK_ICD_FILENAMES'];
process.env['XDG_RUNTIME_DIR'] ??= '/tmp';

export const gpu = await gpuAvailable();
if (!gpu.ok) console.warn(`webgpu tests skipped: ${gpu.reason}`);

/** `describe` when there is an adapter, else skipped. */
export const describeGpu: typeof describe = gpu.ok ? describe : (describe.skip as typeof describe);

/**
 * Switches to `'webgpu'` with small tensors kept on the GPU (tfjs-webgpu otherwise runs ops on
 * inputs of < 1,000 elements that are still on the CPU with its CPU kernels: the tests would not
 * see the shaders).
 */
export async function useWebGPU(): Promise<void> {
  if (!gpu.ok) return;
  await setBackend('webgpu');
  _tfjsEnv().set('WEBGPU_CPU_FORWARD', false);
}
