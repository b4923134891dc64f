/**
 * Pure byte-level codec for the Hugging Face safetensors format (no tfjs, no Tensor class), with
 * the rules of the Rust `safetensors` crate (`SafeTensors::read_metadata` / `Metadata::validate`).
 *
 * File layout:
 * - bytes `[0, 8)`: u64 little-endian `N`, the header length in bytes (at most 100 000 000).
 * - bytes `[8, 8 + N)`: UTF-8 JSON object (no byte order mark), right-padded with spaces (0x20) so that `N % 8 == 0`:
 *   `{"<name>":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]},...,"__metadata__":{"k":"v"}}`
 *   (`__metadata__` is optional, at most once, and maps strings to strings; keys are never repeated;
 *   shape entries and offsets are non-negative JSON integers, `1.0`/`4e0`/`-0` are not).
 * - bytes `[8 + N, EOF)`: the data section. A tensor's bytes are `[8 + N + begin, 8 + N + end)`,
 *   row-major and little-endian, with `end - begin == product(shape) * itemsize` (`product([]) == 1`).
 *   Sorted by offsets, the tensors tile the data section exactly: the first begins at 0, each begins
 *   where the previous one ends, the last ends at EOF (no gaps, no overlaps, no trailing bytes).
 *
 * Every refusal is a `SafetensorsError` whose message names the file and the tensor, is bounded in
 * length (quoted text from the file is cut at 100 characters) and says what was expected.
 */
import { JsonNumber, JsonSyntaxError, MAX_DEPTH, parseJson, type JsonObject, type JsonValue } from './safetensors-json.js';
import { halfToFloat } from './float16.js';

/** The dtypes Flint loads (F32/F64/F16/BF16 as float32; I64/I32/I16/I8/U8 as int32; BOOL as bool). */
export type SafetensorsDtype = 'F32' | 'I32' | 'I64' | 'BOOL' | 'F64' | 'U8' | 'I8' | 'I16' | 'F16' | 'BF16';

/** One tensor as stored in a file: `data` holds `product(shape) * itemsize` little-endian bytes. */
export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Raw little-endian bytes, a copy or aligned view. */
  data: Uint8Array;
}

/** What `loadSafetensors` and friends throw for a file (or tensors to save) that breaks the format's rules. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const META = '__metadata__';

/** The header length limit of the Rust crate (`MAX_HEADER_SIZE`). */
export const MAX_HEADER_BYTES = 100_000_000;

/** How much quoted text from a file an error message shows. */
const QUOTE_LIMIT = 100;

/** Bits per element of every dtype the Rust crate knows (`Dtype::bitsize`); BOOL is one byte. */
const BITS: Record<string, number> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
};
const LOADABLE: readonly SafetensorsDtype[] = ['F32', 'F64', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];

/** Bytes per element of each dtype Flint loads. */
const ITEMSIZE: Record<SafetensorsDtype, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, U8: 1, I8: 1, BOOL: 1 };

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const U64_MAX = 2n ** 64n - 1n;

const isKnownDtype = (d: string): boolean => Object.hasOwn(BITS, d);
const isDtype = (d: unknown): d is SafetensorsDtype => typeof d === 'string' && (LOADABLE as readonly string[]).includes(d);
const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** Strings that hold a lone surrogate cannot be written as UTF-8 (TextEncoder would change them). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** `text` cut to `limit` characters, saying how long it was. */
function cut(text: string, limit = QUOTE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}
/** A name from the file or the caller, quoted for a message and cut at 100 characters: `'w'`. */
export const quote = (name: string): string => `'${cut(name)}'`;
const q = quote;

