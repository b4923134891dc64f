/**
 * The kernel backend of both pages. Flint starts on WASM-SIMD (`startWasm`); the page's
 * `<select id="backendSelect">` switches to WebGPU and back until training starts, and
 * `?backend=webgpu` in the URL preselects it. Switching is `await setBackend(name)`, with
 * `@flint/webgpu` imported first, dynamically: its chunk loads only when WebGPU is chosen. Without
 * a WebGPU adapter `setBackend` throws, the page shows the message in `#backendError` and stays
 * on wasm. `?threads=N` asks for N WASM threads (`setNumThreads(N)` before the backend starts; the
 * default is tfjs's, half the cores).
 *
 * The model and the data can be made before a switch: `setBackend` brings every tensor's values
 * to the CPU, and each is uploaded to the new backend when an op first uses it.
 */
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { getBackend, getNumThreads, ready, setBackend, setNumThreads, setWasmPaths } from '@flint/tensor';

/** The backends the switch offers. */
export const BACKENDS = ['wasm', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What the page reports about the backend (also read by the end-to-end test). */
export interface BackendState {
  /** The active backend, `getBackend()`. */
  backend: string;
  /** WASM threads (1 unless the page is cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Why the last switch failed, or null. */
  backendError: string | null;
}

const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
/** The WebGPU adapter's vendor and architecture, once the backend started. */
let adapter = '';

/** Starts the WASM backend; the bundler serves its binaries from these URLs. */
export async function startWasm(): Promise<BackendState> {
  setWasmPaths({ 'tfjs-backend-wasm.wasm': plainWasm, 'tfjs-backend-wasm-simd.wasm': simdWasm, 'tfjs-backend-wasm-threaded-simd.wasm': threadedWasm });
  const threads = Number(new URLSearchParams(location.search).get('threads') ?? '');
  if (Number.isInteger(threads) && threads >= 1) void setNumThreads(threads);
  await ready();
  return { backend: getBackend(), threads: getNumThreads(), crossOriginIsolated: isolated, backendError: null };
}

/** `await setBackend(name)`, importing `@flint/webgpu` first for WebGPU. Throws, and the backend stays, if it cannot start. */
export async function switchBackend(name: Backend): Promise<void> {
  if (name === 'webgpu') {
    const webgpu = await import('@flint/webgpu');
    await setBackend(name);
    const info = webgpu.adapterInfo() as { vendor?: string; architecture?: string } | null;
    adapter = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
  } else {
    await setBackend(name);
  }
}

/** The active backend as the badge shows it, e.g. `wasm (WASM-SIMD), 2 threads` or `webgpu (google swiftshader)`. */
export function backendLabel(): string {
  const name = getBackend();
  if (name === 'webgpu') return adapter ? `webgpu (${adapter})` : 'webgpu';
  if (name !== 'wasm') return name;
  const threads = getNumThreads();
  return `wasm (WASM-SIMD), ${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : ' (not cross-origin isolated)'}`;
}

/**
 * Wires the page's `#backend` badge, `#backendSelect` and `#backendError` to `state`. Applies
 * `?backend=` from the URL first; the returned promise resolves once that switch is done (or
 * failed), so the page can enable training on the backend it will train on. While a switch runs,
 * `trainButton` is disabled. Call `lock()` when training starts: the backend stays from then on.
 */
export async function setupBackendSwitch(state: BackendState, trainButton: HTMLButtonElement): Promise<{ lock(): void }> {
  const badge = document.getElementById('backend')!;
  const select = document.getElementById('backendSelect') as HTMLSelectElement;
  const errorEl = document.getElementById('backendError')!;

  const show = (error: string | null) => {
    state.backend = getBackend();
    state.backendError = error;
    badge.textContent = backendLabel();
    badge.dataset.backend = state.backend;
    select.value = state.backend;
    errorEl.textContent = error ?? '';
    errorEl.hidden = error === null;
  };

  const change = async (name: string) => {
    if (!(BACKENDS as readonly string[]).includes(name)) return show(`unknown backend '${name}' (choose ${BACKENDS.join(' or ')})`);
    const wasDisabled = trainButton.disabled;
    trainButton.disabled = true;
    select.disabled = true;
    try {
      await switchBackend(name as Backend);
      show(null);
    } catch (err) {
      show((err as Error).message);
    } finally {
      select.disabled = false;
      trainButton.disabled = wasDisabled;
    }
  };

  select.addEventListener('change', () => void change(select.value));
  const requested = new URLSearchParams(location.search).get('backend');
  if (requested !== null && requested !== getBackend()) await change(requested);
  else show(null);
  select.disabled = false;
  return { lock: () => (select.disabled = true) };
}
