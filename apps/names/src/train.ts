/**
 * The training objective and evaluation, shared by the command line and the web page.
 * Browser-safe. The reads are asynchronous (`await t.itemAsync()`), so the same code runs on
 * WebGPU, whose synchronous reads throw; on WASM and the cpu backend they cost the same.
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
 * `fn()` in eval mode without gradients (`model.eval()` + `torch.no_grad()`), the mode restored
 * before it returns. Keeping the forward pass synchronous and reading its results afterwards means
 * that no other code (a training step of the web page, run while a read is awaited) ever sees the
 * model in the wrong mode.
 */
export function inference<T>(model: Module, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}

/**
 * One optimisation step on the batch `(x, y)`: the batch's mean loss per character, and how many
 * of its `chars` predicted characters the logits' argmax got right.
 */
export async function trainStep(model: Module, opt: Optimizer, x: Tensor, y: Tensor): Promise<{ loss: number; correct: number; chars: number }> {
  opt.zeroGrad();
  const logits = model(x) as Tensor;
  const loss = nextCharLoss(logits, y);
  loss.backward();
  opt.step();
  // Padding targets (IGNORE_INDEX < 0) never equal an argmax.
  const { correct, chars } = noGrad(() => ({ correct: logits.detach().argmax(-1).eq(y).sum(), chars: y.ne(IGNORE_INDEX).sum() }));
  return { loss: await loss.itemAsync(), correct: await correct.itemAsync(), chars: await chars.itemAsync() };
}

/**
 * The mean loss per character (nats) over every predicted character of `(x, y)` (each name's final
 * '.' included, padding excluded), in eval mode without gradients, `batchSize` rows at a time.
 */
export async function evaluate(model: Module, x: Tensor, y: Tensor, batchSize = 512): Promise<{ loss: number; chars: number }> {
  let sum = 0;
  let chars = 0;
  const n = x.shape[0]!;
  for (let start = 0; start < n; start += batchSize) {
    const len = Math.min(batchSize, n - start);
    const xb = x.narrow(0, start, len);
    const yb = y.narrow(0, start, len);
    const batch = inference(model, () => ({ sum: nextCharLoss(model(xb) as Tensor, yb, 'sum'), chars: yb.ne(IGNORE_INDEX).sum() }));
    sum += await batch.sum.itemAsync();
    chars += await batch.chars.itemAsync();
  }
  return { loss: sum / chars, chars };
}
