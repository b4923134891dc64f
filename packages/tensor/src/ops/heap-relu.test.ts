/** ReLU and its gradient through the heap kernels: PyTorch's values at the edges (NaN, ±0, ±inf), the ops' bits elsewhere. */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { _reluBackward as reluBackward, manualSeed, randn, relu, setBackend, tensor, where, Tensor } from '../index.js';

const bits = (t: Tensor) => [...new Uint32Array(new Float32Array(t.contiguous().flatten().tolist() as number[]).buffer)];
const edges = [NaN, -0, 0, -1, 2, Infinity, -Infinity, 1e-45, -1e-45];

describe('relu on the heap (WASM)', () => {
  afterEach(async () => setBackend('wasm'));

  it("gives PyTorch's torch.relu at the edges: NaN and -0 stay", () => {
    // torch.relu(torch.tensor([nan, -0., 0., -1., 2., inf, -inf, 1e-45, -1e-45])): nan -0. 0. 0. 2. inf 0. 1e-45 0.
    expect((relu(tensor(edges)).tolist() as number[]).map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['NaN', '-0', '0', '0', '2', 'Infinity', '0', String(Math.fround(1e-45)), '0']);
  });

  it("passes the gradient where the output is NaN, as PyTorch's threshold_backward", () => {
    const y = relu(tensor(edges));
    const g = tensor(edges.map((_, i) => i + 1));
    // torch: x.grad of relu at those points with a gradient of i + 1: NaN passes, -0, 0 and negatives get 0.
    expect(reluBackward(g, y)!.tolist()).toEqual([1, 0, 0, 0, 5, 6, 0, 8, 0]);
    expect(where(y.le(0), 0, g).tolist()).toEqual([1, 0, 0, 0, 5, 6, 0, 8, 0]);
  });

  it.each([
    ['lanes only', [4, 64]],
    ['a scalar tail', [3, 7]],
    ['the tail only', [3]],
  ] as const)('%s: the bits of tfjs Relu and of where(y <= 0, 0, g) for finite inputs', (_name, shape) => {
    manualSeed(2);
    const x = randn([...shape]);
    const y = relu(x);
    expect(bits(y)).toEqual(bits(new Tensor(tf.relu(x._data))));
    const g = randn([...shape]);
    expect(bits(reluBackward(g, y)!)).toEqual(bits(where(y.le(0), 0, g)));
  });

  it('declines off WASM, for other dtypes and for shapes that differ', async () => {
    expect(reluBackward(randn([2, 3]), randn([3]))).toBeNull();
    expect(reluBackward(tensor([1, 2], { dtype: 'int32' }), tensor([1, 2], { dtype: 'int32' }))).toBeNull();
    expect(relu(tensor([-1, 2], { dtype: 'int32' })).tolist()).toEqual([0, 2]);
    await setBackend('cpu');
    expect(reluBackward(randn([2]), randn([2]))).toBeNull();
    expect(relu(tensor([-1, 2])).tolist()).toEqual([0, 2]);
  });
});
