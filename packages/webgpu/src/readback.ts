/**
 * Synchronous reads on WebGPU. tfjs-backend-webgpu reads GPU memory synchronously through an
 * `OffscreenCanvas`: Node has none, and in Chromium (SwiftShader) the values come back wrong. So
 * `readSync` serves only values already on the CPU (a tensor made from JS values and not yet used
 * by a GPU kernel, or one read with `await t.data()` since its last write) and otherwise throws an
 * error naming the asynchronous forms. `flintCanReadSync` tells Flint which tensors those are
 * (`@flint/tensor`'s readback.ts).
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

interface TensorData {
  values: unknown;
  dtype: string;
  complexTensorInfos?: { real: { dataId: object }; imag: { dataId: object } };
}

type Backend = { tensorMap: { get(dataId: object): TensorData | undefined } };

function onCpu(backend: Backend, dataId: object): boolean {
  const d = backend.tensorMap.get(dataId);
  if (d === undefined) return true; // not ours: readSync reports it as tfjs does
  if (d.values != null || d.dtype === 'string') return true;
  const c = d.complexTensorInfos;
  return d.dtype === 'complex64' && c !== undefined && onCpu(backend, c.real.dataId) && onCpu(backend, c.imag.dataId);
}

/** The error a synchronous read of GPU memory throws. */
export function syncReadError(): Error {
  const err = new Error(
    "the 'webgpu' backend cannot read GPU memory synchronously (dataSync(), item(), tolist(), or an op that needs values on the CPU): " +
      'read with `await t.data()`, `await t.itemAsync()` or `await t.tolistAsync()` (after `await t.data()`, synchronous reads of t work until it is written)',
  );
  (err as { flintSyncRead?: boolean }).flintSyncRead = true;
  return err;
}

/** Installs the guarded `readSync` and `flintCanReadSync` on the backend class. */
export function guardSyncReads(cls: typeof WebGPUBackend): void {
  const proto = cls.prototype as unknown as Backend & {
    readSync(dataId: object): unknown;
    flintCanReadSync?(dataId: object): boolean;
    flintGuarded?: boolean;
  };
  if (proto.flintGuarded) return;
  const readSync = proto.readSync;
  proto.readSync = function (this: Backend, dataId: object): unknown {
    if (!onCpu(this, dataId)) throw syncReadError();
    return readSync.call(this, dataId);
  };
  proto.flintCanReadSync = function (this: Backend, dataId: object): boolean {
    return onCpu(this, dataId);
  };
  proto.flintGuarded = true;
}
