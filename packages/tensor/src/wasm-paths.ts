/**
 * Where a browser fetches the tfjs WASM binaries. Bundlers do not copy them next to the bundle, so
 * a web app imports their URLs and hands them over before the backend starts:
 *
 * ```ts
 * import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
 * import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
 * import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
 * import { ready, setWasmPaths } from '@flint/tensor';
 * setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded });
 * await ready(); // starts WASM-SIMD
 * ```
 *
 * In browsers, importing `@flint/tensor` leaves the `cpu` backend active and starts WASM at the
 * first `await ready()`, so there is time to call this; in Node the binaries are found in the
 * package and the import starts WASM at once. `torch` has no counterpart.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths as tfSetWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The three binaries tfjs-backend-wasm 4.22 may load. */
export type WasmBinary = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * `paths` is a folder URL ending in `/` holding the three binaries, or a URL for each of them.
 * Must run before the WASM backend starts (`ready()` / `setBackend('wasm')`).
 */
export function setWasmPaths(paths: string | Record<WasmBinary, string>, options: { usePlatformFetch?: boolean } = {}): void {
  if (tf.findBackend('wasm') !== null) {
    throw new Error('setWasmPaths: the WASM backend has already started; call setWasmPaths() before ready() or setBackend()');
  }
  if (typeof paths === 'object') {
    const missing = (['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const).filter((k) => typeof paths[k] !== 'string');
    if (missing.length > 0) throw new TypeError(`setWasmPaths: no URL given for ${missing.join(', ')}`);
  } else if (typeof paths !== 'string') {
    throw new TypeError(`setWasmPaths: expected a folder URL or a map of binary names to URLs, got ${typeof paths}`);
  }
  tfSetWasmPaths(paths, options.usePlatformFetch ?? false);
}
