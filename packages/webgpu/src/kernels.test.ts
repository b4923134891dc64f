/** The kernels Flint replaces on webgpu (kernels.ts), against the values WASM gives. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import '@flint/autograd';
import * as T from '@flint/tensor';
import { describeGpu, useWebGPU } from './test-utils/gpu.js';

/** `make()` on WASM, then on webgpu (fresh tensors, so that each op runs as a GPU kernel): the same values. */
async function sameOnBoth(what: string, make: () => T.Tensor): Promise<void> {
  await T.setBackend('wasm');
  const expected = make().tolist();
  await useWebGPU();
  expect(await make().tolistAsync(), what).toEqual(expected);
}

describeGpu('kernels Flint replaces on webgpu', () => {
  beforeAll(useWebGPU);
  afterAll(() => T.setBackend('wasm'));

  it('transposes of int32 and bool tensors of every rank copy each element exactly (tfjs-webgpu: zeros, or ints rounded through f32)', async () => {
    for (const shape of [[2, 3], [2, 3, 4], [2, 1, 3, 2], [2, 2, 1, 3, 2], [1, 2, 2, 1, 3, 2]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => 16_777_217 + 7 * i - (i % 3) * 40_000_000);
      const perm = shape.map((_, i) => i).reverse();
      if (shape.length > 2) [perm[0], perm[1]] = [perm[1]!, perm[0]!];
      await sameOnBoth(`int32 ${shape}`, () => T.tensor(values, { dtype: 'int32' }).reshape(shape).permute(perm).contiguous());
      await sameOnBoth(`bool ${shape}`, () => T.tensor(values.map((v) => v % 2 === 0)).reshape(shape).permute(perm).contiguous());
    }
  });

  it("the transposes inside tfjs-webgpu's kernels too: reductions over a non-last dim of ints, bools, and floats cast from them", async () => {
    const bits = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1];
    await sameOnBoth('bool → float32, sum(1)', () => T.tensor(bits.map(Boolean)).reshape([2, 3, 2]).float().sum(1));
    await sameOnBoth('int32 sum(1)', () => T.tensor(bits.map((b, i) => b * i), { dtype: 'int32' }).reshape([2, 3, 2]).sum(1));
    await sameOnBoth('int32 argmax(0)', () => T.tensor(bits.map((b, i) => b * i), { dtype: 'int32' }).reshape([2, 3, 2]).argmax(0));
    // amax's backward over a non-last dim: a bool mask cast to float32, summed over dim -2.
    await sameOnBoth('amax(-2) backward', () => {
      const x = T.tensor([[[1], [7], [2]], [[3], [5], [9]]]).requiresGrad_();
      x.amax(-2).mul(T.tensor([[2], [3]])).sum().backward();
      return x.grad!;
    });
  });
});
