/**
 * `Storage`: the flat data that views share (PyTorch's `StorageImpl`), and where it lives.
 *
 * The data is an immutable tfjs tensor on the kernel backend (WASM memory, which the garbage
 * collector does not see). A write through a view builds the storage's new data and swaps it in;
 * every view sees it, and the storage's `version` (one counter for all its views, as PyTorch's)
 * goes up so autograd can refuse a saved tensor that was modified in place.
 *
 * Where the data lives, so that a tensor the program can reach is never lost and memory stays
 * bounded without `dispose()`:
 *
 * - **Resident**: in backend memory, ready for kernels.
 * - **Offloaded**: a storage that no op has used for `RETAIN_SWEEPS` sweeps is, at the next one,
 *   copied into a JS typed array (owned by the garbage collector) and its backend memory freed;
 *   its next use brings it back. A sweep runs at each step boundary (`tick()`: `backward()`, outermost module calls in
 *   eval / no-grad) and whenever the bytes allocated since the last sweep pass a budget, so a
 *   loop that never ticks stays bounded too.
 * - **Freed**: when the last tensor on the storage is disposed, at once; when no tensor refers to
 *   the storage any more, by a `FinalizationRegistry` once the event loop has had a turn.
 *
 * The backend tensors a storage owns (its data, and views of it materialised for kernels) sit in
 * a `Cell` that never refers back to the storage, so the registry and the resident set can hold
 * cells without keeping storages alive.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DType } from './dtype.js';
import { canReadSync } from './readback.js';
import { elementIndices, hasOverlap, numelOf, readPlan, type Geometry } from './strided.js';
import { heapBuffer, heapRewritten, heapView } from './heap.js';
import { permuteAsTranspose } from './ops/fast-transpose.js';

type HostArray = Float32Array | Int32Array | Uint8Array;

/** How many sweeps a storage stays resident after its last use; it leaves at the next one. */
export const RETAIN_SWEEPS = 2;
/** The least number of bytes allocated between two sweeps that are not step boundaries. */
const MIN_SWEEP_BYTES = 64 * 2 ** 20;

/** A materialised view (or derived layout) of a storage's data. */
export interface CachedView {
  data: tf.Tensor;
  use: number;
  /** Live tensors reading it; the last one to be disposed frees it. */
  holders: number;
}

/** The backend side of a storage (see the file comment). */
class Cell {
  data: tf.Tensor | null;
  host: HostArray | null = null;
  /** Views of `data` materialised for kernels (and derived layouts), by geometry key. */
  views: Map<string, CachedView> | null = null;
  use = epoch;
  /** Whether the finalizer knows the cell (see `deferred`). */
  registered = false;
  constructor(
    data: tf.Tensor,
    readonly bytes: number,
  ) {
    this.data = data;
  }
}

// ---- residency --------------------------------------------------------------------------------

let epoch = 0;
let residentBytes = 0;
let allocated = 0;
let allocatedThisTick = 0;
let lastTickAllocated = 0;
let budget = MIN_SWEEP_BYTES;
const resident = new Set<Cell>();
const registry = new FinalizationRegistry<Cell>((cell) => freeCell(cell));

function bytesOf(t: tf.Tensor): number {
  return t.size * (t.dtype === 'bool' ? 1 : 4);
}

function countAllocation(bytes: number): void {
  allocated += bytes;
  allocatedThisTick += bytes;
  if (allocated > budget) sweep();
}

/**
 * Cells made resident inside each running `scope()`: registered with the finalizer only when the
 * scope ends and only if still resident, since most are freed by the scope itself (registering
 * costs about as much as the kernel call of a small op). The list holds the owners, so none can be
 * collected unregistered.
 */
const deferred: [Cell, object][][] = [];

/** `scope()` starts: cells made resident from now on wait for `endDeferredRegistration`. */
export function beginDeferredRegistration(): void {
  deferred.push([]);
}

/** `scope()` ends: its still-resident cells go to the enclosing scope, or to the finalizer. */
export function endDeferredRegistration(): void {
  const mine = deferred.pop() ?? [];
  const parent = deferred[deferred.length - 1];
  for (const entry of mine) {
    if (entry[0].data === null) continue;
    if (parent) parent.push(entry);
    else register(entry[0], entry[1]);
  }
}

