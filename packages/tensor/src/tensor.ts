/**
 * `Tensor`: an n-dimensional array on the kernel backend, with autograd state (`torch.Tensor`).
 *
 * A Flint tensor owns one backend tensor (`_data`). Ops never mutate it; in-place methods
 * (`add_`, `copy_`, …) swap it for a new one. Lifetime follows `lifetime.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { torchName, type DType } from './dtype.js';
import { formatTensor } from './format.js';
import { autogradEngine, record, type GradNode } from './graph-hooks.js';
import { isGradEnabled } from './grad-mode.js';
import { currentGeneration, forget, keep, RETAIN_TICKS, setTensorCheck, track, unkeep } from './lifetime.js';
import * as act from './ops/activation.js';
import * as cmp from './ops/compare.js';
import * as idx from './ops/indexing.js';
import * as join from './ops/join.js';
import * as la from './ops/linalg.js';
import * as pw from './ops/pointwise.js';
import * as red from './ops/reduce.js';
import * as shp from './ops/shape.js';
import type { IndexItem } from './ops/indexing.js';
import { castTo, normDim, sameShape, shareData, type TensorOrScalar } from './ops/util.js';
import { fillNormal, fillUniform } from './random.js';

export type Dims = number | readonly number[];
export type NestedArray<T> = T | NestedArray<T>[];
/** A hook on a tensor's gradient: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | void;
/** `max(dim)` / `min(dim)` result, as PyTorch's `torch.return_types.max`. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

export class Tensor {
  /** @internal The backend tensor; read it through `_data`. */
  private _tf: tf.Tensor;
  /** Whether gradients are computed for this tensor. */
  requiresGrad = false;
  /** The node that produced this tensor (`grad_fn`); `null` for leaves. */
  gradFn: GradNode | null = null;
  /** @internal */ _grad: Tensor | null = null;
  /** @internal */ _retainsGrad = false;
  /** @internal */ _hooks: GradHook[] | null = null;
  /** @internal Generation of the last use, see lifetime.ts. */ _gen = 0;
  /** @internal */ _kept = false;
  /** @internal */ _released: 'auto' | 'disposed' | null = null;
  /** @internal Bumped by in-place ops; autograd checks it for saved tensors. */ _version = 0;
  /** @internal Backend tensors derived from `_tf` (see `_derivedData`), freed when it changes. */
  private _derived: Map<string, tf.Tensor> | null = null;

  /** Wraps a backend tensor (`tf.Tensor`) or shares the storage of another Flint tensor. */
  constructor(data: tf.Tensor | Tensor) {
    this._tf = data instanceof Tensor ? shareData(data._data) : data;
    track(this);
  }

  /** @internal A 0-d tensor holding a JS scalar. */
  static _scalar(value: number | boolean, dtype: DType): Tensor {
    return new Tensor(tf.scalar(typeof value === 'boolean' ? Number(value) : value, dtype));
  }

  /** @internal The live backend tensor; throws a clear error once released. */
  get _data(): tf.Tensor {
    if (this._released !== null) throw releasedError(this);
    this._gen = currentGeneration(); // a use refreshes a step temporary (lifetime.ts)
    return this._tf;
  }

  /** @internal Swaps the backend tensor (in-place ops, optimizer steps), freeing the old one. */
  _setData(data: tf.Tensor): void {
    if (this._released !== null) throw releasedError(this);
    if (data === this._tf) return;
    this._dropDerived();
    this._tf.dispose();
    this._tf = data;
    this._version++;
  }

  /**
   * @internal A backend tensor computed from this tensor's storage by `make` (e.g. conv2d's
   * channels-last filter), cached until the storage is swapped or released. For kept tensors used
   * again and again with the same storage: a module's weights at inference.
   */
  _derivedData(key: string, make: (data: tf.Tensor) => tf.Tensor): tf.Tensor {
    let d = this._derived?.get(key);
    if (d === undefined) {
      d = tf.keep(make(this._data));
      (this._derived ??= new Map()).set(key, d);
    }
    return d;
  }

  private _dropDerived(): void {
    if (this._derived === null) return;
    for (const d of this._derived.values()) d.dispose();
    this._derived = null;
  }

  /** @internal Called by lifetime.ts and `dispose()`. */
  _release(reason: 'auto' | 'disposed'): void {
    if (this._released !== null) return;
    this._dropDerived();
    this._tf.dispose();
    this._released = reason;
    // The .grad belongs to this tensor: once it is gone, its grad is a step temporary like any other.
    if (this._grad) unkeep(this._grad);
    this._grad = null;
  }

  get shape(): readonly number[] {
    return this._tf.shape;
  }
  get ndim(): number {
    return this._tf.rank;
  }
  get dtype(): DType {
    return this._tf.dtype as DType;
  }
  /** Number of elements (`numel()`). */
  numel(): number {
    return this._tf.size;
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
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError('grad: assigned value must be a Tensor or null');
    if (g !== null && !sameShape(g.shape, this.shape)) {
      throw new RangeError(`grad: assigned grad has shape [${g.shape.join(', ')}] but the tensor has shape [${this.shape.join(', ')}]`);
    }
    if (this._grad === g) return;
    if (this._grad) unkeep(this._grad);
    this._grad = g;
    if (g) keep(g);
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

  /** Releases the backend memory now. Using the tensor afterwards is an error. */
  dispose(): void {
    forget(this);
    this._release('disposed');
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Keeps this tensor alive until `dispose()`, outside the step-temporary rules (`tf.keep`). */
  keep(): this {
    return keep(this);
  }

  // ---- data out -------------------------------------------------------------------------------

  /** The value of a one-element tensor as a JS number (`item()`; a bool gives 0 or 1). */
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`item: only one element tensors can be converted to Python scalars (got a Tensor with ${this.numel()} elements)`);
    }
    return this._data.dataSync()[0] as number;
  }
  /** A copy of the data as a typed array (Float32Array, Int32Array, or Uint8Array for bool). */
  dataSync(): Float32Array | Int32Array | Uint8Array {
    return this._data.dataSync() as Float32Array | Int32Array | Uint8Array;
  }
  /** Like `dataSync()`, asynchronously. */
  async data(): Promise<Float32Array | Int32Array | Uint8Array> {
    return (await this._data.data()) as Float32Array | Int32Array | Uint8Array;
  }
  /** Nested JS arrays (`tolist()`); bools become `true`/`false`. */
  tolist(): NestedArray<number | boolean> {
    const flat = Array.from(this.dataSync(), (v) => (this.dtype === 'bool' ? v !== 0 : v));
    const build = (dim: number, offset: number): NestedArray<number | boolean> => {
      if (dim === this.ndim) return flat[offset]!;
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
  /** Prints as PyTorch does: `tensor([[ 0.1234, -1.5000]], requires_grad=True)`. */
  toString(): string {
    const suffixes: string[] = [];
    if (this.gradFn) suffixes.push(`grad_fn=<${this.gradFn.name}>`);
    else if (this.requiresGrad) suffixes.push('requires_grad=True');
    return formatTensor(this.dataSync(), this.shape, this.dtype, suffixes);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.isReleased ? `Tensor(<released>, shape=[${this.shape.join(', ')}])` : this.toString();
  }

  // ---- dtype ----------------------------------------------------------------------------------

  /** Converts to `dtype` (`.to(dtype)`); returns this when it already has it. */
  to(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    return record('cast', new Tensor(castTo(this._data, dtype)), [this], { dtype });
  }
  float(): Tensor {
    return this.to('float32');
  }
  int(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  /** A copy with its own storage that stays in the graph (`clone()`). */
  clone(): Tensor {
    return record('clone', new Tensor(tf.clone(this._data)), [this]);
  }

  // ---- in place -------------------------------------------------------------------------------

  /** @internal Guards in-place ops the way PyTorch does for leaves that require grad. */
  _inplace(op: string, value: Tensor): this {
    if (this.requiresGrad && isGradEnabled()) {
      throw new Error(
        this.isLeaf
          ? `${op}: a leaf Variable that requires grad is being used in an in-place operation (wrap it in noGrad)`
          : `${op}: in-place operations on tensors that are part of the autograd graph are not supported; use the out-of-place op`,
      );
    }
    if (!sameShape(value.shape, this.shape)) {
      throw new RangeError(`${op}: output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${value.shape.join(', ')}]`);
    }
    const data = value.dtype === this.dtype ? shareData(value._data) : castTo(value._data, this.dtype);
    this._setData(data);
    value.dispose();
    return this;
  }
  copy_(src: Tensor): this {
    return this._inplace('copy_', shp.expand(src.detach(), this.shape));
  }
  add_(other: TensorOrScalar, options: { alpha?: number } = {}): this {
    return this._inplace('add_', pw.add(this.detach(), detached(other), options));
  }
  sub_(other: TensorOrScalar, options: { alpha?: number } = {}): this {
    return this._inplace('sub_', pw.sub(this.detach(), detached(other), options));
  }
  mul_(other: TensorOrScalar): this {
    return this._inplace('mul_', pw.mul(this.detach(), detached(other)));
  }
  div_(other: TensorOrScalar): this {
    return this._inplace('div_', pw.div(this.detach(), detached(other)));
  }
  clamp_(min?: number | null, max?: number | null): this {
    return this._inplace('clamp_', cmp.clamp(this.detach(), min, max));
  }
  fill_(value: number): this {
    return this._inplace('fill_', new Tensor(tf.fill([...this.shape], value, this.dtype)));
  }
  zero_(): this {
    return this.fill_(0);
  }
  /** Fills with U(from, to) from Flint's seeded generator. */
  uniform_(from = 0, to = 1): this {
    return this._inplace('uniform_', new Tensor(tf.tensor(fillUniform(this.numel(), from, to), [...this.shape])));
  }
  /** Fills with N(mean, std²) from Flint's seeded generator. */
  normal_(mean = 0, std = 1): this {
    return this._inplace('normal_', new Tensor(tf.tensor(fillNormal(this.numel(), mean, std), [...this.shape])));
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
  all(): Tensor {
    return red.all(this);
  }
  any(): Tensor {
    return red.any(this);
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
  /** Flint tensors are always contiguous: returns this (`contiguous()`). */
  contiguous(): Tensor {
    return this;
  }
  isContiguous(): boolean {
    return true;
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
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return idx.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor): Tensor {
    return idx.indexAdd(this, dim, index, source);
  }
}

setTensorCheck((v: unknown): v is Tensor => v instanceof Tensor);

/** The operand of an in-place op, cut from the graph. */
function detached(other: TensorOrScalar): TensorOrScalar {
  return other instanceof Tensor ? other.detach() : other;
}

function releasedError(t: Tensor): Error {
  const why =
    t._released === 'auto'
      ? `it was a step temporary released automatically after ${RETAIN_TICKS} steps without use (Flint frees WASM memory at step boundaries)`
      : 'dispose() was called on it';
  return new Error(
    `Tensor of shape [${t.shape.join(', ')}] was released: ${why}. ` +
      'To use a tensor across steps, call .keep() on it when it is created (and dispose() it when done).',
  );
}
