/**
 * `setNumThreads(n)` / `getNumThreads()` (`torch.set_num_threads`): how many threads the WASM
 * kernels use. n > 1 runs tfjs's threaded SIMD build (XNNPACK over a pthread pool of Web Workers,
 * bit-identical to the single-threaded build); 1 runs the single-threaded build.
 *
 * In Node, tfjs cannot start its threaded build itself (it builds the pthread worker from a
 * `blob:` URL, which `worker_threads` refuses), so Flint instantiates the Emscripten module: the
 * worker script is written to a temporary file, the pool is sized to the thread count (the glue
 * hard-codes 8 workers), the C++ side's cap of half the logical cores is lifted while the module
 * starts, and the workers are `unref()`ed so that a script exits when it is done.
 *
 * Switching moves every storage out of WASM memory first (storage.ts `offloadAll`); tensors come
 * back into the new backend on their next use, so tensors the program holds stay valid.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { guardAllocations, ready } from './backend.js';
import { askBrowserThreads } from './browser-threads.js';
import { offloadAll } from './storage.js';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** What Flint touches of a Node worker. */
interface Worker {
  ref(): Worker;
  unref(): void;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => unknown;
  tfjs?: Record<string, unknown>;
  PThread?: { unusedWorkers: Worker[]; getNewWorker(): Worker | undefined };
}

let current = 1;
/** Switches run one after another. */
let switching: Promise<void> = Promise.resolve();
/** Whether the program chose a count (then the default no longer applies). */
let chosen = false;

/** The number of threads the WASM kernels use now (`torch.get_num_threads`). */
export function getNumThreads(): number {
  return tf.getBackend() === 'wasm' ? Math.max(1, getThreadsCount()) : current;
}

/** Resolves once the default count (or the last `setNumThreads`) has taken effect. */
export function threadsReady(): Promise<void> {
  return switching;
}

/** The cores of this machine (`os.availableParallelism`, `navigator.hardwareConcurrency`). */
export async function coreCount(): Promise<number> {
  if (isNode) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/**
 * `torch.set_num_threads(n)`: the WASM kernels use `n` threads from now on (a positive integer;
 * more than the machine's cores is allowed but only slows things down). Asynchronous, as starting a
 * WASM module is: `await setNumThreads(2)`. In Node it works at any time; in a browser the threaded
 * build needs a cross-origin-isolated page and the count is taken when the backend starts, so call
 * it before `ready()` there. On the `cpu` backend the count is kept for when WASM starts.
 */
export function setNumThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: the number of threads must be a positive integer (got ${String(n)})`);
  chosen = true;
  // A page's count is taken when the backend starts: record it now, before `ready()` can start it.
  if (!isNode && !askBrowserThreads(n) && n !== getNumThreads()) {
    console.warn(`setNumThreads(${n}): in a browser the WASM thread count is fixed when the backend starts (it runs ${getNumThreads()}); call setNumThreads before ready()`);
  }
  return (switching = switching.then(() => switchTo(n)));
}

async function switchTo(n: number): Promise<void> {
  await ready();
  if (n === current) return;
  if (!isNode) {
    // tfjs starts its threaded build by itself in a cross-origin-isolated page (browser-threads.ts).
    current = getNumThreads();
    return;
  }
  const backend = await createWasmBackend(n);
  const wasActive = tf.getBackend() === 'wasm';
  offloadAll();
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend);
  if (wasActive) {
    await tf.setBackend('wasm');
    guardAllocations();
  }
  current = n;
}

/** Glue, worker and binary file paths of the tfjs-backend-wasm build for `threads`. */
async function buildFiles(threaded: boolean): Promise<{ glue: string; wasm: string; worker: string | null }> {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const require = createRequire(import.meta.url);
  const glue = require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm${threaded ? '-threaded-simd' : ''}.js`);
  const wasm = join(dirname(glue), threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm');
  if (!threaded) return { glue, wasm, worker: null };
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  const worker = join(mkdtempSync(join(tmpdir(), 'flint-wasm-')), 'tfjs-backend-wasm-threaded-simd.worker.js');
  // Escaped as tfjs escapes it for its blob.
  writeFileSync(worker, wasmWorkerContents.replace(/\n/g, '\\n'));
  return { glue, wasm, worker };
}

