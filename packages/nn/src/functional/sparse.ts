/** `F.embedding`, `F.one_hot`. */
import { arange, backendReadsSync, getBackend, isSyncReadError, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, describeValue, intArg, numberArg } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor } from './activation.js';

/** @internal The hint every "float where class indices belong" error ends with. */
export const INT32_HINT = "create it with { dtype: 'int32' }, e.g. tensor([2, 0, 1], { dtype: 'int32' }), or convert it with .int()";

/**
 * `F.one_hot(tensor, num_classes=-1)`: int32 `[*, numClasses]` with a 1 at each index
 * (`numClasses = -1` takes max + 1). Values must lie in [0, numClasses). `F.oneHot(t, 3)` is
 * `F.oneHot(t, { numClasses: 3 })`.
 */
export function oneHot(input: Tensor, numClasses?: number | { numClasses?: number }): Tensor;
export function oneHot(input: Tensor, ...args: unknown[]): Tensor {
  const op = 'oneHot';
  checkTensor(op, input);
  let numClasses = intArg(op, 'numClasses', bindArgs(op, args, ['numClasses']).numClasses, -1);
  if (numClasses < -1) throw new RangeError(`${op}: numClasses must be -1 (inferred) or a non-negative integer (got ${numClasses})`);
  if (input.dtype !== 'int32') {
    throw new TypeError(`${op}: one_hot is only applicable to index tensor: expected class indices of dtype int32, got ${input.dtype} with shape ${shapeStr(input.shape)}; ${INT32_HINT}`);
  }
  if (input.numel() > 0) {
    const range = indexRange(op, input, numClasses === -1);
    if (range) {
      const [min, max] = range;
      if (min < 0) throw new RangeError('oneHot: Class values must be non-negative.');
      if (numClasses === -1) numClasses = max + 1;
      else if (max >= numClasses) throw new RangeError('oneHot: Class values must be smaller than num_classes.');
    }
  } else if (numClasses === -1) {
    throw new RangeError('oneHot: Can not infer total number of classes from empty tensor.');
  }
  return oneHotUnchecked(input, numClasses);
}

/**
 * The least and greatest index. On a backend that reads only asynchronously (webgpu) they come
 * from values already on the CPU; otherwise the range check is skipped (`null`), as CUDA's
 * device-side check does not stop the program either, unless `needed` (numClasses inferred: the
 * output's shape depends on the values), which is an error saying to read the input first.
 */
function indexRange(op: string, input: Tensor, needed: boolean): [number, number] | null {
  if (backendReadsSync()) return [input.min().item(), input.max().item()];
  let values: ArrayLike<number>;
  try {
    values = input.dataSync();
  } catch (err) {
    if (!isSyncReadError(err)) throw err;
    if (!needed) return null;
    throw new Error(
      `${op}: numClasses = -1 takes the greatest index + 1, which needs the input's values on the CPU on the '${getBackend()}' backend: \`await t.data()\` on the input first, or pass numClasses`,
      { cause: err },
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  return [min, max];
}

/** @internal `oneHot` of indices already known to lie in [0, numClasses). */
export function oneHotUnchecked(input: Tensor, numClasses: number): Tensor {
  return input.unsqueeze(-1).eq(arange(numClasses)).int();
}

export interface EmbeddingOptions {
  /** Row whose gradient is always zero (a padding token). */
  paddingIdx?: number | null;
  /** Not supported (PyTorch renormalises looked-up rows in place); only `null`. */
  maxNorm?: number | null;
  /** The p of `maxNorm` (default 2); without `maxNorm` it has no effect. */
  normType?: number;
  /** Not supported; only `false`. */
  scaleGradByFreq?: boolean;
  /** Flint's gradients are dense; only `false`. */
  sparse?: boolean;
}

/** PyTorch's positional order after the weight (`F.embedding`) or the sizes (`Embedding`). */
export const EMBEDDING_ARGS = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'] as const;

/** @internal Checks the options Flint does not support and returns `paddingIdx` (or null). */
export function embeddingArgs(op: string, a: Record<string, unknown>): number | null {
  if (a.maxNorm !== undefined && a.maxNorm !== null) throw new Error(`${op}: maxNorm is not supported by Flint (got ${describeValue(a.maxNorm)}); renormalise the weight yourself`);
  numberArg(op, 'normType', a.normType, 2);
  if (boolArg(op, 'scaleGradByFreq', a.scaleGradByFreq, false)) throw new Error(`${op}: scaleGradByFreq is not supported by Flint`);
  if (boolArg(op, 'sparse', a.sparse, false)) throw new Error(`${op}: sparse gradients are not supported by Flint (its gradients are dense)`);
  return a.paddingIdx === undefined || a.paddingIdx === null ? null : intArg(op, 'paddingIdx', a.paddingIdx, 0);
}

/** @internal The int32 check of embedding indices, naming the op. */
export function checkIndices(op: string, input: Tensor): void {
  if (input.dtype !== 'int32') {
    throw new TypeError(
      `${op}: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${input.dtype} instead (shape ${shapeStr(input.shape)}); ${INT32_HINT}`,
    );
  }
}

/**
 * `F.embedding(input, weight, padding_idx=None)`: rows of `weight [num, dim]` picked by the int32
 * indices `input [*]` → `[*, dim]`. The gradient w.r.t. the row `paddingIdx` is zero.
 * `F.embedding(idx, w, 0)` is `F.embedding(idx, w, { paddingIdx: 0 })`.
 */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor;
export function embedding(input: Tensor, weight: Tensor, paddingIdx?: number | null, options?: Omit<EmbeddingOptions, 'paddingIdx'>): Tensor;
export function embedding(input: Tensor, weight: Tensor, ...args: unknown[]): Tensor {
  const op = 'embedding';
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  const pad = embeddingArgs(op, bindArgs(op, args, EMBEDDING_ARGS));
  const rows = weight.shape[0] ?? 0;
  if (pad !== null && (pad >= rows || pad < -rows)) throw new RangeError(`${op}: Padding_idx must be within num_embeddings (got paddingIdx=${pad} for a weight of ${rows} rows)`);
  return embeddingOf(op, input, weight, pad);
}

/** @internal */
export function embeddingOf(op: string, input: Tensor, weight: Tensor, pad: number | null): Tensor {
  checkIndices(op, input);
  if (weight.ndim !== 2) throw new RangeError(`${op}: 'weight' must be 2-D (got shape ${shapeStr(weight.shape)})`);
  const rows = weight.indexSelect(0, input.flatten()).reshape([...input.shape, weight.shape[1]!]);
  if (pad === null || !rows.requiresGrad) return rows;
  const idx = pad < 0 ? pad + weight.shape[0]! : pad;
  // Same values; the padding positions take theirs from a detached copy, so no gradient reaches that row.
  return rows.detach().where(input.eq(idx).unsqueeze(-1), rows);
}
