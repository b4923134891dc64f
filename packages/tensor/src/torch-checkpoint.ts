/**
 * `load` / `save`: PyTorch checkpoints (`torch.load(f, weights_only=True)` / `torch.save(obj, f)`),
 * the zip format of PyTorch ≥ 1.6 (https://pytorch.org/docs/1.13/notes/serialization.html).
 *
 * A checkpoint is a zip (`zip-archive.ts`) whose `<archive>/data.pkl` is a pickle (`pickle.ts`) of
 * the object; each tensor in it is `torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
 * requires_grad, hooks)`, and each storage a persistent id `('storage', torch.FloatStorage, key,
 * location, numel)` whose bytes are the entry `<archive>/data/<key>` (little-endian unless
 * `<archive>/byteorder` says `big`). `<archive>/version` is the format version (3 for 1.13).
 *
 * What comes back (`load`), and what `save` takes:
 * - tensors: Flint tensors, each a view (offset, strides) of a storage shared with the other views
 *   of the same PyTorch storage, as there; the same tensor twice is the same `Tensor`. float32,
 *   float64, float16 and bfloat16 storages load as float32 (a float64 beyond float32's range is
 *   an error), int64/int32/int16/int8/uint8 as int32 (an int64 beyond int32 is an error naming the
 *   key), bool as bool. `save` writes float32, int32 (as int64 unless `intDtype: 'int32'`) and
 *   bool storages, each once, with its tensors' offsets and strides.
 * - dicts (and `OrderedDict`s): prototype-less objects, so `load(bytes).model` reads a key and a
 *   state dict goes straight into `loadStateDict`. Keys are PyTorch's strings, and ints as decimal
 *   strings (an optimizer's `state` is keyed by parameter index); other keys are refused. As in
 *   any JS object, integer-like keys enumerate first, in ascending order. `save` takes plain or
 *   prototype-less objects (string keys; the integer keys of an optimizer state dict's `state` are
 *   written as ints, as PyTorch's) and `Map`s (string or integer keys).
 * - lists and tuples: arrays. ints: numbers (beyond ±2^53 an error); floats: numbers; strings,
 *   booleans, `None` ↔ `null`. `save` writes integral numbers as ints and others as floats.
 *
 * Like `weights_only=True`, loading never imports or calls anything the file names: the pickle may
 * name only `_rebuild_tensor_v2` (and `_rebuild_tensor`, `_rebuild_parameter`), storage classes,
 * `collections.OrderedDict` and `torch.Size`; any other global is an error naming it. Everything is
 * checked and decoded before the first tensor is made, so a bad file leaves nothing behind.
 *
 * Note for PyTorch 1.13: its `weights_only=True` unpickler has no float opcode, so it refuses any
 * checkpoint holding a Python float (an optimizer's `lr`), from `torch.save` too; PyTorch ≥ 2.0
 * reads them. Files of tensors, ints, strings and containers (state dicts) load in 1.13 as well.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DType } from './dtype.js';
import { halfToFloat } from './float16.js';
import { PickleError, PyCallable, PyDict, Pickler, pyType, unpickle } from './pickle.js';
import type { Storage } from './storage.js';
import { numelOf } from './strided.js';
import { Tensor } from './tensor.js';
import { ZipError, ZipReader, writeZip } from './zip-archive.js';

/** A bad checkpoint, or an object `save` cannot write: the message names the entry, key, global or opcode. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface LoadOptions {
  /**
   * Only `true` (the default, as `torch.load(weights_only=True)`): Flint never runs code from a
   * file, so there is no unrestricted mode.
   */
  weightsOnly?: boolean;
  /** The most bytes deflated zip entries may inflate to, in total. Default 1 GiB. */
  maxBytes?: number;
  /** The largest inflated / compressed size ratio of a deflated entry over 1 MiB (a zip bomb). Default 100. */
  maxRatio?: number;
  /** A name for the file in errors (default `checkpoint`). */
  source?: string;
}

export interface SaveOptions {
  /**
   * The dtype int32 tensors are written as: `'int64'` (default; `torch.long`, which Flint's int32
   * stands in for, e.g. `num_batches_tracked`) or `'int32'`.
   */
  intDtype?: 'int64' | 'int32';
}

// ---- storage types -----------------------------------------------------------------------------

