/**
 * The seeded split of the corpus by file, and the prepared data set (normalised tags, ids) that
 * both the Flint app and `train_torch.py` train on.
 */
import { corpusFiles, corpusPath, readTagged, type TaggedSentence } from './data.js';
import { normalizeTag } from './tags.js';
import { buildVocabularies, encodeSentence, tagIndex, type EncodedSentence, type Vocabularies } from './vocab.js';

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy, driven by `rand`. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface FileSplit {
  train: string[];
  val: string[];
  test: string[];
}

/** Shuffles the file names with `seed`; the first `nTest` are test, the next `nVal` validation, the rest training. Each part sorted. */
export function splitFiles(files: readonly string[], seed: number, nTest: number, nVal: number): FileSplit {
  if (nTest + nVal >= files.length) throw new RangeError(`splitFiles: ${nTest} test + ${nVal} validation files leave none of ${files.length} for training`);
  const order = shuffled(files, mulberry32(seed));
  return {
    test: order.slice(0, nTest).sort(),
    val: order.slice(nTest, nTest + nVal).sort(),
    train: order.slice(nTest + nVal).sort(),
  };
}

/** The sentences of some files with normalised tags. */
export function loadSentences(files: readonly string[], dir?: string): TaggedSentence[] {
  return files.flatMap((f) => readTagged(corpusPath(f, dir)).map((s) => ({ words: s.words, tags: s.tags.map(normalizeTag) })));
}

export interface Prepared {
  split: FileSplit;
  vocab: Vocabularies;
  train: EncodedSentence[];
  val: EncodedSentence[];
  test: EncodedSentence[];
}

export interface PrepareOptions {
  seed: number;
  testFiles: number;
  valFiles: number;
  minCount: number;
  dir?: string;
}

export function prepare(o: PrepareOptions): Prepared {
  const split = splitFiles(corpusFiles(o.dir), o.seed, o.testFiles, o.valFiles);
  const train = loadSentences(split.train, o.dir);
  const vocab = buildVocabularies(train, o.minCount);
  const ids = tagIndex(vocab.tags);
  const encode = (files: string[]) => loadSentences(files, o.dir).map((s) => encodeSentence(s, vocab, ids));
  return { split, vocab, train: train.map((s) => encodeSentence(s, vocab, ids)), val: encode(split.val), test: encode(split.test) };
}
