/// <reference lib="esnext.disposable" preserve="true" />
// The declarations use `Symbol.dispose` (`using`): consumers get that lib with them.
/**
 * `Tensor`: an n-dimensional array on the kernel backend, with autograd state (`torch.Tensor`).
 *
 * A tensor is a view (shape, strides, offset; `strided.ts`) of a `Storage` (`storage.ts`) that
 * other tensors may share, as in PyTorch: `view`, `narrow`, `select`, `transpose`, `expand`,
 * `detach`, basic indexing and `split` pieces alias their base, and an in-place op on any of them
 * is seen through all. Views cost nothing until a kernel needs their data. Lifetime follows
 * `lifetime.ts`: only the program's `dispose()` / `scope` invalidates a tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { normalizeDType, torchName, type DType, type DTypeArg } from './dtype.js';
import { formatTensor } from './format.js';
import { autogradEngine, record, type GradNode } from './graph-hooks.js';
import { isGradEnabled } from './grad-mode.js';
import { isDebug, keep, setTensorCheck, track, unkeep } from './lifetime.js';
import * as act from './ops/activation.js';
import * as cmp from './ops/compare.js';
import * as cls from './ops/close.js';
import * as cum from './ops/cumulative.js';
import * as dg from './ops/diagonal.js';
import * as idx from './ops/indexing.js';
import * as join from './ops/join.js';
import * as la from './ops/linalg.js';
import * as mn from './ops/multinomial.js';
import * as nrm from './ops/norm.js';
import * as out_ from './ops/outer.js';
import * as pw from './ops/pointwise.js';
import * as red from './ops/reduce.js';
import * as rl from './ops/roll.js';
import * as sc from './ops/scatter.js';
import * as sel from './ops/select.js';
import * as shp from './ops/shape.js';
import * as srt from './ops/sort.js';
import * as tri from './ops/triangular.js';
import * as unq from './ops/unique.js';
import type { IndexItem } from './ops/indexing.js';
import { castTo, normDim, sameShape, shareData, type TensorOrScalar } from './ops/util.js';
import { callingOp } from './op-name.js';
import { canReadSync, readSync, valuesForCheck } from './readback.js';
import { fillNormal, fillUniform } from './random.js';
import { Storage, download, overlapError, type CachedView } from './storage.js';
import { contiguousGeometry, hasOverlap, isContiguous, numelOf, viewKey, type Geometry } from './strided.js';

export type Dims = number | readonly number[];
/** Flint's one device: the kernel backend, `'cpu'` in PyTorch's terms. */
export type Device = 'cpu';
export type NestedArray<T> = T | NestedArray<T>[];
/** A hook on a tensor's gradient: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | void;
/** `max(dim)` / `min(dim)` result, as PyTorch's `torch.return_types.max`. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

export class Tensor {
  /** @internal The storage this tensor views. */ _storage: Storage;
  /** @internal Shape, strides and offset into the storage. */ _geom: Geometry;
  /** @internal Cache key of the view (`null`: the storage's own layout). */ private _key: string | null;
  private _numel: number;
  /** @internal The materialised data of a view (not the storage's own layout), once read. */
  private _view: CachedView | null = null;
  /** Whether gradients are computed for this tensor. */
  requiresGrad = false;
  /** The node that produced this tensor (`grad_fn`); `null` for leaves. */
  gradFn: GradNode | null = null;
  /** @internal */ _grad: Tensor | null = null;
  /** @internal */ _retainsGrad = false;
  /** @internal */ _hooks: GradHook[] | null = null;
  /** @internal Exempt from `scope()` disposal (`keep()`). */ _kept = false;
  /** @internal */ _released: 'disposed' | null = null;
  /** @internal Where it was created (only with `setDebug(true)` / `FLINT_DEBUG=1`). */ _createdAt: string | undefined;
  /** @internal The program has (or had) this tensor: it was read as a `.grad`, or assigned as one. */ _seen = true;

  /**
   * @internal Wraps a backend tensor (`tf.Tensor`) in a new storage, or views the storage of
   * another tensor. Create tensors with `tensor()`, `zeros()`, `randn()`….
   */
  constructor(data: tf.Tensor | Tensor, geometry?: Geometry) {
    if (data instanceof Tensor) {
      if (data._released !== null) throw releasedError(data);
      this._storage = data._storage;
      this._geom = geometry ?? data._geom;
    } else {
      this._storage = new Storage(data);
      this._geom = geometry ?? contiguousGeometry(data.shape);
    }
    this._storage.refs++;
    this._key = viewKey(this._geom, this._storage.dataShape);
    this._numel = numelOf(this._geom.shape);
    if (isDebug()) this._createdAt = new Error().stack?.split('\n').slice(2).join('\n');
    track(this);
  }

  /** @internal A view of `base`'s storage with geometry `g` (no copy). */
  static _view(base: Tensor, g: Geometry): Tensor {
    return new Tensor(base, g);
  }

  /** @internal A 0-d tensor holding a JS scalar. */
  static _scalar(value: number | boolean, dtype: DType): Tensor {
    return new Tensor(tf.scalar(typeof value === 'boolean' ? Number(value) : value, dtype));
  }

  /** @internal The view's data as a backend tensor of its shape; throws a clear error once disposed. */
  get _data(): tf.Tensor {
    if (this._released !== null) throw releasedError(this);
    if (this._key === null) return this._storage.data();
    this._view = this._storage.readView(this._geom, this._key, this._view);
    return this._view.data;
  }

  /** @internal Writes `values` (a backend tensor of this shape and dtype) into this view's elements. */
  _write(values: tf.Tensor, op: string): void {
    if (this._released !== null) throw releasedError(this);
    this._storage.write(this._geom, values, op);
  }

  /**
   * @internal For a kernel that rewrites all of this tensor in place on the WASM heap: the byte
   * offset of its float32 data, or `null` where that cannot be done (another backend, a partial
   * or strided view, a buffer another backend tensor shares). Checks `op` as an in-place op;
   * call `_wroteInPlace()` after writing.
   */
  _heapForWrite(op: string): number | null {
    this._checkInplace(op);
    return this._storage.heapForWrite(this._geom);
  }

  /** @internal The write after `_heapForWrite` is done: bumps the version. */
  _wroteInPlace(): void {
    this._storage.wroteInPlace();
  }

  /** @internal The storage's version counter: bumped by every in-place write to any of its views. */
  get _version(): number {
    return this._storage.version;
  }

  /**
   * @internal A backend tensor computed from this tensor's data by `make` (e.g. conv2d's
   * channels-last filter), cached until the storage is written. For tensors used again and again
   * with the same data: a module's weights at inference.
   */
  _derivedData(key: string, make: (data: tf.Tensor) => tf.Tensor): tf.Tensor {
    const data = this._data;
    return this._storage.cached(`${key}:${this._key ?? ''}`, () => make(data));
  }

  /** @internal Called by `dispose()`. */
  _release(reason: 'disposed'): void {
    if (this._released !== null) return;
    this._released = reason;
    if (this._view !== null) this._storage.unhold(this._key!, this._view);
    this._view = null;
    if (--this._storage.refs === 0) this._storage.free();
    this._setGrad(null);
  }

  get shape(): readonly number[] {
    return this._geom.shape;
  }
  get ndim(): number {
    return this._geom.shape.length;
  }
  get dtype(): DType {
    return this._storage.dtype;
  }
  /** Number of elements (`numel()`). */
  numel(): number {
    return this._numel;
  }
  /** Strides in elements (`stride()`), or one dim's stride. */
  stride(): readonly number[];
  stride(dim: number): number;
  stride(dim?: number): number | readonly number[] {
    if (dim === undefined) return this._geom.strides;
    return this._geom.strides[normDim(dim, this.ndim, 'stride')]!;
  }
  /** Offset of the first element in the storage (`storage_offset()`). */
  storageOffset(): number {
    return this._geom.offset;
  }
  /** Whether this tensor and `other` view the same storage. */
  isSharedWith(other: Tensor): boolean {
    return this._storage === other._storage;
  }
  /**
   * `set_(source)`: this tensor becomes a view of `source`'s storage, with its shape, strides and
   * offset (PyTorch's `x.set_(source)`, and what `p.data = source` does there). Flint's `data()`
   * reads values back (tfjs's name); the detached view PyTorch calls `x.data` is `x.detach()`.
   */
  set_(t: Tensor): this {
    if (!(t instanceof Tensor)) throw new TypeError('set_: source must be a Tensor');
    if (t._released !== null) throw releasedError(t);
    if (this._released !== null) throw releasedError(this);
    t._storage.refs++;
    if (this._view !== null) this._storage.unhold(this._key!, this._view);
    this._view = null;
    if (--this._storage.refs === 0) this._storage.free();
    this._storage = t._storage;
    this._geom = t._geom;
    this._key = viewKey(t._geom, t._storage.dataShape);
    this._numel = t._numel;
    return this;
  }
  /** `size()` is the shape; `size(dim)` one dimension (negative dims count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    return this.shape[normDim(dim, this.ndim, 'size')]!;
  }
  dim(): number {
    return this.ndim;
  }
  get isReleased(): boolean {
    return this._released !== null;
  }

  // ---- autograd -------------------------------------------------------------------------------

  /** A tensor is a leaf when no recorded op produced it. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** The accumulated gradient (`.grad`); assigning `null` drops it. */
  get grad(): Tensor | null {
    if (this._grad !== null) this._grad._seen = true;
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError('grad: assigned value must be a Tensor or null');
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new RangeError(`grad: assigned grad has shape [${g.shape.join(', ')}] but the tensor has shape [${this.shape.join(', ')}]`);
    }
    if (g !== null) g._seen = true;
    this._setGrad(g);
  }
  /**
   * @internal Sets `.grad` for the library (the engine, `zeroGrad`), without handing the tensor to
   * the program. A dropped gradient the program never saw (it never read `.grad`) can have no other
   * holder, so its memory is freed at once instead of waiting for a sweep.
   */
  _setGrad(g: Tensor | null): void {
    const old = this._grad;
    if (old === g) return;
    this._grad = g;
    if (g) keep(g);
    if (old) {
      unkeep(old);
      if (!old._seen) old.dispose();
    }
  }
  /** Computes gradients of this tensor w.r.t. graph leaves (`Tensor.backward`). */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    autogradEngine().backward(this, gradient, options);
  }
  /** Sets `requiresGrad` in place (leaves only, as PyTorch) and returns this. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) {
      throw new Error("requiresGrad_: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    }
    if (flag && this.dtype !== 'float32') {
      throw new TypeError(`requiresGrad_: only Tensors of floating point dtype can require gradients (got ${torchName(this.dtype)})`);
    }
    this.requiresGrad = flag;
    return this;
  }
  /** A new tensor sharing this one's data, cut from the graph (`detach()`). */
  detach(): Tensor {
    return new Tensor(this);
  }
  /** Keeps `.grad` for this non-leaf tensor after backward (`retain_grad()`). */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("retainGrad: can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf) return;
    autogradEngine().retainGrad(this);
  }
  /** Registers a hook called with this tensor's gradient during backward; it may return a replacement. */
  registerHook(hook: GradHook): { remove(): void } {
    if (!this.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    (this._hooks ??= []).push(hook);
    return {
      remove: () => {
        const i = this._hooks?.indexOf(hook) ?? -1;
        if (i >= 0) this._hooks!.splice(i, 1);
      },
    };
  }

  // ---- memory ---------------------------------------------------------------------------------

  /**
   * Releases this tensor now: using it afterwards is an error. Its storage's memory goes when no
   * other tensor views it (Flint only; PyTorch frees on the last reference).
   */
  dispose(): void {
    this._release('disposed');
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Exempts this tensor from `scope()` disposal (`tf.keep`). */
  keep(): this {
    return keep(this);
  }
  /** Refuses: `JSON.stringify` of a tensor would write backend internals. */
  toJSON(): never {
    throw new TypeError(
      `Tensor.toJSON: a Tensor of shape [${this.shape.join(', ')}] cannot be serialised with JSON.stringify; ` +
        'use saveSafetensors() for tensors (or t.tolist() for plain arrays)',
    );
  }

  // ---- data out -------------------------------------------------------------------------------

  /**
   * The value of a one-element tensor as a JS number (`item()`; a bool gives 0 or 1). On a backend
   * that cannot read synchronously (`webgpu`), an error naming `itemAsync()`.
   */
  item(): number {
    this._checkOneElement('item');
    return readSync(this._data, 'item', 'use `await t.itemAsync()`')[0] as number;
  }
  /** `item()` without blocking: works on every backend. */
  async itemAsync(): Promise<number> {
    this._checkOneElement('itemAsync');
    return (await download(this._data))[0] as number;
  }
  private _checkOneElement(op: string): void {
    if (this.numel() !== 1) {
      throw new RangeError(`${op}: only one element tensors can be converted to Python scalars (got a Tensor with ${this.numel()} elements)`);
    }
  }
  /**
   * A copy of the data as a typed array (Float32Array, Int32Array, or Uint8Array for bool). On a
   * backend that cannot read synchronously (`webgpu`), an error naming `await t.data()`.
   */
  dataSync(): Float32Array | Int32Array | Uint8Array {
    return readSync(this._data, 'dataSync', 'use `await t.data()`');
  }
  /** Like `dataSync()`, without blocking: works on every backend. */
  async data(): Promise<Float32Array | Int32Array | Uint8Array> {
    return download(this._data);
  }
  /**
   * Nested JS arrays (`tolist()`); bools become `true`/`false`. On a backend that cannot read
   * synchronously (`webgpu`), an error naming `tolistAsync()`.
   */
  tolist(): NestedArray<number | boolean> {
    return this._nest(readSync(this._data, 'tolist', 'use `await t.tolistAsync()`'));
  }
  /** `tolist()` without blocking: works on every backend. */
  async tolistAsync(): Promise<NestedArray<number | boolean>> {
    return this._nest(await this.data());
  }
  private _nest(values: Float32Array | Int32Array | Uint8Array): NestedArray<number | boolean> {
    const flat = Array.from(values, (v) => (this.dtype === 'bool' ? v !== 0 : v));
    const build = (dim: number, offset: number): NestedArray<number | boolean> => {
      if (dim === this.ndim) return flat[offset]!;
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
  /**
   * Prints as PyTorch does: `tensor([[ 0.1234, -1.5000]], requires_grad=True)`. Values a backend
   * cannot read synchronously print as a note saying how to read them.
   */
  toString(): string {
    const suffixes: string[] = [];
    if (this.gradFn) suffixes.push(`grad_fn=<${this.gradFn.name}>`);
    else if (this.requiresGrad) suffixes.push('requires_grad=True');
    const data = this._data;
    if (!canReadSync(data)) {
      return `tensor(<on ${tf.getBackend()}: read with await t.data()>, shape=[${this.shape.join(', ')}], dtype=${torchName(this.dtype)}${suffixes.map((s) => `, ${s}`).join('')})`;
    }
    return formatTensor(data.dataSync() as Float32Array | Int32Array | Uint8Array, this.shape, this.dtype, suffixes);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.isReleased ? `Tensor(<released>, shape=[${this.shape.join(', ')}])` : this.toString();
  }

  // ---- dtype ----------------------------------------------------------------------------------

  /**
   * `.to(dtype)`, `.to('cpu')`, `.to('cpu', dtype)`, `.to(other)` (its dtype) or
   * `.to({ device, dtype })`: a converted copy, or this tensor when nothing changes. Flint has one
   * device, `'cpu'` (the kernel backend), so ported code that moves tensors runs unchanged.
   * `'int64'` (`torch.long`) is stored as int32, and a float value out of its range is an error.
   */
  to(dtype: DTypeArg | Device | Tensor | { device?: Device; dtype?: DTypeArg }, dtype2?: DTypeArg): Tensor {
    let target: DTypeArg | undefined = dtype2;
    if (dtype instanceof Tensor) target = dtype.dtype;
    else if (typeof dtype === 'object' && dtype !== null) {
      checkDevice(dtype.device, 'to');
      target = dtype.dtype ?? target;
    } else if (isDeviceName(dtype)) checkDevice(dtype, 'to');
    else if (dtype2 !== undefined) throw new TypeError(`to: expected to(device, dtype), got to(${String(dtype)}, ${String(dtype2)})`);
    else target = dtype as DTypeArg;
    if (target === undefined) return this;
    const stored = normalizeDType(target, 'to');
    if (target === 'int64' && this.dtype === 'float32') checkInt64Range(this);
    if (stored === this.dtype) return this;
    return record('cast', new Tensor(castTo(this._data, stored)), [this], { dtype: stored });
  }
  /** Flint's one device (`'cpu'`, the kernel backend), as `tensor.device`. */
  get device(): Device {
    return 'cpu';
  }
  /** `.cpu()`: this tensor (it is already on Flint's one device). */
  cpu(): Tensor {
    return this;
  }
  float(): Tensor {
    return this.to('float32');
  }
  int(): Tensor {
    return this.to('int32');
  }
  /** `.long()`: `torch.int64`, stored as int32 (float values must fit in int32). */
  long(): Tensor {
    return this.to('int64');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  /**
   * A copy with its own storage that stays in the graph (`clone()`). Backend data is immutable
   * (writes swap it), so the new storage starts on the same buffer and copies nothing.
   */
  clone(): Tensor {
    return record('clone', new Tensor(shareData(this._data)), [this]);
  }

  // ---- in place -------------------------------------------------------------------------------

  /** @internal Checks an in-place op on this tensor the way PyTorch does, before anything is computed. */
  _checkInplace(op: string): void {
    if (this._released !== null) throw releasedError(this);
    if (this.requiresGrad && isGradEnabled()) {
      throw new Error(
        this.isLeaf
          ? `${op}: a leaf Variable that requires grad is being used in an in-place operation (wrap it in noGrad)`
          : `${op}: in-place operations on tensors that are part of the autograd graph are not supported; use the out-of-place op`,
      );
    }
    if (hasOverlap(this._geom)) throw overlapError(op);
  }

  /** @internal Writes `value` (this shape; cast to this dtype) into this tensor's elements; disposes `value`. */
  _inplace(op: string, value: Tensor): this {
    try {
      this._checkInplace(op);
      if (!sameShape(value.shape, this.shape)) {
        throw new RangeError(`${op}: output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${value.shape.join(', ')}]`);
      }
      if (value.dtype === this.dtype) this._write(value._data, op);
      else {
        const cast = castTo(value._data, this.dtype);
        this._write(cast, op);
        cast.dispose();
      }
    } finally {
      value.dispose();
    }
    return this;
  }

  /** @internal `this op= other`: `fn` computes the new value from detached views of both. */
  private _update(op: string, fn: (self: Tensor, other: TensorOrScalar) => Tensor, other: TensorOrScalar = 0): this {
    this._checkInplace(op);
    checkOperand(op, other);
    const self = this.detach();
    const o = other instanceof Tensor ? other.detach() : other;
    try {
      return this._inplace(op, fn(self, o));
    } finally {
      self.dispose();
      if (o instanceof Tensor) o.dispose();
    }
  }

  /** Copies `src` (broadcast to this shape, cast to this dtype) into this tensor (`copy_`). */
  copy_(src: Tensor): this {
    return this._update('copy_', (_, s) => shp.expand(s as Tensor, this.shape), src);
  }
  add_(other: TensorOrScalar, options: { alpha?: number } = {}): this {
    return this._update('add_', (x, o) => pw.add(x, o, options), other);
  }
  sub_(other: TensorOrScalar, options: { alpha?: number } = {}): this {
    return this._update('sub_', (x, o) => pw.sub(x, o, options), other);
  }
  mul_(other: TensorOrScalar): this {
    return this._update('mul_', (x, o) => pw.mul(x, o), other);
  }
  div_(other: TensorOrScalar): this {
    return this._update('div_', (x, o) => pw.div(x, o), other);
  }
  clamp_(min?: number | null, max?: number | null): this {
    return this._update('clamp_', (x) => cmp.clamp(x, min, max));
  }
  /** `masked_fill_(mask, value)`: `value` where `mask` (broadcast to this shape) is true. */
  maskedFill_(mask: Tensor, value: number): this {
    return this._update('maskedFill_', (x) => idx.maskedFill(x, mask, value));
  }
  fill_(value: number): this {
    this._checkInplace('fill_');
    return this._inplace('fill_', new Tensor(tf.fill([...this.shape], value, this.dtype)));
  }
  zero_(): this {
    return this.fill_(0);
  }
  /** Fills with U(from, to) from Flint's seeded generator. */
  uniform_(from = 0, to = 1): this {
    this._checkInplace('uniform_');
    return this._inplace('uniform_', new Tensor(tf.tensor(fillUniform(this.numel(), from, to), [...this.shape])));
  }
  /** Fills with N(mean, std²) from Flint's seeded generator. */
  normal_(mean = 0, std = 1): this {
    this._checkInplace('normal_');
    return this._inplace('normal_', new Tensor(tf.tensor(fillNormal(this.numel(), mean, std), [...this.shape])));
  }
  /**
   * `x[items] = value` (`Tensor.__setitem__`): writes `value` (a number, or a tensor broadcast to
   * the indexed shape) into the elements `x.index(...items)` selects, basic or advanced.
   */
  setIndex(items: IndexItem | readonly IndexItem[], value: TensorOrScalar): this {
    this._checkInplace('setIndex');
    checkOperand('setIndex', value);
    idx.indexPut(this, Array.isArray(items) ? (items as readonly IndexItem[]) : [items as IndexItem], value, false, 'setIndex');
    return this;
  }
  /**
   * `index_put_(indices, values, accumulate=False)`: `x[indices] = values`, or `+=` with
   * `accumulate` (repeated indices then add up, as PyTorch).
   */
  indexPut_(indices: readonly IndexItem[], values: TensorOrScalar, options: { accumulate?: boolean } = {}): this {
    this._checkInplace('index_put_');
    checkOperand('index_put_', values);
    idx.indexPut(this, indices, values, options.accumulate ?? false, 'index_put_');
    return this;
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  add(other: TensorOrScalar, options?: { alpha?: number }): Tensor {
    return pw.add(this, other, options);
  }
  sub(other: TensorOrScalar, options?: { alpha?: number }): Tensor {
    return pw.sub(this, other, options);
  }
  mul(other: TensorOrScalar): Tensor {
    return pw.mul(this, other);
  }
  div(other: TensorOrScalar): Tensor {
    return pw.div(this, other);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return pw.pow(this, exponent);
  }
  maximum(other: TensorOrScalar): Tensor {
    return pw.maximum(this, other);
  }
  minimum(other: TensorOrScalar): Tensor {
    return pw.minimum(this, other);
  }
  remainder(other: TensorOrScalar): Tensor {
    return pw.remainder(this, other);
  }
  neg(): Tensor {
    return pw.neg(this);
  }
  abs(): Tensor {
    return pw.abs(this);
  }
  exp(): Tensor {
    return pw.exp(this);
  }
  log(): Tensor {
    return pw.log(this);
  }
  log1p(): Tensor {
    return pw.log1p(this);
  }
  expm1(): Tensor {
    return pw.expm1(this);
  }
  sqrt(): Tensor {
    return pw.sqrt(this);
  }
  rsqrt(): Tensor {
    return pw.rsqrt(this);
  }
  square(): Tensor {
    return pw.square(this);
  }
  reciprocal(): Tensor {
    return pw.reciprocal(this);
  }
  sin(): Tensor {
    return pw.sin(this);
  }
  cos(): Tensor {
    return pw.cos(this);
  }
  sign(): Tensor {
    return pw.sign(this);
  }
  floor(): Tensor {
    return pw.floor(this);
  }
  ceil(): Tensor {
    return pw.ceil(this);
  }
  round(): Tensor {
    return pw.round(this);
  }

  // ---- linear algebra -------------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return la.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return la.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return la.bmm(this, other);
  }

  /** `outer(vec2)`: the outer product of two vectors. */
  outer(other: Tensor): Tensor {
    return out_.outer(this, other);
  }
  /** `norm(p='fro', dim=None, keepdim=false)`: a vector norm over `dim` (all elements when `null`). */
  norm(...args: nrm.NormArgs): Tensor {
    return nrm.norm(this, ...args);
  }

  // ---- activations ----------------------------------------------------------------------------

  relu(): Tensor {
    return act.relu(this);
  }
  sigmoid(): Tensor {
    return act.sigmoid(this);
  }
  tanh(): Tensor {
    return act.tanh(this);
  }
  softmax(dim: number): Tensor {
    return act.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return act.logSoftmax(this, dim);
  }

  // ---- reductions -----------------------------------------------------------------------------

  sum(dim?: Dims | null, keepdim = false): Tensor {
    return red.sum(this, dim, keepdim);
  }
  mean(dim?: Dims | null, keepdim = false): Tensor {
    return red.mean(this, dim, keepdim);
  }
  prod(dim?: number | null, keepdim = false): Tensor {
    return red.prod(this, dim, keepdim);
  }
  /** `max()` → 0-d tensor; `max(dim)` → `{ values, indices }`; `max(other)` → elementwise maximum. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
    if (dim instanceof Tensor) return pw.maximum(this, dim);
    return dim === undefined ? red.amax(this) : red.maxDim(this, dim, keepdim);
  }
  /** `min()` → 0-d tensor; `min(dim)` → `{ values, indices }`; `min(other)` → elementwise minimum. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
    if (dim instanceof Tensor) return pw.minimum(this, dim);
    return dim === undefined ? red.amin(this) : red.minDim(this, dim, keepdim);
  }
  amax(dim?: Dims | null, keepdim = false): Tensor {
    return red.amax(this, dim, keepdim);
  }
  amin(dim?: Dims | null, keepdim = false): Tensor {
    return red.amin(this, dim, keepdim);
  }
  argmax(dim?: number | null, keepdim = false): Tensor {
    return red.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null, keepdim = false): Tensor {
    return red.argmin(this, dim, keepdim);
  }
  /** Variance with Bessel's correction by default (`correction=1`, i.e. `unbiased=True`). */
  var(dim?: Dims | null, options: red.VarOptions = {}): Tensor {
    return red.variance(this, dim, options);
  }
  std(dim?: Dims | null, options: red.VarOptions = {}): Tensor {
    return red.std(this, dim, options);
  }
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return red.logsumexp(this, dim, keepdim);
  }
  /** `all()` / `all(dim, keepdim)`: whether every element (along `dim`) is nonzero, as bool. */
  all(dim?: Dims | null, keepdim = false): Tensor {
    return red.all(this, dim, keepdim);
  }
  /** `any()` / `any(dim, keepdim)`: whether some element (along `dim`) is nonzero, as bool. */
  any(dim?: Dims | null, keepdim = false): Tensor {
    return red.any(this, dim, keepdim);
  }

  /** `cumsum(dim, { dtype })`: running sums along `dim`. */
  cumsum(dim: number, options?: { dtype?: DTypeArg }): Tensor {
    return cum.cumsum(this, dim, options);
  }
  /** `cumprod(dim, { dtype })`: running products along `dim`. */
  cumprod(dim: number, options?: { dtype?: DTypeArg }): Tensor {
    return cum.cumprod(this, dim, options);
  }

  // ---- sorting --------------------------------------------------------------------------------

  /** `sort(dim=-1, descending=false)` or `sort({ dim, descending, stable })` → `[values, indices]`. */
  sort(...args: srt.SortArgs): srt.SortResult {
    return srt.sort(this, ...args);
  }
  /** `argsort(dim=-1, descending=false)` or `argsort({ dim, descending, stable })`: int32 indices. */
  argsort(...args: srt.SortArgs): Tensor {
    return srt.argsort(this, ...args);
  }
  /** `topk(k, dim=-1, largest=true, sorted=true)` or `topk(k, { dim, largest, sorted })` → `[values, indices]`. */
  topk(k: number, ...args: srt.TopkArgs): srt.SortResult {
    return srt.topk(this, k, ...args);
  }

  // ---- comparisons and selection --------------------------------------------------------------

  eq(other: TensorOrScalar): Tensor {
    return cmp.eq(this, other);
  }
  ne(other: TensorOrScalar): Tensor {
    return cmp.ne(this, other);
  }
  lt(other: TensorOrScalar): Tensor {
    return cmp.lt(this, other);
  }
  le(other: TensorOrScalar): Tensor {
    return cmp.le(this, other);
  }
  gt(other: TensorOrScalar): Tensor {
    return cmp.gt(this, other);
  }
  ge(other: TensorOrScalar): Tensor {
    return cmp.ge(this, other);
  }
  logicalNot(): Tensor {
    return cmp.logicalNot(this);
  }
  /** `torch.where(condition, this, other)`, as `Tensor.where`. */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return cmp.where(condition, this, other);
  }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return cmp.clamp(this, min, max);
  }
  clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return cmp.clamp(this, min, max);
  }
  isnan(): Tensor {
    return cmp.isnan(this);
  }

  /** `isclose(other, rtol=1e-5, atol=1e-8, equalNan=false)`: elementwise closeness, as bool. */
  isclose(other: Tensor, ...args: cls.CloseArgs): Tensor {
    return cls.isclose(this, other, ...args);
  }
  /** `allclose(other, rtol=1e-5, atol=1e-8, equalNan=false)`: whether every element is close. */
  allclose(other: Tensor, ...args: cls.CloseArgs): boolean {
    return cls.allclose(this, other, ...args);
  }
  /** `equal(other)`: the same shape and values. */
  equal(other: Tensor): boolean {
    return cls.equal(this, other);
  }
  /** `unique(sorted=true, returnInverse=false, returnCounts=false)`: the distinct values (and inverse / counts). */
  unique(...args: unq.UniqueArgs): Tensor | Tensor[] {
    return unq.unique(this, ...args);
  }
  /** `multinomial(numSamples, replacement=false, { generator })`: int32 category indices drawn per row. */
  multinomial(numSamples: number, ...args: mn.MultinomialArgs): Tensor {
    return mn.multinomial(this, numSamples, ...args);
  }

  // ---- shape ----------------------------------------------------------------------------------

  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return shp.reshape(this, shp.shapeArg(shape));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return shp.reshape(this, shp.shapeArg(shape), 'view');
  }
  viewAs(other: Tensor): Tensor {
    return shp.reshape(this, other.shape, 'view');
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return shp.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return shp.unflatten(this, dim, sizes);
  }
  squeeze(dim?: Dims): Tensor {
    return shp.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return shp.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return shp.transpose(this, dim0, dim1);
  }
  /** Transpose of a ≤ 2-D tensor (`t()`). */
  t(): Tensor {
    return shp.t(this);
  }
  /** Transpose of the last two dims (`mT`). */
  get mT(): Tensor {
    return shp.transpose(this, -2, -1);
  }
  get T(): Tensor {
    return shp.permute(this, [...Array(this.ndim).keys()].reverse());
  }
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return shp.permute(this, shp.shapeArg(dims));
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return shp.expand(this, shp.shapeArg(shape));
  }
  expandAs(other: Tensor): Tensor {
    return shp.expand(this, other.shape);
  }
  repeat(...reps: number[] | [readonly number[]]): Tensor {
    return shp.repeat(this, shp.shapeArg(reps));
  }
  flip(dims: Dims): Tensor {
    return shp.flip(this, dims);
  }
  /** `roll(shifts, dims=None)`: rotates entries along `dims` (or the flattened tensor). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
    return rl.roll(this, shifts, dims);
  }
  /** `tile(dims)`: `repeat` with `dims` padded by leading 1s. */
  tile(...dims: number[] | [readonly number[]]): Tensor {
    return rl.tile(this, shp.shapeArg(dims));
  }
  /** `tril(diagonal=0)`: the lower triangle of the last two dims. */
  tril(diagonal = 0): Tensor {
    return tri.tril(this, diagonal);
  }
  /** `triu(diagonal=0)`: the upper triangle of the last two dims. */
  triu(diagonal = 0): Tensor {
    return tri.triu(this, diagonal);
  }
  /** `diag(diagonal=0)`: 1-D → a diagonal matrix, 2-D → its diagonal. */
  diag(diagonal = 0): Tensor {
    return dg.diag(this, diagonal);
  }
  /** `diagonal(offset=0, dim1=0, dim2=1)`: the diagonal of the `dim1` × `dim2` matrices, as the last dim (a copy). */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return dg.diagonal(this, offset, dim1, dim2);
  }
  /** This tensor when its elements are laid out row-major without gaps, else a copy that is (`contiguous()`). */
  contiguous(): Tensor {
    return isContiguous(this._geom) ? this : this.clone();
  }
  isContiguous(): boolean {
    return isContiguous(this._geom);
  }

  // ---- joining and indexing -------------------------------------------------------------------

  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return join.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return join.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return join.unbind(this, dim);
  }
  /**
   * NumPy/PyTorch-style indexing (`t[...]`): each item is an index (`2`, `-1`), a slice string
   * (`':'`, `'1:3'`, `'::2'`, `'-2:'`), `null` (new axis), `'...'`, an int tensor / array of
   * indices, or a bool mask tensor.
   */
  index(...items: IndexItem[]): Tensor {
    return idx.index(this, items);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return idx.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return idx.select(this, dim, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return idx.maskedFill(this, mask, value);
  }
  /** `scatter(dim, index, src | value)`: a copy with `src`'s entries (or `value`) written at `index` along `dim`. */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return sc.scatter(this, dim, index, src);
  }
  /** `masked_select(mask)`: the 1-D elements where the (broadcast) bool mask is true. */
  maskedSelect(mask: Tensor): Tensor {
    return sel.maskedSelect(this, mask);
  }
  /** `nonzero()`: int32 [n, ndim] coordinates of the nonzero elements (`{ asTuple: true }`: one tensor per dim). */
  nonzero(options?: { asTuple?: false }): Tensor;
  nonzero(options: { asTuple: true }): Tensor[];
  nonzero(options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
    return sel.nonzero(this, options as { asTuple: true });
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return idx.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return idx.indexAdd(this, dim, index, source);
  }
}