interface StorageKind {
  /** PyTorch's class name (`FloatStorage`). */
  name: string;
  dtype: string;
  itemsize: number;
  /** Flint's dtype; absent for dtypes Flint does not load. */
  flint?: DType;
}

const KINDS: StorageKind[] = [
  { name: 'FloatStorage', dtype: 'float32', itemsize: 4, flint: 'float32' },
  { name: 'DoubleStorage', dtype: 'float64', itemsize: 8, flint: 'float32' },
  { name: 'HalfStorage', dtype: 'float16', itemsize: 2, flint: 'float32' },
  { name: 'BFloat16Storage', dtype: 'bfloat16', itemsize: 2, flint: 'float32' },
  { name: 'LongStorage', dtype: 'int64', itemsize: 8, flint: 'int32' },
  { name: 'IntStorage', dtype: 'int32', itemsize: 4, flint: 'int32' },
  { name: 'ShortStorage', dtype: 'int16', itemsize: 2, flint: 'int32' },
  { name: 'CharStorage', dtype: 'int8', itemsize: 1, flint: 'int32' },
  { name: 'ByteStorage', dtype: 'uint8', itemsize: 1, flint: 'int32' },
  { name: 'BoolStorage', dtype: 'bool', itemsize: 1, flint: 'bool' },
  { name: 'ComplexFloatStorage', dtype: 'complex64', itemsize: 8 },
  { name: 'ComplexDoubleStorage', dtype: 'complex128', itemsize: 16 },
  { name: 'QInt8Storage', dtype: 'qint8', itemsize: 1 },
  { name: 'QUInt8Storage', dtype: 'quint8', itemsize: 1 },
  { name: 'QInt32Storage', dtype: 'qint32', itemsize: 4 },
  { name: 'QUInt4x2Storage', dtype: 'quint4x2', itemsize: 1 },
  { name: 'QUInt2x4Storage', dtype: 'quint2x4', itemsize: 1 },
];
const KIND_BY_NAME = new Map(KINDS.map((k) => [k.name, k]));

/** A storage class a `GLOBAL` named (`torch.FloatStorage`). */
class StorageType {
  readonly pyType: string;
  constructor(readonly kind: StorageKind) {
    this.pyType = `torch.${kind.name}`;
  }
}

/** A persistent id: one storage of the file, shared by every tensor on it. */
class StorageRef {
  readonly pyType = 'torch.storage';
  /** Where the first tensor on it sits in the object (for errors). */
  firstPath: string | null = null;
  constructor(
    readonly key: string,
    readonly kind: StorageKind,
    readonly numel: number,
  ) {}
}

/** A tensor as the pickle built it: `_rebuild_tensor_v2`'s arguments, checked when planned. */
class TensorRef {
  readonly pyType = 'torch.Tensor';
  constructor(
    readonly args: readonly unknown[],
    public requiresGrad: unknown,
  ) {}
}

// ---- load --------------------------------------------------------------------------------------

const MAX_DEPTH = 1000;

