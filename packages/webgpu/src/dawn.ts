/**
 * WebGPU in Node through Dawn (the `webgpu` package). Browsers have `navigator.gpu` and never load
 * this: the package is imported by a name the bundler does not see.
 */

/** Options of `useDawn`. */
export interface DawnOptions {
  /**
   * Dawn's flags, e.g. `['backend=vulkan', 'adapter=SwiftShader']` (see the `webgpu` package).
   * Default none.
   */
  flags?: string[];
}

interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
/** Kept so that the GPU instance lives as long as the program. */
let dawnGpu: unknown = null;

/** The `navigator.gpu` of this environment, or null. */
export function navigatorGpu(): unknown {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  return nav?.gpu ?? null;
}

/**
 * Installs Dawn's `navigator.gpu` (and the `GPU*` globals tfjs-backend-webgpu uses) in Node, from
 * the `webgpu` package, which must be installed (`npm i -D webgpu`). Does nothing when
 * `navigator.gpu` already exists. Returns whether `navigator.gpu` exists afterwards.
 *
 * Without a GPU, Dawn can run on SwiftShader (a CPU Vulkan driver, e.g. Chromium's): start Node
 * with `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` (Debian's chromium package).
 */
export async function useDawn(options: DawnOptions = {}): Promise<boolean> {
  if (navigatorGpu() !== null) return true;
  if (!isNode) return false;
  const name = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (err) {
    throw new Error(
      `useDawn: WebGPU in Node needs the 'webgpu' package (Dawn for Node): npm i -D webgpu (${(err as Error).message})`,
      { cause: err },
    );
  }
  Object.assign(globalThis, dawn.globals);
  dawnGpu = dawn.create(options.flags ?? []);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav !== undefined) Object.defineProperty(nav, 'gpu', { value: dawnGpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawnGpu }, configurable: true });
  return true;
}

/**
 * Whether a WebGPU adapter can be had here (in Node, through Dawn when the `webgpu` package is
 * installed), and if not, why.
 */
export async function gpuAvailable(): Promise<{ ok: true; adapter: unknown } | { ok: false; reason: string }> {
  if (navigatorGpu() === null) {
    if (!isNode) return { ok: false, reason: 'this browser has no navigator.gpu (WebGPU is off or unsupported)' };
    try {
      await useDawn();
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }
  const gpu = navigatorGpu() as { requestAdapter(o?: object): Promise<unknown> };
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (err) {
    return { ok: false, reason: `requestAdapter() failed: ${(err as Error).message}` };
  }
  if (adapter === null || adapter === undefined) {
    return {
      ok: false,
      reason:
        'navigator.gpu.requestAdapter() found no adapter' +
        (isNode ? ' (no GPU driver Dawn accepts; without a GPU, point VK_ICD_FILENAMES at a SwiftShader ICD)' : ''),
    };
  }
  return { ok: true, adapter };
}