/** A JSON value from the header, re-written compactly for a message and cut at 100 characters. */
function show(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  let out = '';
  const walk = (x: JsonValue): boolean => {
    if (out.length > QUOTE_LIMIT) return false;
    if (x === null || typeof x === 'boolean') out += String(x);
    else if (typeof x === 'string') out += JSON.stringify(x.slice(0, QUOTE_LIMIT + 1));
    else if (x instanceof JsonNumber) out += x.raw.slice(0, QUOTE_LIMIT + 1);
    else if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length; i++) {
        if (i) out += ', ';
        if (!walk(x[i]!)) return false;
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const [k, y] of x) {
        out += `${first ? '' : ', '}${JSON.stringify(k.slice(0, QUOTE_LIMIT + 1))}: `;
        first = false;
        if (!walk(y)) return false;
      }
      out += '}';
    }
    return out.length <= QUOTE_LIMIT;
  };
  walk(v);
  return out.length > QUOTE_LIMIT ? `${out.slice(0, QUOTE_LIMIT)}…` : out;
}
const bytesStr = (n: number): string => `${n} byte${n === 1 ? '' : 's'}`;
const fmtShape = (shape: readonly unknown[]): string => cut(`[${shape.join(', ')}]`);

/** Builds `safetensors: tensor 'w' in model.safetensors: <msg>` (parts omitted when unknown). */
function err(msg: string, source?: string, name?: string): SafetensorsError {
  const tensor = name === undefined ? undefined : `tensor ${q(name)}`;
  const file = source === undefined ? undefined : cut(source, 2 * QUOTE_LIMIT);
  const where = tensor && file ? `${tensor} in ${file}` : (tensor ?? file);
  return new SafetensorsError(`safetensors: ${where ? `${where}: ` : ''}${msg}`);
}

/** The name of what was passed instead of bytes or a record (`a Map`, `null`, `number`). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object' && typeof v !== 'function') return typeof v;
  if (Array.isArray(v)) return 'an array';
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null;
  const ctor = proto === Object.prototype ? undefined : proto?.constructor?.name;
  if (typeof ctor !== 'string' || !ctor) return typeof v === 'function' ? 'a function' : 'an object';
  return `${/^[AEIOU]/i.test(ctor) ? 'an' : 'a'} ${cut(ctor, 40)}`;
}

/** A file's bytes as a Uint8Array view: a Uint8Array (a Node Buffer, a subarray) as is, an ArrayBuffer wrapped. */
export function asBytes(bytes: unknown, source?: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer || Object.prototype.toString.call(bytes) === '[object ArrayBuffer]') return new Uint8Array(bytes as ArrayBuffer);
  if (ArrayBuffer.isView(bytes) && Object.prototype.toString.call(bytes) === '[object Uint8Array]') {
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a Uint8Array from another realm
  }
  throw err(`expected the file's bytes as a Uint8Array, Buffer or ArrayBuffer, got ${kindOf(bytes)}`, source);
}

