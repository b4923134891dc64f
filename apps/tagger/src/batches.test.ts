import { describe, expect, it } from 'vitest';
import { batchIndices, IGNORE_INDEX, makeBatch } from './batches.js';
import { mulberry32, splitFiles } from './split.js';

const sentence = (n: number, base: number) => ({
  words: Array.from({ length: n }, (_, i) => base + i),
  suffixes: Array.from({ length: n }, () => 7),
  shapes: Array.from({ length: n }, () => 5),
  tags: Array.from({ length: n }, (_, i) => i),
});

describe('batches', () => {
  it('pads [T, B] with 0 in the inputs and the ignore index in the targets', () => {
    const b = makeBatch([sentence(3, 10), sentence(1, 20)]);
    expect(b.words.shape).toEqual([3, 2]);
    expect(b.words.dtype).toBe('int32');
    expect(b.words.tolist()).toEqual([[10, 20], [11, 0], [12, 0]]);
    expect(b.shapes.tolist()).toEqual([[5, 5], [5, 0], [5, 0]]);
    expect(b.tags.tolist()).toEqual([[0, 0], [1, IGNORE_INDEX], [2, IGNORE_INDEX]]);
    expect(b.tokens).toBe(4);
  });

  it('groups every sentence exactly once, by length when evaluating', () => {
    const lengths = [5, 1, 3, 9, 2, 2, 7];
    expect(batchIndices(lengths, 3)).toEqual([[1, 4, 5], [2, 0, 6], [3]]);
    const shuffledBatches = batchIndices(lengths, 2, mulberry32(1), 2);
    expect(shuffledBatches.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(shuffledBatches.every((b) => b.length <= 2)).toBe(true);
    expect(batchIndices(lengths, 2, mulberry32(1), 2)).toEqual(shuffledBatches); // seeded
  });

  it('splits files by seed into disjoint sorted parts', () => {
    const files = Array.from({ length: 20 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const s = splitFiles(files, 0, 4, 2);
    expect([s.test.length, s.val.length, s.train.length]).toEqual([4, 2, 14]);
    expect(new Set([...s.test, ...s.val, ...s.train]).size).toBe(20);
    expect(s.train).toEqual([...s.train].sort());
    expect(splitFiles(files, 0, 4, 2)).toEqual(s);
    expect(splitFiles(files, 1, 4, 2).test).not.toEqual(s.test);
  });
});
