/** `utils.rnn` (`torch.nn.utils.rnn`): `padSequence`. */
import { stack, Tensor } from '@flint/tensor';
import { bindArgs, boolArg, describeValue, numberArg } from '../args.js';
import { pad } from '../functional/padding.js';
import { shapeStr } from '../repr.js';

export interface PadSequenceOptions {
  /** Output `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The fill after each shorter sequence (default 0). */
  paddingValue?: number;
}

/**
 * `torch.nn.utils.rnn.pad_sequence(sequences, batch_first=False, padding_value=0.0)`: stacks
 * tensors `[Lᵢ, *]` (the same trailing dims) into `[T, B, *]` (`T = max Lᵢ`), or `[B, T, *]`
 * with `batchFirst`, filling the tail of each shorter one with `paddingValue`. Differentiable.
 * `padSequence(seqs, true)` is `padSequence(seqs, { batchFirst: true })`.
 */
export function padSequence(sequences: readonly Tensor[] | Tensor, options?: PadSequenceOptions): Tensor;
export function padSequence(sequences: readonly Tensor[] | Tensor, batchFirst?: boolean, paddingValue?: number | Pick<PadSequenceOptions, 'paddingValue'>): Tensor;
export function padSequence(sequences: readonly Tensor[] | Tensor, ...args: unknown[]): Tensor {
  const op = 'padSequence';
  const a = bindArgs(op, args, ['batchFirst', 'paddingValue']);
  const batchFirst = boolArg(op, 'batchFirst', a.batchFirst, false);
  const paddingValue = numberArg(op, 'paddingValue', a.paddingValue, 0);
  const given: unknown = sequences instanceof Tensor ? sequences.unbind(0) : sequences;
  if (!Array.isArray(given)) throw new TypeError(`${op}: sequences must be an array of Tensors (got ${describeValue(sequences)})`);
  if (given.length === 0) throw new RangeError(`${op}: received an empty list of sequences`);
  given.forEach((s: unknown, i) => {
    if (!(s instanceof Tensor)) throw new TypeError(`${op}: sequences[${i}] must be a Tensor (got ${describeValue(s)})`);
    if (s.ndim === 0) throw new RangeError(`${op}: sequences[${i}] must have a length dim [L, *] (got a 0-d tensor)`);
  });
  const seqs = given as readonly Tensor[];
  const trailing = seqs[0]!.shape.slice(1);
  seqs.forEach((s, i) => {
    const t = s.shape.slice(1);
    if (t.length !== trailing.length || t.some((d, j) => d !== trailing[j])) {
      throw new RangeError(`${op}: every sequence must have the trailing shape ${shapeStr(trailing)} of sequences[0] (shape ${shapeStr(seqs[0]!.shape)}), but sequences[${i}] has shape ${shapeStr(s.shape)}`);
    }
  });
  const maxLen = Math.max(...seqs.map((s) => s.shape[0]!));
  const padded = seqs.map((s) => {
    const extra = maxLen - s.shape[0]!;
    return extra === 0 ? s : pad(s, [...trailing.flatMap(() => [0, 0]), 0, extra], { value: paddingValue });
  });
  return stack(padded, batchFirst ? 0 : 1);
}
