/**
 * Sampling new names from a trained model: start from '.', draw each next character from
 * softmax(logits / temperature) with `multinomial`, stop at '.'. Browser-safe; the reads are
 * asynchronous, so it runs on WebGPU too.
 */
import { multinomial, tensor, type Generator, type Tensor } from '@flint/tensor';
import type { NamesGPT } from './model.js';
import { inference } from './train.js';
import { BOUNDARY, type Vocab } from './vocab.js';

export interface SampleOptions {
  /** How many names (default 10). */
  count?: number;
  /** Divides the logits: < 1 is more conservative, > 1 more adventurous (default 1). */
  temperature?: number;
  /** The generator for the draws (default: the global one). */
  generator?: Generator;
}

/** `count` names drawn from `model`, all in parallel, each at most blockSize characters. */
export async function sampleNames(model: NamesGPT, vocab: Vocab, options: SampleOptions = {}): Promise<string[]> {
  const { count = 10, temperature = 1, generator } = options;
  if (!(temperature > 0)) throw new RangeError(`sampleNames: temperature must be positive (got ${temperature})`);
  const boundary = vocab.id(BOUNDARY);
  const seqs: number[][] = Array.from({ length: count }, () => [boundary]);
  const done = new Array<boolean>(count).fill(false);
  for (let t = 0; t < model.config.blockSize && !done.every(Boolean); t++) {
    const ctx = tensor(Int32Array.from(seqs.flat()), { shape: [count, t + 1], dtype: 'int32' });
    const probs = inference(model, () => (model(ctx) as Tensor).select(1, t).div(temperature).softmax(-1));
    // multinomial draws on the CPU: bring the probabilities there first (a no-op off WebGPU).
    await probs.data();
    const next = Array.from(await multinomial(probs, 1, { generator }).data());
    next.forEach((id, i) => {
      if (done[i]) return;
      seqs[i]!.push(id);
      if (id === boundary) done[i] = true;
    });
    // Finished rows keep their length by repeating '.', which nothing reads.
    seqs.forEach((s, i) => {
      if (done[i] && s.length < t + 2) s.push(boundary);
    });
  }
  return seqs.map((s) => vocab.decode(s.slice(1).filter((id) => id !== boundary)));
}
