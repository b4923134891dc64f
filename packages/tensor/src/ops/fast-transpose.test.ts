/** Permutations through the heap transpose: the same values as tfjs's Transpose, bit for bit. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randn, tensor } from '../index.js';
import { permuteAsTranspose, transpose2d, transposeLast2, transposeReversed } from './fast-transpose.js';

describe('permuteAsTranspose (WASM)', () => {
  it.each([
    [[5, 7], [1, 0], true],
    [[33, 17], [1, 0], true],
    [[2, 3, 4, 5], [0, 2, 3, 1], true], // NCHW → NHWC
    [[2, 4, 5, 3], [0, 3, 1, 2], true], // NHWC → NCHW
    [[3, 1, 4], [2, 1, 0], true], // a size-1 axis drops out
    [[4, 1, 6], [0, 2, 1], true], // only a size-1 axis moves: a reshape
    [[2, 3, 4], [1, 0, 2], false], // not a (batched) matrix transpose
    [[2, 3, 4, 5], [3, 2, 1, 0], false],
  ] as const)('shape %j, perm %j (fast: %s)', (shape, perm, fast) => {
    const x = randn([...shape])._data;
    const got = permuteAsTranspose(x, perm);
    expect(got !== null).toBe(fast);
    if (got) {
      expect(got.shape).toEqual(perm.map((a) => shape[a]));
      expect([...got.dataSync()]).toEqual([...tf.transpose(x, [...perm]).dataSync()]);
    }
  });

  it('moves every element for sizes around the 4×4 blocks and the tiles, batched and with the rows reversed too', () => {
    const sizes = [1, 3, 4, 5, 8, 15, 16, 17, 33];
    for (const r of sizes) {
      for (const c of sizes) {
        const x = randn([2, r, c])._data;
        expect([...transposeLast2(x).dataSync()], `[2, ${r}, ${c}]`).toEqual([...tf.transpose(x, [0, 2, 1]).dataSync()]);
        const m = randn([r, c])._data;
        expect([...transpose2d(m).dataSync()], `[${r}, ${c}]`).toEqual([...tf.transpose(m).dataSync()]);
        expect([...transposeReversed(m)!.dataSync()], `reversed [${r}, ${c}]`).toEqual([...tf.reverse(tf.transpose(m), 0).dataSync()]);
      }
    }
  });

  it('materialises permuted views with it (x.t().contiguous(), permute)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.t().contiguous().tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).permute([0, 2, 1]).contiguous().tolist()).toEqual([[[1, 3], [2, 4]], [[5, 7], [6, 8]]]);
  });

  it("gives empty results without a kernel (tfjs-wasm's Transpose divides by zero on them)", () => {
    expect(transpose2d(tf.zeros([0, 3])).shape).toEqual([3, 0]);
    expect(transposeLast2(tf.zeros([2, 0, 3])).shape).toEqual([2, 3, 0]);
    expect(transposeLast2(tf.zeros([0, 4, 3], 'int32')).dtype).toBe('int32');
  });

  it('leaves int32 to tfjs', () => {
    expect(transpose2d(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32')).arraySync()).toEqual([[1, 3], [2, 4]]);
  });
});