function register(cell: Cell, owner: object): void {
  // A cell offloaded and made resident again within one scope is listed twice.
  if (cell.registered) return;
  registry.register(owner, cell, cell);
  cell.registered = true;
}

function unregister(cell: Cell): void {
  if (!cell.registered) return;
  registry.unregister(cell);
  cell.registered = false;
}

/** `owner` is the storage: when it is collected, the registry frees the cell's backend memory. */
function makeResident(cell: Cell, owner: object): void {
  resident.add(cell);
  residentBytes += cell.bytes;
  const pending = deferred[deferred.length - 1];
  if (pending) pending.push([cell, owner]);
  else register(cell, owner);
}

function dropViews(cell: Cell): void {
  if (cell.views === null) return;
  for (const v of cell.views.values()) {
    residentBytes -= viewBytes(cell, v.data);
    release(v.data);
  }
  cell.views = null;
}

/** A materialised view counts when it is a copy (a reshape shares the data). */
function viewBytes(cell: Cell, t: tf.Tensor): number {
  return cell.data !== null && t.dataId === cell.data.dataId ? 0 : bytesOf(t);
}

function freeCell(cell: Cell): void {
  dropViews(cell);
  if (cell.data !== null) {
    release(cell.data);
    cell.data = null;
    resident.delete(cell);
    residentBytes -= cell.bytes;
  }
  unregister(cell);
  cell.host = null;
}

/**
 * Moves the cell's data into a JS typed array. A backend that reads only asynchronously
 * (`webgpu`) first gets a download started: the cell leaves at a later sweep, once the values are
 * on the CPU (and if it is still unused then). Returns whether it left.
 */
function offload(cell: Cell): boolean {
  const data = cell.data!;
  if (!canReadSync(data)) {
    void download(data).catch(() => {});
    return false;
  }
  dropViews(cell);
  cell.host = data.dataSync() as HostArray;
  data.dispose();
  cell.data = null;
  resident.delete(cell);
  residentBytes -= cell.bytes;
  unregister(cell);
  return true;
}

/** Backend tensors whose values are on their way to the CPU, with the download. */
const downloading = new Map<tf.Tensor, Promise<HostArray>>();

/**
 * The values of a backend tensor, read asynchronously (`await t.data()`, `offload`). The tensor is
 * registered while the read is under way, so `release` keeps it until the read ends: a backend
 * read whose buffer is freed midway throws (tfjs-webgpu).
 */
export function download(data: tf.Tensor): Promise<HostArray> {
  let pending = downloading.get(data);
  if (pending === undefined) {
    pending = data.data() as Promise<HostArray>;
    downloading.set(data, pending);
    const done = () => void downloading.delete(data);
    pending.then(done, done);
  }
  return pending;
}

/**
 * Disposes a backend tensor of a storage (its data or a materialised view), after its download
 * if one is under way.
 */
function release(data: tf.Tensor): void {
  const pending = downloading.size === 0 ? undefined : downloading.get(data);
  if (pending === undefined) data.dispose();
  else pending.then(() => data.dispose(), () => data.dispose());
}

/**
 * One sweep: storages and materialised views unused for `RETAIN_SWEEPS` sweeps leave backend
 * memory. Only data unused since before the previous sweep moves, so the tensors an op is using
 * right now stay where they are.
 */
export function sweep(): void {
  epoch++;
  const oldest = epoch - RETAIN_SWEEPS;
  for (const cell of resident) {
    if (cell.use < oldest && offload(cell)) continue;
    if (cell.views !== null) {
      for (const [key, v] of cell.views) {
        if (v.use < oldest) {
          residentBytes -= viewBytes(cell, v.data);
          release(v.data);
          cell.views.delete(key);
        }
      }
    }
  }
  allocated = 0;
  budget = Math.max(MIN_SWEEP_BYTES, 2 * lastTickAllocated, residentBytes / 4);
}

/**
 * Moves every storage (and drops every materialised view) out of backend memory, as a sweep does
 * for old ones: they come back on their next use. Before the backend is replaced (`setNumThreads`).
 */
