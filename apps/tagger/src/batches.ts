/**
 * Batches of padded sentences, time-major (`[T, B]`, as `nn.LSTM` without `batchFirst`). Padding
 * is id 0 (`PAD`) in the inputs and `IGNORE_INDEX` in the targets, which `F.crossEntropy` skips.
 */
import { tensor, type Tensor } from '@flint/tensor';
import { utils } from '@flint/nn';
import { shuffled } from './split.js';
import { PAD, type EncodedSentence } from './vocab.js';

/** PyTorch's default `ignore_index` of `cross_entropy`. */
export const IGNORE_INDEX = -100;

export interface Batch {
  words: Tensor;
  suffixes: Tensor;
  shapes: Tensor;
  /** `[T, B]` tag ids, `IGNORE_INDEX` after each sentence's end. */
  tags: Tensor;
  /** Real (unpadded) tokens in the batch. */
  tokens: number;
}

/**
 * Sentence indices grouped into batches of similar length: without `rand`, all sorted by length
 * and cut in order (evaluation); with it, shuffled, sorted by length within pools of
 * `poolBatches` batches, cut, and the batches shuffled (training).
 */
export function batchIndices(lengths: readonly number[], batchSize: number, rand?: () => number, poolBatches = 50): number[][] {
  const all = lengths.map((_, i) => i);
  const byLength = (ids: number[]) => ids.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const cut = (ids: number[]) => Array.from({ length: Math.ceil(ids.length / batchSize) }, (_, k) => ids.slice(k * batchSize, (k + 1) * batchSize));
  if (!rand) return cut(byLength(all));
  const order = shuffled(all, rand);
  const pool = batchSize * poolBatches;
  const batches: number[][] = [];
  for (let p = 0; p < order.length; p += pool) batches.push(...cut(byLength(order.slice(p, p + pool))));
  return shuffled(batches, rand);
}

const column = (ids: readonly number[]) => tensor(Int32Array.from(ids), { dtype: 'int32' });

/** The padded `[T, B]` tensors of some sentences (`utils.rnn.padSequence`). */
export function makeBatch(sentences: readonly EncodedSentence[]): Batch {
  const pad = (key: 'words' | 'suffixes' | 'shapes') => utils.rnn.padSequence(sentences.map((s) => column(s[key])), { paddingValue: PAD });
  return {
    words: pad('words'),
    suffixes: pad('suffixes'),
    shapes: pad('shapes'),
    tags: utils.rnn.padSequence(sentences.map((s) => column(s.tags)), { paddingValue: IGNORE_INDEX }),
    tokens: sentences.reduce((n, s) => n + s.words.length, 0),
  };
}
