/**
 * The Flint side of W1–W4, W6 and the memory soak, written as a PyTorch user would write it: no
 * dispose, no scope. Imports the BUILT packages (`pnpm run build` first). D1/D2 are in
 * dispatch.mjs.
 */
import { existsSync } from 'node:fs';
import { getBackend, getNumThreads, memory, setBackend, threadsReady } from '@flint/tensor';
import { cliOptions, report, reportError, timeSteps } from '../lib/measure.mjs';
import { mlp, trainStep, workloads } from './flint-steps.mjs';

const opts = cliOptions();

/** 2,000 W1 steps: live backend bytes at step 100 and at the end, and peak RSS. */
async function soak() {
  const step = trainStep(mlp(), [128, 784]);
  let peakRss = 0;
  let bytesAt100 = null;
  const t0 = performance.now();
  for (let i = 1; i <= opts.steps; i++) {
    step();
    if (i === 100) bytesAt100 = memory().numBytes;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const end = memory();
  return {
    steps: opts.steps,
    step_ms: (performance.now() - t0) / opts.steps,
    numBytes_at_100: bytesAt100,
    numBytes_end: end.numBytes,
    numTensors_end: end.numTensors,
    peak_rss_bytes: peakRss,
  };
}

/**
 * `--backend webgpu`: Flint's WebGPU backend, in Node through Dawn (the `webgpu` package). Without
 * a GPU, Dawn runs on SwiftShader (Chromium's CPU Vulkan driver) when it is installed: the numbers
 * then say what SwiftShader does, and on a machine with a GPU the same command reports the GPU.
 */
async function useWebGPU() {
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  await import('@flint/webgpu');
  await setBackend('webgpu');
}

try {
  if (opts.backend === 'webgpu') await useWebGPU();
  // The default thread count starts in the background: time the steps on it.
  await threadsReady();
  if (opts.workload === 'soak') {
    report({ workload: 'soak', impl: 'flint', backend: getBackend(), ...(await soak()) });
  } else {
    const make = workloads[opts.workload];
    if (!make) throw new Error(`flint.mjs: unknown workload ${opts.workload}`);
    const result = await timeSteps(make(opts.backend === 'webgpu'), opts);
    const info = opts.backend === 'webgpu' ? (await import('@flint/webgpu')).adapterInfo() : null;
    const adapter = info ? { adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') } : {};
    report({ workload: opts.workload, impl: 'flint', backend: getBackend(), threads: getNumThreads(), ...adapter, ...result });
  }
} catch (err) {
  reportError(opts.workload, err);
}