/** Reads the length prefix and the JSON header; returns it with the offset where the data section starts. */
function readHeader(bytes: Uint8Array, source?: string): { header: JsonObject; dataStart: number } {
  if (bytes.byteLength < 8) {
    throw err(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length prefix`, source);
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.byteLength - 8)) {
    throw err(`header length ${n} runs past the end of the file (${bytes.byteLength - 8} bytes follow the prefix)`, source);
  }
  if (n > BigInt(MAX_HEADER_BYTES)) throw err(`header length ${n} is over the format's limit of ${MAX_HEADER_BYTES} bytes`, source);
  const dataStart = 8 + Number(n);
  if (bytes[8] === 0xef && bytes[9] === 0xbb && bytes[10] === 0xbf && dataStart >= 11) {
    throw err(`header starts with a UTF-8 byte order mark (EF BB BF); the format wants '{' (or whitespace) first`, source);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw err(`header is not valid UTF-8 JSON (the bytes are not UTF-8)`, source);
  }
  let header: JsonValue;
  try {
    header = parseJson(text, MAX_DEPTH);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw jsonError(e, source);
  }
  if (!(header instanceof Map)) throw err(`header is not a JSON object (found ${show(header)})`, source);
  return { header, dataStart };
}

/** Words a refusal of the JSON reader, naming the tensor (the top-level key) it happened in. */
function jsonError(e: JsonSyntaxError, source?: string): SafetensorsError {
  const [top, key] = e.path;
  const tensor = top === undefined || top === META ? undefined : top;
  if (e.kind === 'depth') return err(`header is nested deeper than ${MAX_DEPTH} levels of arrays and objects`, source, tensor);
  if (e.kind === 'duplicate') {
    if (e.path.length === 1) return top === META ? err(`header has more than one '${META}'`, source) : err(`the header names this tensor twice (duplicate key)`, source, top);
    const inside = top === META ? `'${META}'` : `the tensor's header entry`;
    return err(`duplicate key ${q(e.path[e.path.length - 1]!)} in ${inside}`, source, tensor);
  }
  const where = top === META ? ` in '${META}'${key === undefined ? '' : ` at key ${q(key)}`}` : '';
  return err(`header is not valid UTF-8 JSON (${e.message}${where}, at character ${e.at})`, source, tensor);
}

/** A JSON integer `0` or `[1-9][0-9]*` (not `-0`, `1.0`, `4e0`) no larger than 2^53 - 1, as a number; otherwise undefined. */
function jsonUint(v: JsonValue | undefined): number | undefined {
  if (!(v instanceof JsonNumber) || !/^(?:0|[1-9][0-9]*)$/.test(v.raw)) return undefined;
  return v.raw.length > 16 || BigInt(v.raw) > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v.raw);
}

interface Entry { name: string; dtype: string; shape: number[]; begin: number; end: number }

/** Checks one header entry's fields against each other and against the data section length. */
function readEntry(name: string, v: JsonValue, dataLen: number, source?: string): Entry {
  if (!(v instanceof Map)) throw err(`header entry is not an object (found ${show(v)})`, source, name);
  const dtype = v.get('dtype');
  const shape = v.get('shape');
  const offsets = v.get('data_offsets');
  const missing = (['dtype', 'shape', 'data_offsets'] as const).filter((k) => !v.has(k));
  if (missing.length) throw err(`header entry is missing ${missing.join(', ')}`, source, name);
  if (typeof dtype !== 'string') throw err(`dtype must be a string, got ${show(dtype)}`, source, name);
  if (!isKnownDtype(dtype)) throw err(`unknown dtype ${q(dtype)} (not a safetensors dtype)`, source, name);
  if (!Array.isArray(shape)) throw err(`shape must be an array, got ${show(shape)}`, source, name);
  const dims: number[] = [];
  for (const d of shape) {
    const x = jsonUint(d);
    if (x === undefined) {
      const why = d instanceof JsonNumber && /^(?:0|[1-9][0-9]*)$/.test(d.raw) ? `larger than 2^53 - 1` : `not a non-negative integer written as a JSON integer`;
      throw err(`shape ${show(shape)} has dimension ${show(d)}, ${why}`, source, name);
    }
    dims.push(x);
  }
  const pair = Array.isArray(offsets) && offsets.length === 2 ? offsets.map(jsonUint) : [];
  if (pair.length !== 2 || pair.includes(undefined)) {
    throw err(`data_offsets must be [begin, end] of non-negative integers written as JSON integers, got ${show(offsets)}`, source, name);
  }
  const [begin, end] = pair as [number, number];
  if (begin > end) throw err(`data_offsets [${begin}, ${end}] have begin > end`, source, name);
  if (end > dataLen) {
    throw err(`data_offsets [${begin}, ${end}] end beyond the data section (${dataLen} bytes)`, source, name);
  }
  // The crate's arithmetic: product(shape) then * bits, each step refused past u64 (ValidationOverflow).
  let count = 1n;
  for (const d of dims) {
    count *= BigInt(d);
    if (count > U64_MAX) throw err(`shape ${fmtShape(dims)} has more than 2^64 - 1 elements`, source, name);
  }
  const bits = count * BigInt(BITS[dtype]!);
  if (bits > U64_MAX) throw err(`shape ${fmtShape(dims)} of ${dtype} is more than 2^64 - 1 bits`, source, name);
  if (bits % 8n !== 0n) throw err(`shape ${fmtShape(dims)} of ${dtype} is ${bits} bits, not a whole number of bytes`, source, name);
  const need = bits / 8n;
  if (BigInt(end - begin) !== need) {
    const msg = `data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape ${fmtShape(dims)} of ${dtype} needs ${need}`;
    throw err(msg, source, name);
  }
  return { name, dtype, shape: dims, begin, end };
}

/**
 * Sorts `entries` by offsets (as the crate does) and checks that they tile `[0, dataLen)`: the first
 * begins at 0, each begins where the previous ends, the last ends at `dataLen`.
 */
function checkLayout(entries: Entry[], dataLen: number, source?: string): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Entry | undefined;
  for (const e of entries) {
    const range = `data_offsets [${e.begin}, ${e.end}]`;
    if (e.begin < at) {
      throw err(`${range} overlap tensor ${q(prev!.name)} at [${prev!.begin}, ${prev!.end}] (each tensor must begin where the previous one ends, at ${at})`, source, e.name);
    }
    if (e.begin > at) {
      const after = prev ? `tensor ${q(prev.name)} ends at ${at}` : `the data section starts at 0`;
      throw err(`${range} leave a gap of ${bytesStr(e.begin - at)}: ${after}, and tensors must be contiguous`, source, e.name);
    }
    at = e.end;
    prev = e;
  }
  if (at !== dataLen) {
    const covered = entries.length ? `the tensors end at byte ${at}` : `there are no tensors`;
    throw err(`the data section is ${bytesStr(dataLen)} but ${covered}: ${bytesStr(dataLen - at)} of trailing data`, source);
  }
}

