/** Sums over an outer axis through the heap kernel: the bits of tfjs's Sum (transpose, then a sequential sum). */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { manualSeed, randn, setBackend, sum, Tensor } from '../index.js';

const bits = (t: Tensor | tf.Tensor) => [...new Uint32Array(new Float32Array(t instanceof Tensor ? (t.contiguous().flatten().tolist() as number[]) : [...t.dataSync()]).buffer)];

describe('sum over an outer axis (WASM heap)', () => {
  afterEach(async () => setBackend('wasm'));

  // Several dims: the innermost run is summed first (no transpose), then the outer one; the
  // expected bits are tfjs's Sum in that order.
  it.each([
    ['[2048, 1024] over 0 (a bias gradient)', [2048, 1024], [0], (x: tf.Tensor) => tf.sum(x, 0)],
    ['[7, 5] over 0 (a scalar tail)', [7, 5], [0], (x: tf.Tensor) => tf.sum(x, 0)],
    ['[3, 9, 6] over 1', [3, 9, 6], [1], (x: tf.Tensor) => tf.sum(x, 1)],
    ['[1, 6] over 0', [1, 6], [0], (x: tf.Tensor) => tf.sum(x, 0)],
    ['[4, 3, 5, 2] over [0, 3]', [4, 3, 5, 2], [0, 3], (x: tf.Tensor) => tf.sum(tf.sum(tf.reshape(x, [4, 15, 2]), 2), 0)],
    ['[16, 64, 8, 8] over [0, 2, 3] (batch norm)', [16, 64, 8, 8], [0, 2, 3], (x: tf.Tensor) => tf.sum(tf.sum(tf.reshape(x, [16, 64, 64]), 2), 0)],
  ] as const)('%s: the bits of tfjs', (_name, shape, dims, want) => {
    manualSeed(8);
    const x = randn([...shape]);
    expect(bits(sum(x, [...dims]))).toEqual(bits(want(x._data)));
    expect(sum(x, [...dims], true).shape).toEqual(shape.map((d, i) => ((dims as readonly number[]).includes(i) ? 1 : d)));
  });

  it('keeps PyTorch values for int32 and on the cpu backend', async () => {
    expect(sum(randn([3, 4]).gt(0), 0).dtype).toBe('int32');
    manualSeed(2);
    const wasm = sum(randn([5, 3, 4]), 1).tolist();
    await setBackend('cpu');
    manualSeed(2);
    const cpu = sum(randn([5, 3, 4]), 1).tolist() as number[][];
    (wasm as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(cpu[i]![j]!, 5)));
  });
});