export function offloadAll(): void {
  for (const cell of [...resident]) offload(cell);
}

/**
 * `offloadAll` on any backend: waits for the values of every storage to reach the CPU first
 * (before `setBackend` leaves a backend that reads only asynchronously).
 */
export async function offloadAllAsync(): Promise<void> {
  const cells = [...resident];
  await Promise.all(cells.map((cell) => (cell.data === null ? null : download(cell.data))));
  for (const cell of cells) if (cell.data !== null) offload(cell);
}

/** A step boundary (`tick()`): a sweep, and the step's allocation volume sets the next budget. */
export function stepBoundary(): void {
  lastTickAllocated = allocatedThisTick;
  allocatedThisTick = 0;
  sweep();
}

/** Bytes of backend memory held by storages and their materialised views. */
export function residentStorageBytes(): number {
  return residentBytes;
}

// ---- storage ----------------------------------------------------------------------------------

/** PyTorch's error for a write into a view whose elements share memory (an `expand`ed tensor). */
export function overlapError(op: string): Error {
  return new Error(
    `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. ` +
      'Please clone() the tensor before performing the operation.',
  );
}

export class Storage {
  /** @internal */ readonly cell: Cell;
  readonly dtype: DType;
  /** Shape of the backend tensor holding the data (the creating tensor's shape). */
  readonly dataShape: readonly number[];
  readonly numel: number;
  /** Bumped by every write; autograd compares it for saved tensors (`_version`). */
  version = 0;
  /** Live (not disposed) tensors on this storage; at 0 the backend memory is freed at once. */
  refs = 0;

  constructor(data: tf.Tensor) {
    const kept = tf.keep(data);
    this.dtype = kept.dtype as DType;
    this.dataShape = kept.shape;
    this.numel = kept.size;
    this.cell = new Cell(kept, bytesOf(kept));
    makeResident(this.cell, this);
    countAllocation(this.cell.bytes);
  }

  get isFreed(): boolean {
    return this.cell.data === null && this.cell.host === null;
  }

  get isResident(): boolean {
    return this.cell.data !== null;
  }

  /** The whole storage as a backend tensor of `dataShape`, brought back if offloaded. */
  data(): tf.Tensor {
    const cell = this.cell;
    cell.use = epoch;
    if (cell.data !== null) return cell.data;
    if (cell.host === null) throw new Error('storage: the backend memory of this storage was freed');
    cell.data = tf.keep(tf.tensor(cell.host, [...this.dataShape], this.dtype));
    cell.host = null;
    makeResident(cell, this);
    countAllocation(cell.bytes);
    return cell.data;
  }

  /**
   * The view `g` as a backend tensor of its shape, cached under `key` until the next write. `held`
   * is the entry the calling tensor already holds; a new entry is returned with one more holder.
   */
  readView(g: Geometry, key: string, held: CachedView | null): CachedView {
    const data = this.data();
    if (held !== null && this.cell.views?.get(key) === held) {
      held.use = epoch;
      return held;
    }
    const entry = this.entry(key, () => materialize(data, g));
    entry.holders++;
    return entry;
  }

  /** A tensor holding `entry` was disposed: the last holder frees it. */
  unhold(key: string, entry: CachedView): void {
    const views = this.cell.views;
    if (views?.get(key) !== entry || --entry.holders > 0) return;
    views.delete(key);
    residentBytes -= viewBytes(this.cell, entry.data);
    release(entry.data);
  }

  /**
   * A backend tensor computed from the data by `make`, cached under `key` until the next write
   * (e.g. conv2d's channels-last filter of a weight used again and again).
   */
  cached(key: string, make: () => tf.Tensor): tf.Tensor {
    this.data();
    return this.entry(key, make).data;
  }

  private entry(key: string, make: () => tf.Tensor): CachedView {
    const cell = this.cell;
    const hit = cell.views?.get(key);
    if (hit !== undefined) {
      hit.use = epoch;
      return hit;
    }
    const entry: CachedView = { data: tf.keep(make()), use: epoch, holders: 0 };
    (cell.views ??= new Map()).set(key, entry);
    const bytes = viewBytes(cell, entry.data);
    residentBytes += bytes;
    countAllocation(bytes);
    return entry;
  }

