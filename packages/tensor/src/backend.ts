/**
 * Backend selection: which tfjs kernel library runs Flint's ops.
 *
 * WASM-SIMD (`@tensorflow/tfjs-backend-wasm`) is the default; `cpu` (pure JS) is the fallback.
 * In Node, importing `@flint/tensor` starts the backend with top-level await, so `randn([2, 3])`
 * works right after the import. If WASM cannot start, Flint says why once and falls back to `cpu`.
 *
 * The `cpu` backend (`@tensorflow/tfjs-backend-cpu`, about 120 KB minified) is imported only when
 * it is used (`setBackend('cpu')`, or the fallback), so a browser bundle that runs on WASM never
 * loads it: bundlers put it in a chunk of its own.
 */
import * as tf from '@tensorflow/tfjs-core';
// A named import (not a bare `import '…'`) registers the backend without the declaration files
// importing tfjs-backend-wasm's types.
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withBrowserThreads } from './browser-threads.js';
import { callingOp } from './op-name.js';
import { offloadAllAsync } from './storage.js';

export type BackendName = 'wasm' | 'cpu' | (string & {});

let starting: Promise<void> | null = null;
let cpuLoading: Promise<unknown> | null = null;

/** Registers tfjs's pure-JS `cpu` backend, importing it the first time. */
function loadCpu(): Promise<unknown> {
  cpuLoading ??= import('@tensorflow/tfjs-backend-cpu');
  return cpuLoading;
}

async function start(): Promise<void> {
  // The default tfjs engine tidies nothing for us and must not warn about it.
  tf.env().set('IS_TEST', false);
  try {
    if (!(await withBrowserThreads(() => tf.setBackend('wasm')))) throw new Error('tfjs could not initialise the wasm backend');
    guardAllocations();
  } catch (err) {
    console.warn(`flint: the WASM backend could not start (${(err as Error).message}); falling back to 'cpu'.`);
    await loadCpu();
    await tf.setBackend('cpu');
  }
  await tf.ready();
}

/** The most a wasm32 heap can hold. */
const WASM_HEAP_LIMIT = 2 ** 32;

/** The clear error for an allocation the backend cannot make, naming the op and the bytes asked for. */
function outOfMemory(bytes: number): RangeError {
  const op = callingOp();
  const gb = (n: number): string => `${(n / 1e9).toFixed(2)} GB`;
  return new RangeError(
    `${op ? `${op}: ` : ''}out of memory: the WASM backend cannot allocate ${bytes.toLocaleString('en-US')} bytes (${gb(bytes)}); ` +
      `${gb(tf.memory().numBytes)} are held by tensors and the WASM heap is limited to 4 GiB. Free tensors (dispose()) or use smaller ones.`,
  );
}

/**
 * tfjs-wasm's allocator returns 0 when the heap cannot grow (and a size past 4 GiB wraps around),
 * after which the kernel writes over memory at address 0 and the backend aborts for good. Every
 * backend buffer is allocated through `_malloc`, so a size check there turns both into a clear
 * error thrown before anything is written: the backend keeps working.
 */
export function guardAllocations(): void {
  type Wasm = { _malloc(n: number): number; _free(p: number): void; asm?: { malloc?(n: number): number }; flintGuarded?: boolean };
  const backend = tf.backend();
  if (!(backend instanceof BackendWasm)) return;
  const wasm = (backend as unknown as { wasm?: Wasm }).wasm;
  if (!wasm || wasm.flintGuarded) return;
  // Emscripten's `_malloc` is a stub that replaces itself with the raw export on its first call:
  // wrap the raw export, or the wrapper would be overwritten.
  if (!wasm.asm?.malloc) wasm._free(wasm._malloc(8));
  const malloc = wasm.asm?.malloc ?? wasm._malloc;
  wasm._malloc = (n: number): number => {
    if (!(n < WASM_HEAP_LIMIT)) throw outOfMemory(n);
    const p = malloc(n);
    if (p === 0 && n > 0) throw outOfMemory(n);
    return p;
  };
  wasm.flintGuarded = true;
}

/** Resolves once the backend is up. `torch` has no counterpart: its kernels are always ready. */
export function ready(): Promise<void> {
  starting ??= start();
  return starting;
}

/**
 * Switches the kernel backend (`'wasm'`, `'cpu'`, `'webgpu'` once `@flint/webgpu` is imported, or
 * any registered tfjs backend; `'cpu'` is imported on first use). Tensors stay valid: their data moves to the new backend on its
 * next use. A backend that cannot start (no GPU adapter) is an error saying why, and the active
 * backend stays.
 */
export async function setBackend(name: BackendName): Promise<void> {
  await ready();
  const from = tf.getBackend();
  if (name === from) return;
  if (name === 'cpu') await loadCpu();
  const factory = tf.findBackendFactory(name);
  if (factory === null) {
    const hint = name === 'webgpu' ? ": import '@flint/webgpu' first" : '';
    throw new Error(`setBackend: no backend '${name}' is registered${hint}; the backend stays '${from}'`);
  }
  if (!(name in (tf.engine() as unknown as { registry: object }).registry)) {
    // Started here rather than by tfjs, which would only log why it failed.
    let backend: tf.KernelBackend;
    try {
      backend = await factory();
    } catch (err) {
      throw new Error(`setBackend: the '${name}' backend could not start: ${(err as Error).message}; the backend stays '${from}'`, { cause: err });
    }
    tf.removeBackend(name);
    tf.registerBackend(name, () => backend, 1);
  }
  await offloadAllAsync();
  if (!(await tf.setBackend(name))) throw new Error(`setBackend: backend '${name}' could not be initialised; the backend stays '${from}'`);
  await tf.ready();
  if (name === 'wasm') guardAllocations();
}

/** The name of the active backend, e.g. `'wasm'`. */
export function getBackend(): BackendName {
  return tf.getBackend();
}

/** Live backend memory: tensors and bytes held by the active kernel backend. */
export function memory(): { numTensors: number; numBytes: number } {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
}

// Node finds the WASM binaries inside the package, so the import leaves WASM ready. A browser
// bundle must first say where they are (`setWasmPaths`, wasm-paths.ts): there the import starts
// nothing (so nothing starts WASM with the wrong URLs), and WASM starts at `await ready()`, which
// must come before the first op.
const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
if (isNode) await ready();