/** A started tfjs `BackendWasm` on the build for `threads` threads (Node). */
async function createWasmBackend(threads: number): Promise<tf.KernelBackend> {
  const threaded = threads > 1;
  const files = await buildFiles(threaded);
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  // The CommonJS module object: its `cpus` can be replaced (the ES namespace's cannot).
  const os = createRequire(import.meta.url)('node:os') as typeof import('node:os');
  // The glue's pool of 8 workers costs ~200 ms and 75 MB to start: size it to the thread count.
  const source = readFileSync(files.glue, 'utf8').replace('var pthreadPoolSize=8', `var pthreadPoolSize=${threads}`);
  const mod = { exports: {} as unknown };
  new Function('require', 'module', 'exports', '__filename', '__dirname', source)(createRequire(files.glue), mod, mod.exports, files.glue, dirname(files.glue));
  const factory = mod.exports as (config: Record<string, unknown>) => Promise<EmscriptenModule>;
  // The C++ side caps threads at half the logical cores (1 on a 2-core machine): let it see enough.
  const cpus = os.cpus;
  const cores = cpus().length;
  if (threaded) (os as { cpus: () => unknown[] }).cpus = () => Array.from({ length: Math.max(cores, 2 * threads) }, () => ({}));
  try {
    const module = await factory({
      ...(threaded ? { mainScriptUrlOrBlob: files.glue } : {}),
      locateFile: (path: string) => (path.endsWith('.worker.js') && files.worker ? files.worker : path.endsWith('.wasm') ? files.wasm : path),
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    // Idle pthreads must not keep the process alive: Emscripten `ref()`s a worker while its
    // pthread runs, and pthreadpool's threads run for good.
    const pthread = module.PThread;
    if (pthread) {
      const quiet = (w: Worker): Worker => ((w.ref = () => w), w.unref(), w);
      pthread.unusedWorkers.forEach(quiet);
      const getNewWorker = pthread.getNewWorker.bind(pthread);
      pthread.getNewWorker = () => {
        const w = getNewWorker();
        return w ? quiet(w) : w;
      };
    }
    setThreadsCount(threads);
    const backend = new BackendWasm(module as never);
    const got = (module.tfjs.getThreadsCount as () => number)();
    if (threaded && got !== threads) throw new Error(`setNumThreads: the threaded WASM build started ${got} threads instead of ${threads}`);
    return backend;
  } finally {
    (os as { cpus: typeof cpus }).cpus = cpus;
  }
}

/**
 * The default count: `FLINT_NUM_THREADS` when set, else the cores that other processes leave idle
 * right now (`threadsForLoad`). Two threads on a machine whose other core is busy run slower than
 * one (pthreadpool waits for the thread that gets no CPU), so a busy machine gets one thread. The
 * load is sampled over `sampleMs` (the machine's CPU time minus this process's own), not read from
 * the load average, which still counts a process that ended a minute ago.
 */
export async function defaultNumThreads(sampleMs = 100): Promise<number> {
  const env = typeof process !== 'undefined' ? process.env?.FLINT_NUM_THREADS : undefined;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FLINT_NUM_THREADS must be a positive integer (got '${env}')`);
    return n;
  }
  const cores = await coreCount();
  return cores === 1 ? 1 : threadsForLoad(cores, await busyElsewhere(sampleMs));
}

/** The thread count for `cores` cores of which `busy` (in cores) are taken by other processes. */
export function threadsForLoad(cores: number, busy: number): number {
  return Math.max(1, Math.min(cores, Math.floor(cores - busy + 0.5)));
}

/**
 * How many cores other processes kept busy over the next `ms` milliseconds (Node): the CPU time of
 * every core (`os.cpus()`) minus this process's (`process.cpuUsage()`), per wall-clock millisecond.
 * (A script done sooner exits when the sample ends: at most `ms` later.)
 */
export async function busyElsewhere(ms: number): Promise<number> {
  const os = await import('node:os');
  const busy = (): number => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
  const start = { all: busy(), own: process.cpuUsage(), at: performance.now() };
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
  const own = process.cpuUsage(start.own);
  const wall = performance.now() - start.at;
  return Math.max(0, (busy() - start.all - (own.user + own.system) / 1000) / wall);
}

// Node: the default count starts in the background; ops run on one thread until it is up, and a
// count the program sets first wins.
if (isNode) {
  switching = defaultNumThreads()
    .then((n) => (n > 1 && !chosen ? switchTo(n) : undefined))
    .catch((err: unknown) => console.warn(`flint: could not start the threaded WASM backend (${(err as Error).message}); running on one thread.`));
}