/**
 * Reads a checkpoint written by `torch.save` (`torch.load(bytes, weights_only=True)`): a
 * Uint8Array (a Node Buffer) or an ArrayBuffer. Returns the saved object with Flint tensors
 * (see the file comment for how each Python value comes back), e.g.
 *
 * ```ts
 * const ckpt = load(readFileSync('ckpt.pt'));
 * model.loadStateDict(ckpt.model);
 * optimizer.loadStateDict(ckpt.optimizer);
 * ```
 *
 * Throws a `CheckpointError` naming the zip entry, key, global or opcode for a bad file (wrong
 * magic, the legacy pre-1.6 format, a truncated zip, a zip bomb, a missing `data.pkl` or storage,
 * a global other than the allowed ones, an unknown opcode, a storage smaller than its tensors
 * need, a value out of Flint's range); nothing is left half-built.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function load(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}): any {
  const { weightsOnly = true, maxBytes = 2 ** 30, maxRatio = 100, source = 'checkpoint' } = options;
  if (weightsOnly !== true) {
    throw new CheckpointError(`load: weightsOnly must be true (got ${String(weightsOnly)}): Flint never runs code from a file, so there is no weights_only=False`);
  }
  if (!(bytes instanceof ArrayBuffer) && !(bytes instanceof Uint8Array)) {
    throw new CheckpointError(`load: expected the file's bytes (a Uint8Array or ArrayBuffer), got ${describe(bytes)}`);
  }
  // A plain Uint8Array view (a Node Buffer's slice() would share memory instead of copying).
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (msg: string): never => {
    throw new CheckpointError(`load: ${source}: ${msg}`);
  };
  checkMagic(data, fail);
  try {
    const zip = new ZipReader(data, { maxBytes, maxRatio }, `load: ${source}`);
    const first = zip.entries.keys().next().value as string | undefined;
    const slash = first?.indexOf('/') ?? -1;
    const prefix = first !== undefined && slash > 0 ? first.slice(0, slash) : 'archive';
    const pklName = `${prefix}/data.pkl`;
    if (!zip.has(pklName)) fail(`not a torch.save checkpoint: the zip has no ${pklName} (entries: ${[...zip.entries.keys()].slice(0, 5).join(', ') || 'none'})`);
    const little = byteOrder(zip, prefix, fail);
    if (zip.has(`${prefix}/version`)) {
      const v = new TextDecoder().decode(zip.read(`${prefix}/version`)).trim();
      if (!/^\d+$/.test(v)) fail(`${prefix}/version is ${JSON.stringify(v.slice(0, 20))}, not a format version number`);
    }
    const storages = new Map<string, StorageRef>();
    const root = unpickle(zip.read(pklName), hooks(storages, `${source}: ${pklName}`), `load: ${source}: ${pklName}`);
    const plan = new Plan(fail);
    plan.visit(root, [], 0);
    const decoded = new Map<StorageRef, Float32Array | Int32Array | Uint8Array>();
    for (const s of plan.storages) {
      const name = `${prefix}/data/${s.key}`;
      if (!zip.has(name)) fail(`missing entry ${name}: the storage of ${s.firstPath}`);
      const raw = zip.read(name);
      if (raw.length < s.numel * s.kind.itemsize) {
        fail(`${name} holds ${raw.length} bytes but its ${s.kind.name} of ${s.numel} elements needs ${s.numel * s.kind.itemsize} (the storage of ${s.firstPath})`);
      }
      decoded.set(s, decodeStorage(raw, s, little, fail));
    }
    return build(root, decoded);
  } catch (err) {
    if (err instanceof ZipError || err instanceof PickleError) throw new CheckpointError(err.message);
    throw err;
  }
}

function checkMagic(d: Uint8Array, fail: (m: string) => never): void {
  if (d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b && d[2] === 0x03 && d[3] === 0x04) return;
  if (d.length >= 2 && d[0] === 0x80 && d[1] <= 5) {
    fail('this is the legacy (non-zip) torch.save format of PyTorch < 1.6 (or _use_new_zipfile_serialization=False), which Flint does not read: load it in PyTorch and torch.save it again');
  }
  const head = Array.from(d.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  fail(`not a PyTorch checkpoint: a torch.save file is a zip starting with 50 4b 03 04 ("PK\\x03\\x04"), this starts with ${head || 'nothing (empty input)'}`);
}

function byteOrder(zip: ZipReader, prefix: string, fail: (m: string) => never): boolean {
  const name = `${prefix}/byteorder`;
  if (!zip.has(name)) return true;
  const order = new TextDecoder().decode(zip.read(name)).trim();
  if (order !== 'little' && order !== 'big') fail(`${name} is ${JSON.stringify(order.slice(0, 20))} (expected "little" or "big")`);
  return order === 'little';
}

const ALLOWED = [
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter',
  'collections.OrderedDict',
  'torch.Size',
  'torch.<dtype>Storage',
];

/** The globals weights-only loading resolves, and the persistent ids of storages. */
function hooks(storages: Map<string, StorageRef>, where: string) {
  const refuse = (msg: string): never => {
    throw new CheckpointError(`load: ${where}: ${msg}`);
  };
  const callables: Record<string, PyCallable> = {
    'torch._utils._rebuild_tensor_v2': new PyCallable('torch._utils._rebuild_tensor_v2', (a) => {
      if (a.length < 6 || a.length > 7) refuse(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${a.length}`);
      return new TensorRef(a.slice(0, 4), a[4]);
    }),
    'torch._utils._rebuild_tensor': new PyCallable('torch._utils._rebuild_tensor', (a) => {
      if (a.length !== 4) refuse(`_rebuild_tensor takes 4 arguments, got ${a.length}`);
      return new TensorRef(a, false);
    }),
    'torch._utils._rebuild_parameter': new PyCallable('torch._utils._rebuild_parameter', (a) => {
      if (a.length !== 3 || !(a[0] instanceof TensorRef)) refuse(`_rebuild_parameter takes (tensor, requires_grad, hooks), got ${a.map(pyType).join(', ')}`);
      return new TensorRef((a[0] as TensorRef).args, a[1]);
    }),
    'collections.OrderedDict': new PyCallable('collections.OrderedDict', (a) => {
      const d = new PyDict();
      if (a.length > 1) refuse(`OrderedDict takes at most 1 argument, got ${a.length}`);
      if (a.length === 1) {
        if (!Array.isArray(a[0])) refuse(`OrderedDict's argument must be a list of pairs, got ${pyType(a[0])}`);
        for (const kv of a[0] as unknown[]) {
          if (!Array.isArray(kv) || kv.length !== 2) refuse(`OrderedDict's argument must be a list of pairs`);
          d.set((kv as unknown[])[0], (kv as unknown[])[1]);
        }
      }
      return d;
    }),
    'torch.Size': new PyCallable('torch.Size', (a) => {
      if (a.length !== 1 || !Array.isArray(a[0])) refuse('torch.Size takes one tuple');
      return Object.freeze([...(a[0] as unknown[])]);
    }),
  };
  return {
    resolve(module: string, name: string): unknown {
      const path = `${module}.${name}`;
      const fn = callables[path];
      if (fn) return fn;
      const kind = module === 'torch' ? KIND_BY_NAME.get(name) : undefined;
      if (kind) return new StorageType(kind);
      return refuse(
        `the pickle names the global ${path}, which weights-only loading does not allow (Flint never imports or calls anything a file names; allowed: ${ALLOWED.join(', ')})`,
      );
    },
    persistentLoad(pid: unknown): unknown {
      if (!Array.isArray(pid) || pid[0] !== 'storage') {
        refuse(`only persistent ids of storages ('storage', type, key, location, numel) are allowed, got ${pyType(pid)}${Array.isArray(pid) ? ` starting with ${JSON.stringify(pid[0])}` : ''}`);
      }
      const [, type, key, , numel] = pid as unknown[];
      if ((pid as unknown[]).length !== 5 || !(type instanceof StorageType) || typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
        return refuse(`a storage's persistent id must be ('storage', torch.<dtype>Storage, key, location, numel), got (${(pid as unknown[]).map(pyType).join(', ')})`);
      }
      const known = storages.get(key);
      if (known) {
        if (known.kind !== type.kind || known.numel !== numel) refuse(`storage ${key} appears as ${known.kind.name}[${known.numel}] and as ${type.kind.name}[${numel}]`);
        return known;
      }
      const ref = new StorageRef(key, type.kind, numel);
      storages.set(key, ref);
      return ref;
    },
  };
}

