/**
 * @flint/tensor: PyTorch's tensor for TypeScript, on the tfjs WASM-SIMD backend.
 * Importing it starts the backend (top-level await), so ops work right away.
 */
export { ready, setBackend, getBackend, memory, type BackendName } from './backend.js';
export { setNumThreads, getNumThreads, threadsReady } from './threads.js';
export { setWasmPaths, type WasmBinary } from './wasm-paths.js';
/** @internal Synchronous reads on backends that read GPU memory only asynchronously (`@flint/webgpu`). */
export { backendReadsSync, canReadSync, isSyncReadError } from './readback.js';
export {
  _findBackendFactory,
  _registerBackend,
  _removeBackend,
  _getKernel,
  _registerKernel,
  _unregisterKernel,
  _tfjsEnv,
  type _KernelBackend,
  type _KernelConfig,
} from './backend-registry.js';
export { Tensor, type Device, type Dims, type NestedArray, type GradHook, type ValuesIndices } from './tensor.js';
export { type DType, type DTypeArg, promoteTypes } from './dtype.js';
export {
  tensor,
  full,
  zeros,
  ones,
  empty,
  zerosLike,
  onesLike,
  fullLike,
  emptyLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randperm,
  randLike,
  randnLike,
  type CreateOptions,
  type RandomOptions,
  type TensorData,
} from './creation.js';
export { Generator, manualSeed, defaultGenerator } from './random.js';
export { scope, keep, tick, setDebug } from './lifetime.js';
/** @internal PyTorch-style argument binding, shared by the packages above tensor. */
export { bindArgs, describeValue, isOptionsObject } from './args.js';
export { isGradEnabled, setGradEnabled, withGradMode } from './grad-mode.js';
export { registerAutogradEngine, record, recordMany, graphPending, clearGraphPending, setOpTracer, type AutogradEngine, type GradNode, type BackwardOptions, type OpTracer } from './graph-hooks.js';
export {
  add,
  sub,
  mul,
  div,
  pow,
  neg,
  abs,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  square,
  reciprocal,
  sin,
  cos,
  sign,
  floor,
  ceil,
  round,
  maximum,
  minimum,
  remainder,
  floorDivide,
} from './ops/pointwise.js';
export { matmul, mm, bmm } from './ops/linalg.js';
export { einsum } from './ops/einsum.js';
export { norm, linalg, type NormOrd, type NormArgs, type VectorNormArgs, type MatrixNormArgs, type LinalgNormArgs } from './ops/norm.js';
export { outer } from './ops/outer.js';
export { linear } from './ops/linear.js';
export { relu, sigmoid, tanh, softmax, logSoftmax, gelu, leakyRelu, elu, silu, softplus } from './ops/activation.js';
export { sum, mean, prod, amax, amin, argmax, argmin, variance as var, std, logsumexp, all, any, maxDim, minDim, type VarOptions } from './ops/reduce.js';
export { eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalNot, isnan, isfinite, where, clamp } from './ops/compare.js';
export { reshape, flatten, unflatten, squeeze, unsqueeze, transpose, permute, expand, repeat, flip, t } from './ops/shape.js';
export { view, contiguous } from './ops/view.js';
export { sort, argsort, topk, type SortResult, type SortOptions, type SortArgs, type TopkOptions, type TopkArgs } from './ops/sort.js';
export { cumsum, cumprod } from './ops/cumulative.js';
export { tril, triu } from './ops/triangular.js';
export { diag, diagonal } from './ops/diagonal.js';
export { roll, tile } from './ops/roll.js';
export { scatter } from './ops/scatter.js';
export { maskedSelect, nonzero } from './ops/select.js';
export { unique, type UniqueOptions, type UniqueArgs } from './ops/unique.js';
export { multinomial, type MultinomialArgs } from './ops/multinomial.js';
export { meshgrid } from './ops/meshgrid.js';
export { isclose, allclose, equal, type CloseOptions, type CloseArgs } from './ops/close.js';
export { cat, stack, split, chunk, unbind } from './ops/join.js';
export { narrow, select, gather, indexSelect, maskedFill, scatterAdd, indexAdd, type IndexItem } from './ops/indexing.js';
export { index } from './ops/index-function.js';
export { conv2d, pad, type Conv2dOptions, type Conv2dAttrs, type PadMode, type Size2, type Padding2 } from './ops/conv.js';
/** @internal conv2d's input and weight gradients outside autograd, and their geometry (autograd's conv formula). */
export { isEmptyConv as _isEmptyConv } from './ops/conv.js';
export { conv2dWeightGradFast as _conv2dWeightGrad, conv2dWeightGradFastCovers as _conv2dWeightGradCovers, conv2dWeightGradPadding as _conv2dWeightGradPadding } from './ops/conv-weight-grad.js';
export { conv2dInputGradFast as _conv2dInputGrad, conv2dInputGradPadding as _conv2dInputGradPadding, exchangeMatrix as _exchangeMatrix } from './ops/conv-input-grad.js';
/** @internal Fused in-place updates on the WASM heap (`@flint/optim`, batch norm's running statistics). */
export { momentumUpdate_ as _momentumUpdate_, axpy_ as _axpy_, scaleAdd_ as _scaleAdd_, adamUpdate_ as _adamUpdate_, type AdamStep as _AdamStep } from './ops/fused-update.js';
/** @internal ReLU's gradient on the WASM heap (autograd's relu formula). */
export { reluBackward as _reluBackward } from './ops/heap-relu.js';
/** @internal Batch norm's training passes on the WASM heap (`@flint/vision`). */
export { batchNormTrainForward as _batchNormTrainForward, batchNormTrainBackward as _batchNormTrainBackward } from './ops/batch-norm-passes.js';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions, type Pool2dAttrs } from './ops/pool.js';
export { broadcastShapes, shapeStr } from './ops/util.js';
export { loadSafetensors, saveSafetensors, safetensorsMetadata } from './safetensors.js';
export { SafetensorsError } from './safetensors-codec.js';
export { load, save, CheckpointError, type LoadOptions, type SaveOptions } from './torch-checkpoint.js';
export { formatTensor, type FormatOptions } from './format.js';

import type { Tensor as T } from './tensor.js';
import { amax as amax_, amin as amin_, maxDim as maxDim_, minDim as minDim_ } from './ops/reduce.js';
import { maximum as maximum_, minimum as minimum_ } from './ops/pointwise.js';
import type { ValuesIndices as VI } from './tensor.js';

/** `torch.max(x)`, `torch.max(x, dim, keepdim)` → `{ values, indices }`, `torch.max(x, other)`. */
export function max(x: T): T;
export function max(x: T, dim: number, keepdim?: boolean): VI;
export function max(x: T, other: T): T;
export function max(x: T, dim?: number | T, keepdim = false): T | VI {
  if (dim === undefined) return amax_(x);
  return typeof dim === 'number' ? maxDim_(x, dim, keepdim) : maximum_(x, dim);
}
/** `torch.min`, as `max`. */
export function min(x: T): T;
export function min(x: T, dim: number, keepdim?: boolean): VI;
export function min(x: T, other: T): T;
export function min(x: T, dim?: number | T, keepdim = false): T | VI {
  if (dim === undefined) return amin_(x);
  return typeof dim === 'number' ? minDim_(x, dim, keepdim) : minimum_(x, dim);
}
// The types that public signatures use.
export type { Shape, Scalar, TensorOrScalar, OptionalDims } from './ops/util.js';
export type { IndexSlice } from './ops/indexing.js';
export type { FormatDType } from './format.js';