/** Plain object with `entries` as own properties, `__proto__` and `constructor` included (no setter runs). */
export function ownRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

function readMetadata(v: JsonValue | undefined, source?: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Map)) throw err(`${META} must be an object of strings, got ${show(v)}`, source);
  for (const [k, x] of v) {
    if (typeof x !== 'string') throw err(`${META} value for ${q(k)} must be a string, got ${show(x)}`, source);
  }
  return ownRecord(v as Map<string, string>);
}

/**
 * Parses a whole file (`safetensors.safe_open` / `SafeTensors::deserialize`). Tensors come back in
 * data-section order, each with a copied `data`. Throws SafetensorsError naming the problem,
 * `source` and the tensor; never returns a partial result. A dtype the crate knows but Flint does
 * not load (U16, U32, U64, F8_*, F4, F6_*, C64) is refused as "not supported" once the file is
 * otherwise valid.
 */
export function parseSafetensors(
  input: Uint8Array | ArrayBuffer,
  source?: string,
): { tensors: Map<string, RawTensor>; metadata: Record<string, string> | undefined } {
  const bytes = asBytes(input, source);
  const { header, dataStart } = readHeader(bytes, source);
  const dataLen = bytes.byteLength - dataStart;
  const entries: Entry[] = [];
  for (const [k, v] of header) if (k !== META) entries.push(readEntry(k, v, dataLen, source));
  const metadata = readMetadata(header.get(META), source);
  checkLayout(entries, dataLen, source);
  for (const e of entries) {
    if (!isDtype(e.dtype)) throw err(`dtype '${e.dtype}' is not supported by Flint (it loads ${LOADABLE.join(', ')})`, source, e.name);
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    // A copy even for a Node Buffer, whose slice() is a view.
    const data = Uint8Array.prototype.slice.call(bytes, dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype as SafetensorsDtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/**
 * Own enumerable string keys of a plain (or null-prototype) object; refuses a Map, an array, a class
 * instance or a symbol key with `<prefix>: <what> ...`.
 */
export function plainEntries(v: unknown, what: string, prefix = 'safetensors'): [string, unknown][] {
  const proto = typeof v === 'object' && v !== null ? Object.getPrototypeOf(v) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    const hint = v instanceof Map ? ' (convert it with Object.fromEntries(map))' : '';
    throw new SafetensorsError(`${prefix}: ${what} must be a plain object, got ${kindOf(v)}${hint}`);
  }
  const sym = Object.getOwnPropertySymbols(v as object)[0];
  if (sym !== undefined) throw new SafetensorsError(`${prefix}: ${what} has the symbol key ${cut(String(sym))}; keys must be strings`);
  return Object.entries(v as object);
}

/** Checks metadata about to be written: undefined, or a plain object of well-formed strings (`Dict[str, str]`). */
export function checkMetadata(metadata: unknown, prefix = 'safetensors'): asserts metadata is Record<string, string> | undefined {
  if (metadata === undefined) return;
  for (const [k, v] of plainEntries(metadata, META, prefix)) {
    if (typeof v !== 'string') throw new SafetensorsError(`${prefix}: ${META} value for ${q(k)} must be a string, got ${kindOf(v)}`);
    if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) {
      throw new SafetensorsError(`${prefix}: ${META} entry ${q(k)} holds a lone surrogate (not valid Unicode, so not UTF-8)`);
    }
  }
}

/**
 * Serialises tensors in the layout of the PyTorch-written files in the project's oracle
 * (`safetensors.torch.save_file`): 8-byte LE header length, compact JSON header with the tensors in
 * iteration order and `__metadata__` last, padded with spaces to a multiple of 8, then the data
 * packed back to back in the same order. (The Rust crate's "dtype descending, then name" sort is the
 * caller's job; sort the input first to get that order.) Refuses anything `parseSafetensors` would.
 */
export function serializeSafetensors(tensors: Iterable<[string, RawTensor]>, metadata?: Record<string, string>): Uint8Array {
  checkMetadata(metadata);
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
  if (metadata !== undefined) {
    const members = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`${JSON.stringify(META)}:{${members.join(',')}}`);
  }
  const text = `{${parts.join(',')}}`;
  // UTF-8 is never shorter than UTF-16 code units, so a too-long string is refused before encoding.
  const json = text.length > MAX_HEADER_BYTES ? undefined : new TextEncoder().encode(text);
  const headerLen = json ? Math.ceil(json.byteLength / 8) * 8 : Infinity;
  if (!json || headerLen > MAX_HEADER_BYTES) {
    throw err(`the header would be over the format's limit of ${MAX_HEADER_BYTES} bytes (${json ? headerLen : `${text.length}+`} bytes; is the metadata too large?)`);
  }
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
  if (typeof name !== 'string' || LONE_SURROGATE.test(name)) throw err(`the name holds a lone surrogate (not valid Unicode, cannot be UTF-8)`, undefined, String(name));
  if (!isDtype(t.dtype)) throw err(`dtype ${q(String(t.dtype))} cannot be written (expected one of ${LOADABLE.join(', ')})`, undefined, name);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw err(`shape ${fmtShape(t.shape)} has a dimension that is not a non-negative integer`, undefined, name);
  }
  const need = numel(t.shape) * ITEMSIZE[t.dtype];
  if (!(t.data instanceof Uint8Array) || t.data.byteLength !== need) {
    throw err(`data holds ${t.data?.byteLength} bytes but shape ${fmtShape(t.shape)} of ${t.dtype} needs ${need}`, undefined, name);
  }
  return need;
}