type PathPart = string | number;
const pathStr = (path: readonly PathPart[]): string =>
  path.length === 0 ? 'the top-level object' : path.map((p) => (typeof p === 'number' ? `[${p}]` : `[${JSON.stringify(p)}]`)).join('');

/** Pass 1: every value checked (keys, ints, tensor geometry against its storage), before anything is made. */
class Plan {
  readonly storages = new Set<StorageRef>();
  private readonly seen = new Set<object>();
  constructor(private readonly fail: (m: string) => never) {}

  visit(v: unknown, path: PathPart[], depth: number): void {
    const at = () => pathStr(path);
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels at ${at()}`);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
    if (typeof v === 'number') return;
    if (typeof v === 'bigint') this.fail(`the int ${v} at ${at()} is beyond ±2^53, which a JS number cannot hold exactly`);
    if (typeof v !== 'object') this.fail(`unexpected ${typeof v} at ${at()}`);
    if (this.seen.has(v as object)) return;
    this.seen.add(v as object);
    if (Array.isArray(v)) {
      v.forEach((x, i) => this.visit(x, [...path, i], depth + 1));
    } else if (v instanceof PyDict) {
      const keys = new Set<string>();
      for (const [k, x] of v.entries) {
        const key = objectKey(k);
        if (key === null) this.fail(`the dict at ${at()} has the key ${pyRepr(k)} (${pyType(k)}): only str and int keys are supported`);
        if (keys.has(key!)) this.fail(`the dict at ${at()} has both the int and the str key ${key}`);
        keys.add(key!);
        this.visit(x, [...path, key!], depth + 1);
      }
    } else if (v instanceof TensorRef) {
      this.tensor(v, at());
    } else {
      this.fail(`${pyType(v)} at ${at()} is not a value weights-only loading builds (tensors, dicts, lists, tuples, numbers, strings, booleans, None)`);
    }
  }

  private tensor(t: TensorRef, at: string): void {
    const [storage, offset, size, stride] = t.args;
    if (!(storage instanceof StorageRef)) this.fail(`the tensor at ${at} is built on ${pyType(storage)}, not a storage`);
    const s = storage as StorageRef;
    if (!s.kind.flint) this.fail(`the tensor at ${at} is a torch.${s.kind.dtype} tensor (torch.${s.kind.name}), which Flint does not support`);
    const ints = (x: unknown): x is number[] => Array.isArray(x) && x.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
    if (!ints(size) || !ints(stride) || size.length !== stride.length || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      this.fail(`the tensor at ${at} has a bad geometry: size ${pyRepr(size)}, stride ${pyRepr(stride)}, offset ${pyRepr(offset)}`);
    }
    if (typeof t.requiresGrad !== 'boolean') this.fail(`the tensor at ${at} has requires_grad ${pyRepr(t.requiresGrad)}, not a bool`);
    const sz = size as number[];
    const st = stride as number[];
    const n = numelOf(sz);
    const needs = n === 0 ? (offset as number) : (offset as number) + sz.reduce((m, d, i) => m + (d - 1) * st[i]!, 0) + 1;
    if (needs > s.numel) {
      this.fail(
        `the tensor at ${at} (size [${sz.join(', ')}], stride [${st.join(', ')}], offset ${offset}) needs ${needs} elements but its storage ${s.key} has ${s.numel}`,
      );
    }
    if (n > 2 ** 31 - 1) this.fail(`the tensor at ${at} has ${n} elements, more than Flint supports`);
    s.firstPath ??= at;
    this.storages.add(s);
  }
}

/** A dict key as an object key: strings as they are, ints as decimal strings; `null` for others. */
function objectKey(k: unknown): string | null {
  if (typeof k === 'string') return k;
  if ((typeof k === 'number' && Number.isInteger(k)) || typeof k === 'bigint') return String(k);
  return null;
}

function pyRepr(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `(${v.slice(0, 8).map(pyRepr).join(', ')}${v.length > 8 ? ', …' : ''})`;
  return pyType(v);
}

const F32_MAX = 3.4028234663852886e38;

/** Pass 2: a storage's bytes as Flint's dtype, range-checked. */
function decodeStorage(raw: Uint8Array, s: StorageRef, little: boolean, fail: (m: string) => never): Float32Array | Int32Array | Uint8Array {
  const n = s.numel;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const where = () => `storage ${s.key} (${s.kind.name}; used by ${s.firstPath})`;
  switch (s.kind.dtype) {
    case 'float32': {
      if (little) return new Float32Array(raw.slice(0, n * 4).buffer);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, false);
      return out;
    }
    case 'float64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = dv.getFloat64(i * 8, little);
        if (Math.abs(v) > F32_MAX && Number.isFinite(v)) fail(`float64 value ${v} at index ${i} of ${where()} is beyond float32's range (±${F32_MAX})`);
        out[i] = v;
      }
      return out;
    }
    case 'float16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(i * 2, little));
      return out;
    }
    case 'bfloat16': {
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(i * 2, little) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'int64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = dv.getBigInt64(i * 8, little);
        if (v < -2147483648n || v > 2147483647n) {
          fail(`int64 value ${v} at index ${i} of ${where()} is out of int32 range [-2147483648, 2147483647] (Flint stores int64 as int32)`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, little);
      return out;
    }
    case 'int16': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, little);
      return out;
    }
    case 'int8':
      return Int32Array.from(new Int8Array(raw.buffer, raw.byteOffset, n));
    case 'uint8':
      return Int32Array.from(raw.subarray(0, n));
    case 'bool':
      return raw.subarray(0, n).map((b) => (b ? 1 : 0));
  }
  return fail(`${where()}: unsupported dtype`);
}