  /**
   * Writes `values` (a backend tensor of `g`'s shape and this dtype) into the elements of view
   * `g`. The storage gets new data; the caller keeps ownership of `values`.
   */
  write(g: Geometry, values: tf.Tensor, op: string): void {
    if (hasOverlap(g)) throw overlapError(op);
    const old = this.data();
    const n = numelOf(g.shape);
    let next: tf.Tensor;
    if (n === this.numel && n > 0 && coversInOrder(g)) {
      next = tf.reshape(values, [...this.dataShape]);
    } else if (n === 0) {
      next = tf.reshape(old, [...this.dataShape]);
    } else if (canReadSync(values)) {
      this.writeIndices(elementIndices(g), values.dataSync(), false);
      return;
    } else {
      this.writeIndices(elementIndices(g), values, false);
      return;
    }
    this.replace(next);
  }

  /**
   * Writes `src[i]` to storage element `positions[i]` (or adds it, with `accumulate`), on the host:
   * tfjs has no kernel that updates part of a tensor.
   */
  writeIndices(positions: Int32Array | tf.Tensor, src: ArrayLike<number> | tf.Tensor, accumulate: boolean): void {
    const old = this.data();
    if (positions instanceof tf.Tensor || src instanceof tf.Tensor || !canReadSync(old)) {
      this.replace(scatterInto(old, positions, src, accumulate));
      return;
    }
    const host = old.dataSync().slice() as HostArray;
    if (accumulate) for (let i = 0; i < positions.length; i++) host[positions[i]!] += src[i]!;
    else for (let i = 0; i < positions.length; i++) host[positions[i]!] = src[i]!;
    this.replace(tf.tensor(host, [...this.dataShape], this.dtype));
  }

  /**
   * For a kernel that rewrites all of view `g` in place: the byte offset of the storage's float32
   * data on the WASM heap, when `g` covers the storage in order and no other backend tensor
   * shares its buffer (cached views are dropped first); `null` otherwise, with nothing changed
   * but the cache. Call `wroteInPlace()` after the write.
   */
  heapForWrite(g: Geometry): number | null {
    if (this.dtype !== 'float32' || numelOf(g.shape) !== this.numel || !coversInOrder(g)) return null;
    const data = this.data();
    dropViews(this.cell);
    const buffer = heapBuffer(data);
    return buffer !== null && buffer.sharers === 1 ? buffer.offset : null;
  }

  /** The data was rewritten in place (after `heapForWrite`). */
  wroteInPlace(): void {
    heapRewritten(this.cell.data!);
    this.cell.use = epoch;
    this.version++;
  }

  /** Swaps in new data for the whole storage (same shape and dtype). */
  private replace(next: tf.Tensor): void {
    const cell = this.cell;
    dropViews(cell);
    release(cell.data!);
    cell.data = tf.keep(next);
    cell.use = epoch;
    this.version++;
  }

  /** Frees the backend memory now (the last tensor on it was disposed). */
  free(): void {
    freeCell(this.cell);
  }
}

/**
 * `writeIndices` with kernels, for data the backend cannot read synchronously: a ScatterNd of the
 * values (which sums repeated positions) added to `data`, or a TensorScatterUpdate.
 */
function scatterInto(data: tf.Tensor, positions: Int32Array | tf.Tensor, src: ArrayLike<number> | tf.Tensor, accumulate: boolean): tf.Tensor {
  return tf.tidy(() => {
    const n = positions instanceof tf.Tensor ? positions.size : positions.length;
    const flat = tf.reshape(data, [data.size]);
    if (n === 0) return tf.reshape(flat, data.shape);
    const ids = tf.reshape(positions instanceof tf.Tensor ? positions : tf.tensor1d(positions, 'int32'), [n, 1]);
    const dtype = data.dtype === 'bool' ? 'int32' : data.dtype;
    let values = src instanceof tf.Tensor ? tf.reshape(src, [n]) : tf.tensor1d(Array.from(src), dtype);
    if (values.dtype !== dtype) values = tf.cast(values, dtype);
    const base = data.dtype === 'bool' ? tf.cast(flat, 'int32') : flat;
    let out = accumulate ? tf.add(base, tf.scatterND(ids, values, [data.size])) : tf.tensorScatterUpdate(base, ids, values);
    if (data.dtype === 'bool') out = tf.notEqual(out, 0);
    return tf.reshape(out, data.shape);
  });
}

