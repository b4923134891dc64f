import { describe, expect, it } from 'vitest';
import { Generator } from '@flint/tensor';
import { blockSizeFor, encodeNames, IGNORE_INDEX, splitNames, Vocab } from './vocab.js';

describe('Vocab and encodeNames', () => {
  const vocab = Vocab.fromNames(['emma', 'bo']);

  it("puts '.' first and the characters sorted after it", () => {
    expect(vocab.chars).toEqual(['.', 'a', 'b', 'e', 'm', 'o']);
    expect(vocab.encode('emma')).toEqual([3, 4, 4, 1]);
    expect(vocab.decode([2, 5])).toBe('bo');
    expect(() => vocab.id('z')).toThrow(/unknown character 'z'/);
    expect(() => Vocab.fromNames(['a.b'])).toThrow(/may not contain/);
  });

  it("shifts each name by one behind '.', ends it with '.' and pads the targets with IGNORE_INDEX", () => {
    const blockSize = blockSizeFor(['emma', 'bo']);
    expect(blockSize).toBe(5);
    const { x, y } = encodeNames(['emma', 'bo'], vocab, blockSize);
    const P = IGNORE_INDEX;
    expect(Array.from(x)).toEqual([0, 3, 4, 4, 1, /* bo */ 0, 2, 5, 0, 0]);
    expect(Array.from(y)).toEqual([3, 4, 4, 1, 0, /* bo */ 2, 5, 0, P, P]);
    expect(() => encodeNames(['emma'], vocab, 4)).toThrow(/needs a block of 5/);
  });

  it('splits by a seeded permutation into disjoint parts that cover every name', () => {
    const names = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const a = splitNames(names, 0.1, new Generator(3));
    const b = splitNames(names, 0.1, new Generator(3));
    expect(a).toEqual(b);
    expect(a.test.length).toBe(5);
    expect(a.train.length).toBe(45);
    expect(new Set([...a.train, ...a.test]).size).toBe(50);
    expect(splitNames(names, 0.1, new Generator(4)).test).not.toEqual(a.test);
  });
});
