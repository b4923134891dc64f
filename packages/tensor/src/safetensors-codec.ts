/**
 * Pure byte-level codec for the Hugging Face safetensors format (no tfjs, no Tensor class).
 *
 * File layout:
 * - bytes `[0, 8)`: u64 little-endian `N`, the header length in bytes.
 * - bytes `[8, 8 + N)`: UTF-8 JSON object, right-padded with spaces (0x20) so that `N % 8 == 0`:
 *   `{"<name>":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]},...,"__metadata__":{"k":"v"}}`
 *   (`__metadata__` is optional and maps strings to strings).
 * - bytes `[8 + N, EOF)`: the data section. A tensor's bytes are `[8 + N + begin, 8 + N + end)`,
 *   row-major and little-endian, with `end - begin == product(shape) * itemsize` (`product([]) == 1`).
 */

export type SafetensorsDtype = 'F32' | 'I32' | 'I64' | 'BOOL' | 'F64' | 'U8' | 'I8' | 'I16' | 'F16' | 'BF16';

/** One tensor as stored in a file: `data` holds `product(shape) * itemsize` little-endian bytes. */
export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Raw little-endian bytes, a copy or aligned view. */
  data: Uint8Array;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const META = '__metadata__';

/** Bytes per element of each dtype (BOOL is one byte, 0 or 1). */
const ITEMSIZE: Record<SafetensorsDtype, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, U8: 1, I8: 1, BOOL: 1 };

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isDtype = (d: unknown): d is SafetensorsDtype => typeof d === 'string' && Object.hasOwn(ITEMSIZE, d);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fmtShape = (shape: readonly unknown[]): string => `[${shape.join(', ')}]`;
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Builds `safetensors: tensor 'w' in model.safetensors: <msg>` (parts omitted when unknown). */
function err(msg: string, source?: string, name?: string): SafetensorsError {
  const tensor = name === undefined ? undefined : `tensor '${name}'`;
  const where = tensor && source ? `${tensor} in ${source}` : (tensor ?? source);
  return new SafetensorsError(`safetensors: ${where ? `${where}: ` : ''}${msg}`);
}

