/** `F.embedding`, `F.one_hot`. */
import { arange, type Tensor } from '@flint/tensor';
import { shapeStr } from '../repr.js';

/**
 * `F.one_hot(tensor, num_classes=-1)`: int32 `[*, numClasses]` with a 1 at each index
 * (`numClasses = -1` takes max + 1). Values must lie in [0, numClasses).
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  if (input.dtype !== 'int32') throw new TypeError(`oneHot: one_hot is only applicable to index tensor (got dtype ${input.dtype})`);
  if (input.numel() > 0) {
    const min = input.min().item();
    const max = input.max().item();
    if (min < 0) throw new RangeError('oneHot: Class values must be non-negative.');
    if (numClasses === -1) numClasses = max + 1;
    else if (max >= numClasses) throw new RangeError('oneHot: Class values must be smaller than num_classes.');
  } else if (numClasses === -1) {
    throw new RangeError('oneHot: Can not infer total number of classes from empty tensor.');
  }
  return oneHotUnchecked(input, numClasses);
}

/** @internal `oneHot` of indices already known to lie in [0, numClasses). */
export function oneHotUnchecked(input: Tensor, numClasses: number): Tensor {
  return input.unsqueeze(-1).eq(arange(numClasses)).int();
}

export interface EmbeddingOptions {
  /** Row whose gradient is always zero (a padding token). */
  paddingIdx?: number | null;
}

/**
 * `F.embedding(input, weight, padding_idx=None)`: rows of `weight [num, dim]` picked by the int32
 * indices `input [*]` → `[*, dim]`. The gradient w.r.t. the row `paddingIdx` is zero.
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (input.dtype !== 'int32') {
    throw new TypeError(`embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${input.dtype} instead`);
  }
  if (weight.ndim !== 2) throw new RangeError(`embedding: 'weight' must be 2-D (got shape ${shapeStr(weight.shape)})`);
  const rows = weight.indexSelect(0, input.flatten()).reshape([...input.shape, weight.shape[1]!]);
  const pad = options.paddingIdx;
  if (pad === undefined || pad === null || !rows.requiresGrad) return rows;
  const idx = pad < 0 ? pad + weight.shape[0]! : pad;
  // Same values; the padding positions take theirs from a detached copy, so no gradient reaches that row.
  return rows.detach().where(input.eq(idx).unsqueeze(-1), rows);
}
