import { describe, expect, it } from 'vitest';
import { buildVocabularies, encodeSentence, PAD, shapeOf, tagIndex, UNK, wordForm } from './vocab.js';

const train = [
  { words: ['The', 'cat', 'sat', '.'], tags: ['at', 'nn', 'vbd', '.'] },
  { words: ['the', 'Cat', 'ran', 'in', '1961', '.'], tags: ['at', 'nn', 'vbd', 'in', 'cd', '.'] },
];

describe('vocabularies', () => {
  it('keeps lower-cased words seen at least minCount times, after <pad> and <unk>', () => {
    const v = buildVocabularies(train, 2);
    expect(v.words.itos).toEqual(['<pad>', '<unk>', 'the', 'cat', '.']);
    expect(v.words.id('sat')).toBe(UNK);
    expect(v.words.id('the')).toBe(2);
    expect(buildVocabularies(train, 1).words.has('0000')).toBe(true); // digits become 0
  });

  it('lists the training tags in order of appearance, then <unk-tag>', () => {
    const v = buildVocabularies(train, 2);
    expect(v.tags).toEqual(['at', 'nn', 'vbd', '.', 'in', 'cd', '<unk-tag>']);
  });

  it('encodes unknown words as UNK, their suffix and shape still known', () => {
    const v = buildVocabularies(train, 2);
    const e = encodeSentence({ words: ['The', 'Hat', 'Sat', 'IBM', 'uh'], tags: ['at', 'nn', 'vbd', 'np', 'uh'] }, v, tagIndex(v.tags));
    expect(e.words).toEqual([2, UNK, UNK, UNK, UNK]);
    expect(e.suffixes[0]).toBe(v.suffixes.id('the'));
    expect(e.suffixes[4]).toBe(UNK);
    expect(e.shapes).toEqual([4, 4, 4, 3, 5]);
    expect(e.tags).toEqual([0, 1, 2, 6, 6]); // np and uh never seen in training
    expect(e.words).not.toContain(PAD);
  });

  it('classifies shapes and word forms', () => {
    expect([',', '1961', 'IBM', "O'Brien", 'cat', "'em"].map(shapeOf)).toEqual([1, 2, 3, 4, 5, 5]);
    expect(wordForm('Jan.-1961')).toBe('jan.-0000');
  });
});
