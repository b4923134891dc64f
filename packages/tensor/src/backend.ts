/**
 * Backend selection: which tfjs kernel library runs Flint's ops.
 *
 * WASM-SIMD (`@tensorflow/tfjs-backend-wasm`) is the default; `cpu` (pure JS) is the fallback.
 * Importing `@flint/tensor` starts the backend with top-level await, so `randn([2, 3])` works
 * right after the import. If WASM cannot start, Flint says why once and falls back to `cpu`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'wasm' | 'cpu' | (string & {});

let starting: Promise<void> | null = null;

async function start(): Promise<void> {
  // The default tfjs engine tidies nothing for us and must not warn about it.
  tf.env().set('IS_TEST', false);
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise the wasm backend');
  } catch (err) {
    console.warn(`flint: the WASM backend could not start (${(err as Error).message}); falling back to 'cpu'.`);
    await tf.setBackend('cpu');
  }
  await tf.ready();
}

/** Resolves once the backend is up. `torch` has no counterpart: its kernels are always ready. */
export function ready(): Promise<void> {
  starting ??= start();
  return starting;
}

/** Switches the kernel backend (`'wasm'`, `'cpu'`, or any registered tfjs backend). */
export async function setBackend(name: BackendName): Promise<void> {
  await ready();
  if (!(await tf.setBackend(name))) throw new Error(`setBackend: backend '${name}' could not be initialised`);
  await tf.ready();
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
// bundle must first say where they are (`setWasmPaths`, wasm-paths.ts): there the import leaves
// `cpu` active (so nothing starts WASM with the wrong URLs) and WASM starts at `await ready()`.
const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
if (isNode) await ready();
else await tf.setBackend('cpu');