/** Reads the length prefix and the JSON header; returns it with the offset where the data section starts. */
function readHeader(bytes: Uint8Array, source?: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) {
    throw err(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length prefix`, source);
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.byteLength - 8)) {
    throw err(`header length ${n} runs past the end of the file (${bytes.byteLength - 8} bytes follow the prefix)`, source);
  }
  const dataStart = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    throw err(`header is not valid UTF-8 JSON (${(e as Error).message})`, source);
  }
  if (!isObject(header)) throw err(`header is not a JSON object`, source);
  return { header, dataStart };
}

interface Entry { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }

/** Checks one header entry's fields against each other and against the data section length. */
function readEntry(name: string, v: unknown, dataLen: number, source?: string): Entry {
  if (!isObject(v)) throw err(`header entry is not an object`, source, name);
  const { dtype, shape, data_offsets: offsets } = v;
  const missing = (['dtype', 'shape', 'data_offsets'] as const).filter((k) => v[k] === undefined);
  if (missing.length) throw err(`header entry is missing ${missing.join(', ')}`, source, name);
  if (typeof dtype !== 'string') throw err(`dtype must be a string, got ${JSON.stringify(dtype)}`, source, name);
  if (!isDtype(dtype)) throw err(`unknown dtype '${dtype}'`, source, name);
  if (!Array.isArray(shape)) throw err(`shape must be an array, got ${JSON.stringify(shape)}`, source, name);
  for (const d of shape as unknown[]) {
    if (!Number.isSafeInteger(d) || (d as number) < 0) {
      throw err(`shape ${JSON.stringify(shape)} has dimension ${JSON.stringify(d)}, not a non-negative integer`, source, name);
    }
  }
  const ok = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && o >= 0);
  if (!ok) throw err(`data_offsets must be [begin, end] of non-negative integers, got ${JSON.stringify(offsets)}`, source, name);
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw err(`data_offsets [${begin}, ${end}] have begin > end`, source, name);
  if (end > dataLen) {
    throw err(`data_offsets [${begin}, ${end}] end beyond the data section (${dataLen} bytes)`, source, name);
  }
  const need = numel(shape as number[]) * ITEMSIZE[dtype];
  if (end - begin !== need) {
    const msg = `data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape ${fmtShape(shape)} of ${dtype} needs ${need}`;
    throw err(msg, source, name);
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

/** Throws if two non-empty byte ranges intersect (gaps between tensors are allowed). */
function checkOverlaps(entries: readonly Entry[], source?: string): void {
  const ranges = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < ranges.length; i++) {
    const a = ranges[i - 1]!;
    const b = ranges[i]!;
    if (b.begin < a.end) {
      throw err(`data_offsets [${b.begin}, ${b.end}] overlap tensor '${a.name}' at [${a.begin}, ${a.end}]`, source, b.name);
    }
  }
}

function readMetadata(v: unknown, source?: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw err(`${META} must be an object of strings, got ${JSON.stringify(v)}`, source);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw err(`${META} value for '${k}' must be a string, got ${JSON.stringify(x)}`, source);
  }
  return { ...(v as Record<string, string>) };
}

/**
 * Parses a whole file. Tensors come back in data-section order (for files written by PyTorch or by
 * `serializeSafetensors` that is also the header order), each with a copied `data`. Throws
 * SafetensorsError naming the problem, `source` and the tensor; never returns a partial result.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source?: string,
): { tensors: Map<string, RawTensor>; metadata: Record<string, string> | undefined } {
  const { header, dataStart } = readHeader(bytes, source);
  const dataLen = bytes.byteLength - dataStart;
  const entries = Object.entries(header)
    .filter(([k]) => k !== META)
    .map(([k, v]) => readEntry(k, v, dataLen, source));
  const metadata = readMetadata(header[META], source);
  checkOverlaps(entries, source);
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: Uint8Array.prototype.slice.call(bytes, dataStart + e.begin, dataStart + e.end) }); // a copy even for a Node Buffer, whose slice() is a view
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors in the layout of the PyTorch-written files in the project's oracle: 8-byte LE
 * header length, compact JSON header with the tensors in iteration order and `__metadata__` last,
 * padded with spaces to a multiple of 8, then the data packed back to back in the same order.
 * (The Rust crate's "dtype size descending, then name" sort is not what those files contain, and
 * the files are the byte-exactness reference; sort the input first to get that order.)
 */
export function serializeSafetensors(tensors: Iterable<[string, RawTensor]>, metadata?: Record<string, string>): Uint8Array {
  const list = [...tensors];
  const parts: string[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const [name, t] of list) {
    if (names.has(name)) throw err(`duplicate tensor name`, undefined, name);
    names.add(name);
    const end = offset + byteSize(name, t);
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  if (metadata !== undefined) parts.push(`${JSON.stringify(META)}:${JSON.stringify(metadata)}`);
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset).fill(0x20, 8, 8 + headerLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  let at = 8 + headerLen;
  for (const [, t] of list) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

/** Validates a tensor about to be written and returns its byte size, `product(shape) * itemsize`. */
function byteSize(name: string, t: RawTensor): number {
  if (name === META) throw err(`'${META}' is reserved and cannot name a tensor`);
  if (!isDtype(t.dtype)) throw err(`unknown dtype '${String(t.dtype)}'`, undefined, name);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw err(`shape ${fmtShape(t.shape)} has a dimension that is not a non-negative integer`, undefined, name);
  }
  const need = numel(t.shape) * ITEMSIZE[t.dtype];
  if (t.data.byteLength !== need) {
    throw err(`data holds ${t.data.byteLength} bytes but shape ${fmtShape(t.shape)} of ${t.dtype} needs ${need}`, undefined, name);
  }
  return need;
}

const view = (t: RawTensor): DataView => new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Element count of `t`, throwing if its bytes are not a whole number of elements. */
function count(t: RawTensor, name?: string): number {
  const n = t.data.byteLength / ITEMSIZE[t.dtype];
  if (!Number.isInteger(n)) throw err(`${t.data.byteLength} bytes are not a whole number of ${t.dtype} elements`, undefined, name);
  return n;
}
const scratch = new DataView(new ArrayBuffer(4));

/** IEEE 754 binary16 bits -> number (subnormals, ±0, ±Infinity and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 bits are the top 16 bits of a float32. */
function bf16ToFloat(h: number): number {
  scratch.setUint32(0, h << 16 >>> 0);
  return scratch.getFloat32(0);
}

type Reader = (dv: DataView, i: number) => number | bigint;
const FLOAT_READERS: Partial<Record<SafetensorsDtype, Reader>> = {
  F32: (dv, i) => dv.getFloat32(4 * i, true),
  F64: (dv, i) => dv.getFloat64(8 * i, true),
  F16: (dv, i) => halfToFloat(dv.getUint16(2 * i, true)),
  BF16: (dv, i) => bf16ToFloat(dv.getUint16(2 * i, true)),
};
const INT_READERS: Partial<Record<SafetensorsDtype, Reader>> = {
  I32: (dv, i) => dv.getInt32(4 * i, true),
  I64: (dv, i) => dv.getBigInt64(8 * i, true),
  I16: (dv, i) => dv.getInt16(2 * i, true),
  I8: (dv, i) => dv.getInt8(i),
  U8: (dv, i) => dv.getUint8(i),
};

/** F32 data copied bit-exactly; F64 rounded to float32; F16 and BF16 widened. Other dtypes throw. */
export function toFloat32(t: RawTensor): Float32Array {
  const read = FLOAT_READERS[t.dtype];
  if (!read) throw err(`toFloat32 needs F32, F64, F16 or BF16 data, got ${t.dtype}`);
  const n = count(t);
  if (t.dtype === 'F32' && HOST_LE) return new Float32Array(t.data.slice().buffer, 0, n);
  const dv = view(t);
  const out = new Float32Array(n);
  for (let i = 0; i < out.length; i++) out[i] = read(dv, i) as number;
  return out;
}

/** I32 copied; I64 narrowed (throws naming `name` and the first value outside int32); U8/I8/I16 widened. */
export function toInt32(t: RawTensor, name: string): Int32Array {
  const read = INT_READERS[t.dtype];
  if (!read) throw err(`toInt32 needs I32, I64, I16, I8 or U8 data, got ${t.dtype}`, undefined, name);
  const n = count(t, name);
  if (t.dtype === 'I32' && HOST_LE) return new Int32Array(t.data.slice().buffer, 0, n);
  const dv = view(t);
  const out = new Int32Array(n);
  for (let i = 0; i < out.length; i++) {
    const v = read(dv, i);
    if (typeof v === 'bigint' && (v < -2147483648n || v > 2147483647n)) {
      throw err(`I64 value ${v} at index ${i} is out of int32 range [-2147483648, 2147483647]`, undefined, name);
    }
    out[i] = Number(v);
  }
  return out;
}

/** BOOL data as one byte per element, normalised to 0 or 1. Other dtypes throw. */
export function toBool(t: RawTensor): Uint8Array {
  if (t.dtype !== 'BOOL') throw err(`toBool needs BOOL data, got ${t.dtype}`);
  return t.data.map((b) => (b ? 1 : 0));
}
