/**
 * `loadSafetensors` / `saveSafetensors`: Hugging Face safetensors files as Flint tensors, byte-
 * compatible with `safetensors.torch` (`load_file` / `save_file`). F32, F64, F16 and BF16 load as
 * float32; I64, I32, I16, I8, U8 as int32 (I64 with a range check); BOOL as bool.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseSafetensors, serializeSafetensors, toBool, toFloat32, toInt32, type RawTensor } from './safetensors-codec.js';
import { Tensor } from './tensor.js';

const FLOATS = new Set(['F32', 'F64', 'F16', 'BF16']);

/**
 * Parses a safetensors file. Everything is validated before any tensor is created, so a bad file
 * throws (naming the problem, the tensor and `source`) and leaves nothing half-loaded.
 */
export function loadSafetensors(bytes: Uint8Array, source?: string): Record<string, Tensor> {
  const { tensors } = parseSafetensors(bytes, source);
  const decoded = [...tensors].map(([name, raw]) => [name, decode(name, raw)] as const);
  const out: Record<string, Tensor> = {};
  for (const [name, { values, dtype, shape }] of decoded) out[name] = new Tensor(tf.tensor(values, shape, dtype));
  return out;
}

/** Reads the `__metadata__` of a safetensors file. */
export function safetensorsMetadata(bytes: Uint8Array, source?: string): Record<string, string> {
  return parseSafetensors(bytes, source).metadata ?? {};
}

function decode(name: string, raw: RawTensor): { values: Float32Array | Int32Array | Uint8Array; dtype: 'float32' | 'int32' | 'bool'; shape: number[] } {
  if (FLOATS.has(raw.dtype)) return { values: toFloat32(raw), dtype: 'float32', shape: raw.shape };
  if (raw.dtype === 'BOOL') return { values: toBool(raw), dtype: 'bool', shape: raw.shape };
  return { values: toInt32(raw, name), dtype: 'int32', shape: raw.shape };
}

/** Serialises tensors (float32 → F32, int32 → I32, bool → BOOL) with optional string metadata. */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries: [string, RawTensor][] = Object.entries(tensors).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: '${name}' is not a Tensor`);
    const values = t.dataSync();
    const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const dtype = t.dtype === 'float32' ? 'F32' : t.dtype === 'int32' ? 'I32' : 'BOOL';
    return [name, { dtype, shape: [...t.shape], data }];
  });
  return serializeSafetensors(entries, metadata);
}
