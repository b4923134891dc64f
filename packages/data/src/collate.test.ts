import { tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';

describe('defaultCollate', () => {
  it('stacks tensors and turns numbers into tensors', () => {
    const [x, y] = defaultCollate([
      [tensor([1, 2]), 3],
      [tensor([4, 5]), 6],
    ] as [ReturnType<typeof tensor>, number][]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.tolist()).toEqual([[1, 2], [4, 5]]);
    expect(y.dtype).toBe('int32');
    expect(y.tolist()).toEqual([3, 6]);
  });

  it('makes float32 from non-integers, bool from booleans, keeps strings', () => {
    expect(defaultCollate([0.5, 1]).dtype).toBe('float32');
    expect(defaultCollate([true, false]).tolist()).toEqual([true, false]);
    expect(defaultCollate(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('collates plain objects key by key', () => {
    const b = defaultCollate([{ img: tensor([1]), label: 1 }, { img: tensor([2]), label: 0 }]);
    expect(b.img.tolist()).toEqual([[1], [2]]);
    expect(b.label.tolist()).toEqual([1, 0]);
  });

  it('names the position of a mismatch', () => {
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/each element in list of batch should be of equal size/);
    expect(() => defaultCollate([1, 'a'] as unknown[])).toThrow("default_collate: batch[1] is string but batch[0] is number");
    expect(() => defaultCollate([tensor([1, 2]), tensor([1])])).toThrow(/stack expects each tensor to be equal size/);
    expect(() => defaultCollate([null])).toThrow(/found null/);
  });
});