/** Pass 3: the Flint objects. Only backend allocation can fail here; then every tensor made is freed. */
function build(root: unknown, decoded: Map<StorageRef, Float32Array | Int32Array | Uint8Array>): unknown {
  const bases = new Map<StorageRef, Tensor>();
  const made: Tensor[] = [];
  const out = new Map<object, unknown>();
  const convert = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const done = out.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      out.set(v, arr);
      for (const x of v) arr.push(convert(x));
      return arr;
    }
    if (v instanceof PyDict) {
      const obj: Record<string, unknown> = Object.create(null);
      out.set(v, obj);
      for (const [k, x] of v.entries) obj[objectKey(k)!] = convert(x);
      return obj;
    }
    const t = v as TensorRef;
    const [storage, offset, size, stride] = t.args as [StorageRef, number, number[], number[]];
    let base = bases.get(storage);
    if (!base) {
      base = new Tensor(tf.tensor1d(decoded.get(storage)!, storage.kind.flint!));
      bases.set(storage, base);
    }
    const view = new Tensor(base, { shape: [...size], strides: [...stride], offset });
    made.push(view);
    if (t.requiresGrad === true && view.dtype === 'float32') view.requiresGrad = true;
    out.set(v, view);
    return view;
  };
  try {
    return convert(root);
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  } finally {
    for (const b of bases.values()) b.dispose();
  }
}