setTensorCheck((v: unknown): v is Tensor => v instanceof Tensor);

/**
 * An in-place op cannot carry a gradient into its operand's graph here (PyTorch would rebase the
 * written tensor onto it): refuse instead of dropping the gradient silently.
 */
function checkOperand(op: string, other: unknown): void {
  if (other instanceof Tensor && other.requiresGrad && isGradEnabled()) {
    throw new Error(
      `${op}: the value written in place requires grad, and Flint's autograd does not record in-place ops; ` +
        'use the out-of-place op (e.g. x.add(y), where(mask, y, x)), or detach() the value',
    );
  }
}

const isDeviceName = (v: unknown): boolean => typeof v === 'string' && /^(cpu|cuda|mps|meta|xpu)(:\d+)?$/.test(v);

function checkDevice(device: unknown, op: string): void {
  if (device === undefined || device === 'cpu' || device === 'cpu:0') return;
  throw new RangeError(`${op}: Flint has one device, 'cpu' (its kernel backend, set with setBackend); got device '${String(device)}'`);
}

/** A float tensor going to `'int64'` (stored as int32): every value must be finite and fit in int32. */
function checkInt64Range(t: Tensor): void {
  const values = valuesForCheck(t._data);
  if (values === null) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v >= 2 ** 31 || v < -(2 ** 31)) {
      throw new RangeError(`to: value ${v} (element ${i}) does not fit in int64 as Flint stores it (int32, [-2147483648, 2147483647])`);
    }
  }
}

function releasedError(t: Tensor): Error {
  const op = callingOp();
  const where = t._createdAt ? `\nIt was created at:\n${t._createdAt}` : '\n(Set FLINT_DEBUG=1 or call setDebug(true) to see where it was created.)';
  return new Error(
    `${op ? `${op}: ` : ''}Tensor of shape [${t.shape.join(', ')}] was disposed (dispose() was called on it, or it was created in a scope() that has ended) and cannot be used${op ? ` by ${op}` : ''}.` +
      where,
  );
}
