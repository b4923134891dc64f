/**
 * The tagger's vocabularies, built from the training files only, and the per-token features.
 *
 * Every token gets three ids:
 * - **word**: the lower-cased word with every digit turned into `0`, if it occurs at least
 *   `minCount` times in the training files, else `UNK`;
 * - **suffix**: the last `SUFFIX_LENGTH` characters of that form (the whole form if shorter), with
 *   the same min count, else `UNK`;
 * - **shape**: the word's capitalisation class (see `shapeOf`), a fixed set.
 * Id 0 is padding (`PAD`) in all three, id 1 is `UNK` in the word and suffix tables.
 * Tags get ids 0… in order of first appearance in the training files; a tag seen only in the
 * held-out files maps to `UNK_TAG` (the last id), which the model is never trained on, so such a
 * token always counts as an error.
 */
export const PAD = 0;
export const UNK = 1;
export const SUFFIX_LENGTH = 3;

/** Shape classes: 0 padding, then `punct` (no letters or digits), `digit`, `upper`, `title`, `lower`. */
export const SHAPES = ['<pad>', 'punct', 'digit', 'upper', 'title', 'lower'] as const;

/** The word's form in the vocabulary: lower-cased, digits as `0`. */
export function wordForm(word: string): string {
  return word.toLowerCase().replace(/[0-9]/g, '0');
}

export function suffixOf(form: string): string {
  return form.slice(-SUFFIX_LENGTH);
}

/** The capitalisation class id of a word (an index into `SHAPES`). */
export function shapeOf(word: string): number {
  if (/[0-9]/.test(word)) return 2;
  const hasLower = /[a-z]/.test(word);
  const hasUpper = /[A-Z]/.test(word);
  if (!hasLower && !hasUpper) return 1;
  if (hasUpper && !hasLower) return 3;
  if (/^[^a-zA-Z]*[A-Z]/.test(word)) return 4;
  return 5;
}

/** A string → id table with `<pad>` = 0 and `<unk>` = 1 in front. */
export class Vocab {
  readonly itos: string[] = ['<pad>', '<unk>'];
  private readonly stoi = new Map<string, number>();

  /** The strings counted at least `minCount` times, most frequent first (ties by first appearance). */
  static fromCounts(counts: Map<string, number>, minCount: number): Vocab {
    const v = new Vocab();
    const kept = [...counts.entries()].filter(([, n]) => n >= minCount);
    kept.sort((a, b) => b[1] - a[1]); // stable: ties keep first-appearance order
    for (const [s] of kept) v.add(s);
    return v;
  }

  private add(s: string): void {
    this.stoi.set(s, this.itos.length);
    this.itos.push(s);
  }

  get size(): number {
    return this.itos.length;
  }

  id(s: string): number {
    return this.stoi.get(s) ?? UNK;
  }

  has(s: string): boolean {
    return this.stoi.has(s);
  }
}

/** A sentence as ids: one entry per token in each array. */
export interface EncodedSentence {
  words: number[];
  suffixes: number[];
  shapes: number[];
  tags: number[];
}

export interface Vocabularies {
  words: Vocab;
  suffixes: Vocab;
  /** Tag names by id; the last one is `<unk-tag>`. */
  tags: string[];
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The word and suffix vocabularies and the tag set of the (already tag-normalised) training sentences. */
export function buildVocabularies(train: readonly { words: string[]; tags: string[] }[], minCount: number): Vocabularies {
  const words = new Map<string, number>();
  const suffixes = new Map<string, number>();
  const tags: string[] = [];
  const seenTags = new Set<string>();
  for (const s of train) {
    for (const w of s.words) {
      const form = wordForm(w);
      count(words, form);
      count(suffixes, suffixOf(form));
    }
    for (const t of s.tags) {
      if (!seenTags.has(t)) {
        seenTags.add(t);
        tags.push(t);
      }
    }
  }
  tags.push('<unk-tag>');
  return { words: Vocab.fromCounts(words, minCount), suffixes: Vocab.fromCounts(suffixes, minCount), tags };
}

export function encodeSentence(s: { words: string[]; tags: string[] }, v: Vocabularies, tagIds: Map<string, number>): EncodedSentence {
  const unkTag = v.tags.length - 1;
  return {
    words: s.words.map((w) => v.words.id(wordForm(w))),
    suffixes: s.words.map((w) => v.suffixes.id(suffixOf(wordForm(w)))),
    shapes: s.words.map(shapeOf),
    tags: s.tags.map((t) => tagIds.get(t) ?? unkTag),
  };
}

export function tagIndex(tags: readonly string[]): Map<string, number> {
  return new Map(tags.map((t, i) => [t, i]));
}