// ---- save --------------------------------------------------------------------------------------

/**
 * Writes `obj` as `torch.save(obj, f)` does (PyTorch 1.13's layout: `archive/data.pkl` in pickle
 * protocol 2, `archive/byteorder` = `little`, `archive/data/<key>` per storage, `archive/version`
 * = 3), so `torch.load(f, weights_only=True)` reads it (see the file comment for 1.13 and floats).
 * `obj` holds tensors, plain objects, `Map`s, arrays, numbers, strings, booleans and `null`; a
 * storage shared by several tensors is written once, whole, and each tensor with its offset and
 * strides, so views load as views in PyTorch. Anything else (undefined, a class instance, a
 * disposed tensor) is a `CheckpointError` naming its key.
 */
export function save(obj: unknown, options: SaveOptions = {}): Uint8Array {
  const { intDtype = 'int64' } = options;
  if (intDtype !== 'int64' && intDtype !== 'int32') throw new CheckpointError(`save: intDtype must be 'int64' or 'int32' (got ${describe(intDtype)})`);
  const p = new Pickler();
  const memo = new Map<object, number>();
  const globals = new Map<string, number>();
  const storages = new Map<Storage, { key: string; data: Uint8Array }>();
  const fail = (path: readonly PathPart[], msg: string): never => {
    throw new CheckpointError(`save: ${pathStr(path)}: ${msg}`);
  };
  const global = (module: string, name: string): void => {
    const id = `${module}.${name}`;
    const at = globals.get(id);
    if (at !== undefined) return p.get(at);
    p.global(module, name);
    globals.set(id, p.put());
  };
  const storageOf = (t: Tensor, path: PathPart[]): { key: string; kind: string } => {
    const s = t._storage;
    const kind = t.dtype === 'float32' ? 'FloatStorage' : t.dtype === 'bool' ? 'BoolStorage' : intDtype === 'int64' ? 'LongStorage' : 'IntStorage';
    let entry = storages.get(s);
    if (!entry) {
      if (s.isFreed) fail(path, 'the tensor was disposed (released); its values are gone');
      const values = s.data().dataSync() as Float32Array | Int32Array | Uint8Array;
      entry = { key: String(storages.size), data: storageBytes(values, kind) };
      storages.set(s, entry);
    }
    return { key: entry.key, kind };
  };
  const tensor = (t: Tensor, path: PathPart[]): void => {
    if (t.isReleased) fail(path, 'the tensor was disposed (released); its values are gone');
    const { key, kind } = storageOf(t, path);
    global('torch._utils', '_rebuild_tensor_v2');
    p.mark();
    p.mark();
    p.str('storage');
    global('torch', kind);
    p.str(key);
    p.str('cpu');
    p.int(t._storage.numel);
    p.tuple(5);
    p.binpersid();
    p.int(t.storageOffset());
    intTuple(t.shape);
    intTuple(t.stride());
    p.bool(t.requiresGrad);
    global('collections', 'OrderedDict');
    p.tuple(0);
    p.reduce();
    p.tuple(6);
    p.reduce();
  };
  const intTuple = (xs: readonly number[]): void => {
    if (xs.length > 3) p.mark();
    for (const x of xs) p.int(x);
    p.tuple(xs.length);
  };
  const value = (v: unknown, path: PathPart[], depth: number): void => {
    if (depth > MAX_DEPTH) fail(path, `nesting deeper than ${MAX_DEPTH} levels (a cycle?)`);
    if (v === null) return p.none();
    if (typeof v === 'boolean') return p.bool(v);
    if (typeof v === 'number') return Number.isSafeInteger(v) ? p.int(v) : p.float(v);
    if (typeof v === 'bigint') return p.int(v);
    if (typeof v === 'string') return p.str(v);
    if (typeof v !== 'object') return fail(path, `${describe(v)} has no Python counterpart (save writes tensors, objects, Maps, arrays, numbers, strings, booleans and null)`);
    const seen = memo.get(v);
    if (seen !== undefined) return p.get(seen);
    if (v instanceof Tensor) {
      tensor(v, path);
      memo.set(v, p.put());
    } else if (Array.isArray(v)) {
      p.emptyList();
      memo.set(v, p.put());
      for (let i = 0; i < v.length; i += 1000) {
        p.mark();
        for (let j = i; j < Math.min(v.length, i + 1000); j++) value(v[j], [...path, j], depth + 1);
        p.appends();
      }
    } else if (v instanceof Map) {
      const entries: [PyKey, unknown][] = [];
      for (const [k, x] of v) {
        if (typeof k !== 'string' && !(typeof k === 'number' && Number.isSafeInteger(k))) fail(path, `Map key ${describe(k)} is not a string or an integer`);
        entries.push([k as PyKey, x]);
      }
      dict(v, entries, path, depth);
    } else if (isPlainObject(v)) {
      if (isOptimizerStateDict(v)) intKeyed.add(v['state'] as object);
      const ints = intKeyed.has(v);
      const keys = Object.keys(v);
      dict(v, keys.map((k) => [ints && /^(0|[1-9]\d{0,15})$/.test(k) ? Number(k) : k, v[k]]), path, depth);
    } else {
      fail(path, `${describe(v)} has no Python counterpart (save writes tensors, objects, Maps, arrays, numbers, strings, booleans and null)`);
    }
  };
  /** The dict is memoized before its items, as Python's pickler does (a dict may hold itself). */
  const dict = (v: object, entries: [PyKey, unknown][], path: PathPart[], depth: number): void => {
    p.emptyDict();
    memo.set(v, p.put());
    for (let i = 0; i < entries.length; i += 1000) {
      p.mark();
      for (const [k, x] of entries.slice(i, i + 1000)) {
        if (typeof k === 'number') p.int(k);
        else p.str(k);
        value(x, [...path, k], depth + 1);
      }
      p.setitems();
    }
  };
  const intKeyed = new WeakSet<object>();
  value(obj, [], 0);
  const pkl = p.finish();
  const entries: [string, Uint8Array][] = [
    ['archive/data.pkl', pkl],
    ['archive/byteorder', new TextEncoder().encode('little')],
  ];
  for (const { key, data } of storages.values()) entries.push([`archive/data/${key}`, data]);
  entries.push(['archive/version', new TextEncoder().encode('3\n')]);
  return writeZip(entries);
}

type PyKey = string | number;

/**
 * An optimizer state dict (`{ state, param_groups }`, as `Optimizer.stateDict()` returns): PyTorch
 * keys its `state` by parameter index, so `save` writes that object's integer keys as ints.
 */
function isOptimizerStateDict(v: Record<string, unknown>): boolean {
  return Object.hasOwn(v, 'state') && Object.hasOwn(v, 'param_groups') && Array.isArray(v['param_groups']) && isPlainObject(v['state']);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** A storage's bytes, little-endian, as PyTorch's dtype `kind`. */
function storageBytes(values: Float32Array | Int32Array | Uint8Array, kind: string): Uint8Array {
  if (kind === 'LongStorage') {
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
    return littleEndian(new Uint8Array(out.buffer), 8);
  }
  if (kind === 'BoolStorage') return Uint8Array.from(values as Uint8Array, (b) => (b ? 1 : 0));
  return littleEndian(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)), 4);
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function littleEndian(bytes: Uint8Array, size: number): Uint8Array {
  if (HOST_LE) return bytes;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return `an object of class ${(v as object).constructor?.name ?? 'unknown'}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}
