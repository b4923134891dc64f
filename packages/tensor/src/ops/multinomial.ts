/**
 * `torch.multinomial(input, num_samples, replacement=False, *, generator=None)`: category indices
 * drawn with probabilities proportional to each row of `input` (1-D, or 2-D: one draw per row),
 * from Flint's seeded generator (`manualSeed`). Without replacement each draw removes its category.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { defaultGenerator, type Generator } from '../random.js';
import { Tensor } from '../tensor.js';
import { NEEDS_HOST_VALUES, readSync } from '../readback.js';
import { shapeStr } from './util.js';

/** `(replacement?, { generator }?)` or `({ replacement, generator })`. */
export type MultinomialArgs = [replacement?: boolean, options?: { generator?: Generator }] | [options: { replacement?: boolean; generator?: Generator }];

export function multinomial(x: Tensor, numSamples: number, ...args: MultinomialArgs): Tensor {
  const op = 'multinomial()';
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  const a = bindArgs('multinomial', args, ['replacement'], ['generator']) as { replacement?: boolean; generator?: Generator };
  const replacement = a.replacement ?? false;
  const gen = a.generator ?? defaultGenerator;
  if (x.dtype !== 'float32') throw new TypeError(`${op}: multinomial only supports floating-point dtypes for input (got int32 or bool; call .float() first)`);
  if (x.ndim !== 1 && x.ndim !== 2) throw new RangeError(`${op}: prob_dist must be 1 or 2 dim (got shape ${shapeStr(x.shape)})`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`${op}: cannot sample n_sample <= 0 samples (got ${numSamples})`);
  const k = x.shape[x.ndim - 1]!;
  if (k === 0) throw new RangeError(`${op}: number of categories cannot be zero`);
  if (!replacement && numSamples > k) throw new RangeError(`${op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement (${numSamples} > ${k})`);
  const probs = readSync(x._data, op, NEEDS_HOST_VALUES) as Float32Array;
  for (const p of probs) {
    if (!Number.isFinite(p) || p < 0) throw new RangeError(`${op}: probability tensor contains either \`inf\`, \`nan\` or element < 0`);
  }
  const rows = x.ndim === 1 ? 1 : x.shape[0]!;
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const w = Array.from(probs.subarray(r * k, (r + 1) * k));
    let total = w.reduce((s, p) => s + p, 0);
    if (!(total > 0)) throw new RangeError(`${op}: invalid multinomial distribution (sum of probabilities <= 0)`);
    if (!replacement && w.filter((p) => p > 0).length < numSamples) {
      throw new RangeError(`${op}: invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)`);
    }
    for (let s = 0; s < numSamples; s++) {
      const u = gen.random() * total;
      let acc = 0;
      let pick = -1;
      for (let c = 0; c < k; c++) {
        if (w[c]! <= 0) continue;
        acc += w[c]!;
        pick = c;
        if (u < acc) break;
      }
      out[r * numSamples + s] = pick;
      if (!replacement) {
        total -= w[pick]!;
        w[pick] = 0;
      }
    }
  }
  return new Tensor(tf.tensor(out, x.ndim === 1 ? [numSamples] : [rows, numSamples], 'int32'));
}
