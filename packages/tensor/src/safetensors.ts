/**
 * `loadSafetensors` / `saveSafetensors`: Hugging Face safetensors files as Flint tensors, byte-
 * compatible with `safetensors.torch` (`load_file` / `save_file`). F32, F64, F16 and BF16 load as
 * float32; I64, I32, I16, I8, U8 as int32 (I64 with a range check); BOOL as bool. The other dtypes
 * of the format (U16, U32, U64, F8_*, F4, F6_*, C64) are refused as not supported.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  checkMetadata,
  kindOf,
  ownRecord,
  parseSafetensors,
  plainEntries,
  quote,
  SafetensorsError,
  serializeSafetensors,
  toBool,
  toFloat32,
  toInt32,
  type RawTensor,
} from './safetensors-codec.js';
import { Tensor } from './tensor.js';

const FLOATS = new Set(['F32', 'F64', 'F16', 'BF16']);

/**
 * Parses a safetensors file (`safetensors.torch.load(bytes)`; `load_file` when the caller read the
 * file): a Uint8Array, a Node Buffer or an ArrayBuffer. Everything is validated and decoded before
 * any tensor is created, so a bad file throws a `SafetensorsError` (naming the problem, the tensor
 * and `source`) and leaves nothing half-loaded. The result is a plain object whose own keys are
 * exactly the file's tensor names (`__proto__` and `constructor` included, as ordinary keys).
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, source?: string): Record<string, Tensor> {
  const { tensors } = parseSafetensors(bytes, source);
  const decoded = [...tensors].map(([name, raw]) => [name, decode(name, raw, source)] as const);
  const created: [string, Tensor][] = [];
  try {
    for (const [name, { values, dtype, shape }] of decoded) created.push([name, new Tensor(tf.tensor(values, shape, dtype))]);
  } catch (e) {
    for (const [, t] of created) t.dispose();
    throw e;
  }
  return ownRecord(created);
}

/** Reads the `__metadata__` of a safetensors file (`safe_open(...).metadata()`); `{}` when it has none. */
export function safetensorsMetadata(bytes: Uint8Array | ArrayBuffer, source?: string): Record<string, string> {
  return parseSafetensors(bytes, source).metadata ?? {};
}

function decode(name: string, raw: RawTensor, source?: string): { values: Float32Array | Int32Array | Uint8Array; dtype: 'float32' | 'int32' | 'bool'; shape: number[] } {
  if (FLOATS.has(raw.dtype)) return { values: toFloat32(raw), dtype: 'float32', shape: raw.shape };
  if (raw.dtype === 'BOOL') return { values: toBool(raw), dtype: 'bool', shape: raw.shape };
  return { values: toInt32(raw, name, source), dtype: 'int32', shape: raw.shape };
}

/**
 * The order `safetensors.torch.save_file` writes tensors in (the Rust crate's `serialize`): by
 * dtype, descending in the crate's `Dtype` enum order, then by name.
 */
const DTYPE_RANK: Record<string, number> = { BOOL: 0, U8: 1, I8: 2, I16: 3, F16: 5, BF16: 6, I32: 7, F32: 9, F64: 10, I64: 11 };
const byCrateOrder = ([an, a]: [string, RawTensor], [bn, b]: [string, RawTensor]): number =>
  DTYPE_RANK[b.dtype]! - DTYPE_RANK[a.dtype]! || (an < bn ? -1 : an > bn ? 1 : 0);

const saveError = (name: string, msg: string): SafetensorsError => new SafetensorsError(`saveSafetensors: tensor ${quote(name)} ${msg}`);

/**
 * Serialises tensors (float32 → F32, int32 → I32, bool → BOOL) with optional string metadata, in
 * `safetensors.torch.save_file`'s tensor order (without metadata the bytes are the same as its).
 * Refuses, naming the key, whatever `loadSafetensors` would refuse: a `Map` or other non-plain
 * object, symbol keys, values that are not Tensors or were disposed, non-string metadata values.
 */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const named = plainEntries(tensors, 'tensors', 'saveSafetensors');
  checkMetadata(metadata, 'saveSafetensors');
  for (const [name, t] of named) {
    if (!(t instanceof Tensor)) throw saveError(name, `is not a Tensor (got ${kindOf(t)})`);
    if (t.isReleased) throw saveError(name, `was disposed (released) and cannot be saved`);
  }
  const entries: [string, RawTensor][] = (named as [string, Tensor][]).map(([name, t]) => {
    const values = t.dataSync();
    const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const dtype = t.dtype === 'float32' ? 'F32' : t.dtype === 'int32' ? 'I32' : 'BOOL';
    return [name, { dtype, shape: [...t.shape], data }];
  });
  return serializeSafetensors(entries.sort(byCrateOrder), metadata);
}