/** Whether `g` covers its storage in storage order (offset 0, contiguous). */
function coversInOrder(g: Geometry): boolean {
  if (g.offset !== 0) return false;
  let expected = 1;
  for (let i = g.shape.length - 1; i >= 0; i--) {
    if (g.shape[i] === 1) continue;
    if (g.strides[i] !== expected) return false;
    expected *= g.shape[i]!;
  }
  return true;
}

/** Reads view `g` out of `data` with kernels (`strided.ts`'s plan). */
function materialize(data: tf.Tensor, g: Geometry): tf.Tensor {
  return tf.tidy(() => {
    if (numelOf(g.shape) === 0) return tf.zeros([...g.shape], data.dtype);
    const plan = readPlan(g);
    const flat = tf.reshape(data, [data.size]);
    let out: tf.Tensor;
    if (plan.kind === 'block') {
      out = rangeOf(flat, plan.start, plan.length);
      out = tf.reshape(out, plan.blockShape);
      if (plan.perm) out = transposeAny(out, plan.perm);
    } else {
      out = gatherAny(flat, tf.tensor1d(plan.indices, 'int32'));
    }
    out = tf.reshape(out, plan.unitShape);
    if (plan.broadcast) out = broadcastAny(out, [...g.shape]);
    return out;
  });
}

/**
 * Elements `[start, start + length)` of a 1-D tensor. tfjs-wasm's Slice kernel copies its whole
 * input out of WASM memory first (and a gather moves one index per element), so on WASM the piece
 * is copied straight out of the heap: `length` elements, whatever the storage's size.
 */
function rangeOf(flat: tf.Tensor, start: number, length: number): tf.Tensor {
  if (start === 0 && length === flat.size) return flat;
  const heap = heapView(flat);
  // A copy in JS first: allocating the new tensor may grow (and so detach) the heap.
  if (heap) return tf.tensor(heap.slice(start, start + length), [length], flat.dtype);
  return tf.slice(flat, [start], [length]);
}

/**
 * `tf.unstack(x)` along dim 0 without tfjs-wasm's Slice kernel (which copies the whole input for
 * every piece: quadratic in the batch): each piece is copied straight out of the heap.
 */
export function unstackRows(x: tf.Tensor): tf.Tensor[] {
  const [count, ...rest] = x.shape;
  if (tf.getBackend() !== 'wasm' || count === undefined) return tf.unstack(x);
  const size = rest.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const flat = tf.reshape(x, [x.size]);
    return Array.from({ length: count }, (_, i) => tf.reshape(rangeOf(flat, i * size, size), rest));
  });
}

/** Kernels that take no bool input on every backend run on int32 and cast back. */
function viaInt<T extends tf.Tensor>(x: tf.Tensor, fn: (x: tf.Tensor) => T): tf.Tensor {
  if (x.dtype !== 'bool') return fn(x);
  return tf.notEqual(fn(tf.cast(x, 'int32')), 0);
}

function gatherAny(flat: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return viaInt(flat, (x) => tf.gather(x, ids));
}

function transposeAny(x: tf.Tensor, perm: number[]): tf.Tensor {
  return viaInt(x, (v) => permuteAsTranspose(v, perm) ?? tf.transpose(v, perm));
}

function broadcastAny(x: tf.Tensor, shape: number[]): tf.Tensor {
  // A broadcasting add of zeros: WASM's Tile / BroadcastTo kernels run a scalar loop. A bool
  // goes through float32 0/1 (exact), as int32 broadcasting is a scalar loop too.
  if (x.dtype === 'bool') return tf.notEqual(tf.add(tf.cast(x, 'float32'), tf.fill(shape, 0, 'float32')), 0);
  return tf.add(x, tf.fill(shape, 0, x.dtype));
}
