/**
 * The training objective and evaluation, shared by the command line and the web page.
 * Browser-safe.
 */
import { tensor, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { F, type Module } from '@flint/nn';
import type { Optimizer } from '@flint/optim';
import { IGNORE_INDEX } from './vocab.js';

/** Rows of `blockSize` token ids as an int32 tensor `[N, blockSize]`. */
export function rows(ids: Int32Array, blockSize: number): Tensor {
  return tensor(ids, { shape: [ids.length / blockSize, blockSize], dtype: 'int32' });
}

/**
 * Next-character cross-entropy of `logits [B, T, V]` against `targets [B, T]`, padding
 * (IGNORE_INDEX) skipped: the mean over the predicted characters, or their sum.
 */
export function nextCharLoss(logits: Tensor, targets: Tensor, reduction: 'mean' | 'sum' = 'mean'): Tensor {
  const V = logits.shape.at(-1)!;
  return F.crossEntropy(logits.reshape([-1, V]), targets.reshape([-1]), { ignoreIndex: IGNORE_INDEX, reduction });
}

/**
 * One optimisation step on the batch `(x, y)`: the batch's mean loss per character, and how many
 * of its `chars` predicted characters the logits' argmax got right.
 */
export function trainStep(model: Module, opt: Optimizer, x: Tensor, y: Tensor): { loss: number; correct: number; chars: number } {
  opt.zeroGrad();
  const logits = model(x) as Tensor;
  const loss = nextCharLoss(logits, y);
  loss.backward();
  opt.step();
  const { correct, chars } = noGrad(() => {
    const valid = y.ne(IGNORE_INDEX);
    // Padding targets (IGNORE_INDEX < 0) never equal an argmax.
    return { correct: logits.detach().argmax(-1).eq(y).sum().item(), chars: valid.sum().item() };
  });
  return { loss: loss.item(), correct, chars };
}

/**
 * The mean loss per character (nats) over every predicted character of `(x, y)` (each name's final
 * '.' included, padding excluded), in eval mode without gradients, `batchSize` rows at a time.
 */
export function evaluate(model: Module, x: Tensor, y: Tensor, batchSize = 512): { loss: number; chars: number } {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  let chars = 0;
  noGrad(() => {
    const n = x.shape[0]!;
    for (let start = 0; start < n; start += batchSize) {
      const len = Math.min(batchSize, n - start);
      const xb = x.narrow(0, start, len);
      const yb = y.narrow(0, start, len);
      sum += nextCharLoss(model(xb) as Tensor, yb, 'sum').item();
      chars += yb.ne(IGNORE_INDEX).sum().item();
    }
  });
  model.train(wasTraining);
  return { loss: sum / chars, chars };
}
