/**
 * Synchronous reads on backends that cannot always do them. WebGPU reads GPU memory only
 * asynchronously (`await t.data()`); a backend says which of its tensors it can read at once with
 * an optional `flintCanReadSync(dataId)` method (`@flint/webgpu` installs one: values already on
 * the CPU, e.g. after an `await t.data()`, until the tensor is written). A synchronous read it
 * cannot do throws an error whose `flintSyncRead` is true; these helpers name the op and the
 * asynchronous form in it.
 */
import * as tf from '@tensorflow/tfjs-core';

type HostArray = Float32Array | Int32Array | Uint8Array;

interface SyncReadAware {
  flintCanReadSync?(dataId: object): boolean;
}

/** The backend holding `t`'s data (the active one for a tensor it has not seen). */
function backendOf(t: tf.Tensor): SyncReadAware {
  const info = (tf.engine().state.tensorInfo as unknown as WeakMap<object, { backend: SyncReadAware }>).get(t.dataId);
  return info?.backend ?? (tf.backend() as unknown as SyncReadAware);
}

/** Whether `t.dataSync()` returns at once on its backend. */
export function canReadSync(t: tf.Tensor): boolean {
  const b = backendOf(t);
  return b.flintCanReadSync === undefined || b.flintCanReadSync(t.dataId);
}

/** Whether the active backend reads every tensor synchronously (`wasm`, `cpu`: yes; `webgpu`: no). */
export function backendReadsSync(): boolean {
  return (tf.backend() as unknown as SyncReadAware).flintCanReadSync === undefined;
}

/** Whether `err` is a backend's refusal of a synchronous read. */
export function isSyncReadError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { flintSyncRead?: boolean }).flintSyncRead === true;
}

/** The error for a synchronous read of `what` that the active backend cannot do. */
export function syncReadError(op: string, what: string, cause?: unknown): Error {
  const err = new Error(
    `${op}: the '${tf.getBackend()}' backend cannot read GPU memory synchronously; ${what}`,
    cause === undefined ? undefined : { cause },
  );
  (err as { flintSyncRead?: boolean }).flintSyncRead = true;
  return err;
}

/** `t.dataSync()`, or a clear error naming `op` and `what` to do instead. */
export function readSync(t: tf.Tensor, op: string, what: string): HostArray {
  try {
    return t.dataSync() as HostArray;
  } catch (err) {
    if (isSyncReadError(err)) throw syncReadError(op, what, err);
    throw err;
  }
}

/** What to say when an op needs its input's values on the CPU (`nonzero`, `unique`, …). */
export const NEEDS_HOST_VALUES =
  "it needs its input's values on the CPU: `await t.data()` on the input first (the values then stay on the CPU until it is written), or run it on 'wasm'";

/**
 * The values of `t` for a check (an index range): null when they cannot be read synchronously, and
 * the check is skipped as CUDA's asynchronous checks would be.
 */
export function valuesForCheck(t: tf.Tensor): HostArray | null {
  return canReadSync(t) ? (t.dataSync() as HostArray) : null;
}
