/**
 * The thread count of the WASM backend in a browser, applied when the backend starts (tfjs starts
 * its threaded build itself in a cross-origin-isolated page; the count cannot change afterwards).
 *
 * By default tfjs starts half of `navigator.hardwareConcurrency` threads (1 on a 2-core machine),
 * and Flint keeps that default: a page cannot see what other processes keep busy, and on a 2-core
 * machine the web app's MNIST steps ran at 29–32 per second on 2 threads against 35–38 on 1
 * (alternated, in the e2e test; Chromium's own threads share the cores). A count asked for with `setNumThreads(n)` before the backend starts
 * is not capped: while the module starts, Flint lets tfjs's C++ side (which caps the pool at half
 * the logical cores it sees) see twice the count, as it does with `os.cpus()` in Node.
 */
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The count asked for before the backend started (`setNumThreads`), or null for tfjs's default. */
let asked: number | null = null;
let started = false;

/** Records `n` for the backend's start; false once it has started (the count is fixed then). */
export function askBrowserThreads(n: number): boolean {
  if (started) return false;
  asked = n;
  return true;
}

/** Whether this is a page (or worker) whose WASM backend can run threads. */
export function browserCanThread(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: unknown; process?: { versions?: { node?: string } } };
  return g.crossOriginIsolated === true && g.navigator !== undefined && typeof g.process?.versions?.node !== 'string';
}

/** Runs `start` (which starts the WASM backend) with the thread count applied. */
export async function withBrowserThreads<T>(start: () => Promise<T>): Promise<T> {
  started = true;
  if (asked === null || !browserCanThread()) return start();
  const nav = (globalThis as unknown as { navigator: { hardwareConcurrency?: number } }).navigator;
  const n = Math.min(asked, 8); // the glue starts a pool of 8 workers
  setThreadsCount(n);
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: Math.max(nav.hardwareConcurrency ?? 1, 2 * n), configurable: true });
  try {
    return await start();
  } finally {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete nav.hardwareConcurrency;
  }
}
