/** `F.scaledDotProductAttention` and the mask handling shared with `MultiheadAttention`. */
import { arange, matmul, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, describeValue } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor, softmax } from './activation.js';
import { checkDropoutP, dropout } from './dropout.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * `[L, S]` or broadcastable to `[..., L, S]`: a float mask is added to the scores, a bool mask
   * says which keys take part (`true`), PyTorch 2's convention.
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0; applied whenever above 0, as PyTorch). */
  dropoutP?: number;
  /** Query i attends to keys j ≤ i only (default `false`); not with `attnMask`. */
  isCausal?: boolean;
  /** The factor on q·kᵀ (default 1/√E). */
  scale?: number | null;
}

/** `[L, S]` bool: `true` where key j comes after query i (the causal mask, top-left aligned). */
export function causalMask(l: number, s: number): Tensor {
  return arange(s).unsqueeze(0).gt(arange(l).unsqueeze(1));
}

/** A mask as an additive float mask: bool `true` (masked out) → −∞, float as is. */
export function additiveMask(mask: Tensor): Tensor {
  return mask.dtype === 'bool' ? zeros(mask.shape).maskedFill(mask, -Infinity) : mask;
}

/**
 * `F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
 * is_causal=False)` (PyTorch 2.0): `softmax(q·kᵀ·scale + mask) · v`.
 * Shapes: query `[..., L, E]`, key `[..., S, E]`, value `[..., S, Ev]` → `[..., L, Ev]`.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: ScaledDotProductAttentionOptions): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, attnMask?: Tensor | null, dropoutP?: number, isCausal?: boolean | Omit<ScaledDotProductAttentionOptions, 'attnMask' | 'dropoutP'>): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): Tensor {
  const op = 'scaledDotProductAttention';
  checkTensor(op, query, 'query');
  checkTensor(op, key, 'key');
  checkTensor(op, value, 'value');
  const a = bindArgs(op, args, ['attnMask', 'dropoutP', 'isCausal'], ['scale']);
  const isCausal = boolArg(op, 'isCausal', a.isCausal, false);
  const p = a.dropoutP ?? 0;
  checkDropoutP(p, op);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new RangeError(`${op}: query, key and value must be at least 2-D (got ${shapeStr(query.shape)}, ${shapeStr(key.shape)}, ${shapeStr(value.shape)})`);
  }
  const e = query.shape[query.ndim - 1]!;
  const l = query.shape[query.ndim - 2]!;
  const s = key.shape[key.ndim - 2]!;
  if (key.shape[key.ndim - 1] !== e || value.shape[value.ndim - 2] !== s) {
    throw new RangeError(`${op}: expected query [..., L, E], key [..., S, E] and value [..., S, Ev], got ${shapeStr(query.shape)}, ${shapeStr(key.shape)} and ${shapeStr(value.shape)}`);
  }
  const scale = a.scale === undefined || a.scale === null ? 1 / Math.sqrt(e) : a.scale;
  if (typeof scale !== 'number') throw new TypeError(`${op}: scale must be a number (got ${describeValue(scale)})`);
  let scores = matmul(query.mul(scale), key.transpose(-2, -1));
  if (isCausal) {
    if (a.attnMask !== undefined && a.attnMask !== null) throw new Error(`${op}: give attnMask or isCausal, not both`);
    scores = scores.maskedFill(causalMask(l, s), -Infinity);
  }
  if (a.attnMask !== undefined && a.attnMask !== null) {
    const mask = a.attnMask;
    checkTensor(op, mask, 'attnMask');
    // A bool mask says which keys take part: mask out the others.
    scores = mask.dtype === 'bool' ? scores.maskedFill(mask.logicalNot(), -Infinity) : scores.add(mask);
  }
  let attn = softmax(scores, -1);
  if (p > 0) attn = dropout(attn, p, true);
  return matmul(attn, value);
}
