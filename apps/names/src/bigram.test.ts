import { describe, expect, it } from 'vitest';
import { bigramCounts, bigramLoss } from './bigram.js';
import { Vocab } from './vocab.js';

describe('bigram baseline', () => {
  // Characters . a b (V = 3); training names "ab" and "a": pairs .a a b b. | .a a.
  const vocab = Vocab.fromNames(['ab', 'a']);

  it('counts the pairs with a boundary before and after each name', () => {
    const c = Array.from(bigramCounts(['ab', 'a'], vocab));
    // rows: from . / a / b; columns: to . / a / b
    expect(c).toEqual([0, 2, 0, /* a */ 1, 0, 1, /* b */ 1, 0, 0]);
  });

  it('averages the add-one smoothed NLL over every predicted character, the end included', () => {
    // Smoothed rows: from '.': (1, 3, 1)/5; from 'a': (2, 1, 2)/5; from 'b': (2, 1, 1)/4.
    // Test name "ba": . → b (1/5), b → a (1/4), a → . (2/5): three predictions.
    const expected = -(Math.log(1 / 5) + Math.log(1 / 4) + Math.log(2 / 5)) / 3;
    expect(bigramLoss(['ab', 'a'], ['ba'], vocab)).toBeCloseTo(expected, 12);
    // Two test names average over all 3 + 2 predictions, not per name: "a" adds . → a (3/5), a → . (2/5).
    const both = -(Math.log(1 / 5) + Math.log(1 / 4) + Math.log(2 / 5) + Math.log(3 / 5) + Math.log(2 / 5)) / 5;
    expect(bigramLoss(['ab', 'a'], ['ba', 'a'], vocab)).toBeCloseTo(both, 12);
  });

  it('takes the smoothing constant', () => {
    // alpha = 0.5: from '.': (0.5, 2.5, 0.5)/3.5, so "a" → . → a then a → . = (1.5)/(2 + 1.5)
    const expected = -(Math.log(2.5 / 3.5) + Math.log(1.5 / 3.5)) / 2;
    expect(bigramLoss(['ab', 'a'], ['a'], vocab, 0.5)).toBeCloseTo(expected, 12);
  });
});
