/** One training epoch and the evaluation of the tagger on padded batches. */
import { noGrad } from '@flint/autograd';
import { F } from '@flint/nn';
import type { lrScheduler, Optimizer } from '@flint/optim';
import type { Tensor } from '@flint/tensor';
import { Progress } from '@flint/example-common';
import { batchIndices, IGNORE_INDEX, makeBatch } from './batches.js';
import type { Tagger } from './model.js';
import type { EncodedSentence } from './vocab.js';

/** Mean cross-entropy over the real tokens of `[T, B, C]` scores and `[T, B]` targets. */
export function taggingLoss(scores: Tensor, tags: Tensor): Tensor {
  return F.crossEntropy(scores.reshape([-1, scores.shape[2]!]), tags.reshape([-1]), { ignoreIndex: IGNORE_INDEX });
}

/** Correct predictions among the real tokens (padding targets never match an argmax). */
export function correctTokens(scores: Tensor, tags: Tensor): number {
  return scores.argmax(2).eq(tags).sum().item();
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  tokens: number;
}

/**
 * One pass over `sentences` in length-bucketed, shuffled batches (only the first `maxSteps` of
 * them if given), stepping `scheduler` after each batch, with a progress bar on stderr.
 */
export function trainEpoch(
  model: Tagger,
  sentences: readonly EncodedSentence[],
  opt: Optimizer,
  batchSize: number,
  rand: () => number,
  label: string,
  maxSteps = Infinity,
  scheduler: lrScheduler.LRScheduler | null = null,
): EpochResult & { steps: number } {
  const batches = batchIndices(sentences.map((s) => s.words.length), batchSize, rand).slice(0, maxSteps);
  const progress = new Progress(label, batches.length);
  model.train();
  let tokens = 0;
  let lossSum = 0;
  let correct = 0;
  batches.forEach((ids, k) => {
    const b = makeBatch(ids.map((i) => sentences[i]!));
    opt.zeroGrad();
    const scores = model(b.words, b.suffixes, b.shapes);
    const loss = taggingLoss(scores, b.tags);
    loss.backward();
    opt.step();
    scheduler?.step();
    tokens += b.tokens;
    lossSum += loss.item() * b.tokens;
    correct += correctTokens(scores.detach(), b.tags);
    progress.update(k + 1, tokens, lossSum / tokens, correct / tokens);
  });
  return { loss: lossSum / tokens, accuracy: correct / tokens, tokens, steps: batches.length };
}

/** Loss and tag accuracy over the real tokens of `sentences`, in eval mode without gradients. */
export function evaluate(model: Tagger, sentences: readonly EncodedSentence[], batchSize = 256): EpochResult {
  model.eval();
  let tokens = 0;
  let lossSum = 0;
  let correct = 0;
  noGrad(() => {
    for (const ids of batchIndices(sentences.map((s) => s.words.length), batchSize)) {
      const b = makeBatch(ids.map((i) => sentences[i]!));
      const scores = model(b.words, b.suffixes, b.shapes);
      lossSum += taggingLoss(scores, b.tags).item() * b.tokens;
      correct += correctTokens(scores, b.tags);
      tokens += b.tokens;
    }
  });
  return { loss: lossSum / tokens, accuracy: correct / tokens, tokens };
}
