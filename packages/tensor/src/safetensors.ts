/**
 * `loadSafetensors` / `saveSafetensors`: Hugging Face safetensors files as Flint tensors, byte-
 * compatible with `safetensors.torch` (`load_file` / `save_file`). F32, F64, F16 and BF16 load as
 * float32; I64, I32, I16, I8, U8 as int32 (I64 with a range check); BOOL as bool.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseSafetensors, SafetensorsError, serializeSafetensors, toBool, toFloat32, toInt32, type RawTensor } from './safetensors-codec.js';
import { Tensor } from './tensor.js';

const FLOATS = new Set(['F32', 'F64', 'F16', 'BF16']);

/**
 * Parses a safetensors file. Everything is validated before any tensor is created, so a bad file
 * throws (naming the problem, the tensor and `source`) and leaves nothing half-loaded.
 */
export function loadSafetensors(bytes: Uint8Array, source?: string): Record<string, Tensor> {
  const { tensors } = parseSafetensors(bytes, source);
  const decoded = [...tensors].map(([name, raw]) => [name, withSource(() => decode(name, raw), name, source)] as const);
  const out: Record<string, Tensor> = {};
  for (const [name, { values, dtype, shape }] of decoded) out[name] = new Tensor(tf.tensor(values, shape, dtype));
  return out;
}

/** Runs `fn`, adding `source` to a codec error about tensor `name` (`tensor 'w' in model.safetensors`). */
function withSource<T>(fn: () => T, name: string, source: string | undefined): T {
  try {
    return fn();
  } catch (e) {
    const tag = `tensor '${name}':`;
    if (source === undefined || !(e instanceof SafetensorsError) || !e.message.includes(tag)) throw e;
    throw new SafetensorsError(e.message.replace(tag, `tensor '${name}' in ${source}:`));
  }
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

/**
 * The order `safetensors.torch.save_file` writes tensors in (the Rust crate's `serialize`): by
 * dtype, descending in the crate's `Dtype` enum order, then by name.
 */
const DTYPE_RANK: Record<string, number> = { BOOL: 0, U8: 1, I8: 2, I16: 3, F16: 5, BF16: 6, I32: 7, F32: 9, F64: 10, I64: 11 };
const byCrateOrder = ([an, a]: [string, RawTensor], [bn, b]: [string, RawTensor]): number =>
  DTYPE_RANK[b.dtype]! - DTYPE_RANK[a.dtype]! || (an < bn ? -1 : an > bn ? 1 : 0);

/**
 * Serialises tensors (float32 → F32, int32 → I32, bool → BOOL) with optional string metadata, in
 * `safetensors.torch.save_file`'s tensor order (without metadata the bytes are the same as its).
 */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries: [string, RawTensor][] = Object.entries(tensors).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: '${name}' is not a Tensor`);
    const values = t.dataSync();
    const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const dtype = t.dtype === 'float32' ? 'F32' : t.dtype === 'int32' ? 'I32' : 'BOOL';
    return [name, { dtype, shape: [...t.shape], data }];
  });
  return serializeSafetensors(entries.sort(byCrateOrder), metadata);
}
