/**
 * The count-based bigram baseline: P(next | previous) from the training names' character pair
 * counts (with '.' before and after each name), smoothed by adding `alpha` to every count.
 * Browser-safe.
 */
import { BOUNDARY, type Vocab } from './vocab.js';

/** `counts[a·V + b]`: how often b follows a in `names` ('.' before and after each name). */
export function bigramCounts(names: readonly string[], vocab: Vocab): Float64Array {
  const V = vocab.size;
  const counts = new Float64Array(V * V);
  const b = vocab.id(BOUNDARY);
  for (const name of names) {
    const ids = [b, ...vocab.encode(name), b];
    for (let i = 0; i + 1 < ids.length; i++) counts[ids[i]! * V + ids[i + 1]!]! += 1;
  }
  return counts;
}

/**
 * The mean negative log-likelihood per character (nats) of `testNames` under the bigram model of
 * `trainNames` with add-`alpha` smoothing: averaged over every predicted character, the final '.'
 * of each name included (a name of n characters has n + 1 predictions, like the GPT's).
 */
export function bigramLoss(trainNames: readonly string[], testNames: readonly string[], vocab: Vocab, alpha = 1): number {
  const V = vocab.size;
  const counts = bigramCounts(trainNames, vocab);
  const rowTotal = new Float64Array(V);
  for (let a = 0; a < V; a++) for (let c = 0; c < V; c++) rowTotal[a]! += counts[a * V + c]! + alpha;
  const b = vocab.id(BOUNDARY);
  let nll = 0;
  let n = 0;
  for (const name of testNames) {
    const ids = [b, ...vocab.encode(name), b];
    for (let i = 0; i + 1 < ids.length; i++) {
      const p = (counts[ids[i]! * V + ids[i + 1]!]! + alpha) / rowTotal[ids[i]!]!;
      nll -= Math.log(p);
      n++;
    }
  }
  return nll / n;
}