const view = (t: RawTensor): DataView => new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Element count of `t`, throwing if its bytes are not a whole number of elements. */
function count(t: RawTensor, name?: string, source?: string): number {
  const n = t.data.byteLength / ITEMSIZE[t.dtype];
  if (!Number.isInteger(n)) throw err(`${t.data.byteLength} bytes are not a whole number of ${t.dtype} elements`, source, name);
  return n;
}
const scratch = new DataView(new ArrayBuffer(4));


/** bfloat16 bits are the top 16 bits of a float32 (`torch.bfloat16`). */
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

/**
 * I32 copied; I64 narrowed (throws naming `name`, `source` and the first value outside int32, as
 * Flint's int32 stands in for `torch.int64`); U8/I8/I16 widened.
 */
export function toInt32(t: RawTensor, name: string, source?: string): Int32Array {
  const read = INT_READERS[t.dtype];
  if (!read) throw err(`toInt32 needs I32, I64, I16, I8 or U8 data, got ${t.dtype}`, source, name);
  const n = count(t, name, source);
  if (t.dtype === 'I32' && HOST_LE) return new Int32Array(t.data.slice().buffer, 0, n);
  const dv = view(t);
  const out = new Int32Array(n);
  for (let i = 0; i < out.length; i++) {
    const v = read(dv, i);
    if (typeof v === 'bigint' && (v < -2147483648n || v > 2147483647n)) {
      throw err(`I64 value ${v} at index ${i} is out of int32 range [-2147483648, 2147483647]`, source, name);
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
