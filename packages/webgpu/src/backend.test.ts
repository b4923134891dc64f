/** `setBackend('webgpu')`, reading back, and the errors of synchronous reads. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@flint/autograd';
import { F } from '@flint/nn';
import * as T from '@flint/tensor';
import { BatchNorm2d } from '@flint/vision';
import { describeGpu, gpu, useWebGPU } from './test-utils/gpu.js';
import { createWebGPUBackend } from './backend.js';

it('setBackend names what to import for an unregistered backend, and keeps the backend', async () => {
  const before = T.getBackend();
  await expect(T.setBackend('nope')).rejects.toThrow(/no backend 'nope' is registered; the backend stays/);
  expect(T.getBackend()).toBe(before);
});

it('the backend factory says why when there is no adapter', async () => {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  const saved = nav?.gpu;
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: { requestAdapter: async () => null } }, configurable: true });
  try {
    await expect(createWebGPUBackend()).rejects.toThrow(/no WebGPU adapter: navigator\.gpu\.requestAdapter\(\) found no adapter/);
  } finally {
    Object.defineProperty(globalThis, 'navigator', { value: nav === undefined ? undefined : { ...nav, gpu: saved }, configurable: true });
  }
});

describeGpu('on webgpu', () => {
  beforeAll(useWebGPU);
  afterAll(() => T.setBackend('wasm'));

  it('switches, and ops run there', async () => {
    expect(T.getBackend()).toBe('webgpu');
    const a = T.tensor([[1, 2], [3, 4]]);
    const b = a.mm(a).add(1);
    expect(await b.tolistAsync()).toEqual([[8, 11], [16, 23]]);
    expect(await b.sum().itemAsync()).toBe(58);
    expect(Array.from(await b.data())).toEqual([8, 11, 16, 23]);
    expect(await T.tensor([true, false]).tolistAsync()).toEqual([true, false]);
  });

  it('a tensor freed or written while its read is under way: the read ends with the values, the memory is freed after', async () => {
    // What the finalizer of a dropped tensor, or a sweep, may do while a read is in flight.
    const src = T.tensor([1, 2, 3]);
    const before = T.memory().numTensors;
    const a = src.mul(2);
    const column = a.reshape([3, 1]);
    const view = column.expand([3, 2]);
    const reads = [a.data(), view.tolistAsync()];
    for (const t of [view, column, a]) t.dispose();
    expect(Array.from(await reads[0]! as Float32Array)).toEqual([2, 4, 6]);
    expect(await reads[1]).toEqual([[2, 2], [4, 4], [6, 6]]);
    await new Promise((r) => setTimeout(r, 0));
    expect(T.memory().numTensors).toBe(before);
    const b = T.tensor([1, 2]).mul(3);
    const read = b.data();
    b.add_(1);
    expect(Array.from(await read)).toEqual([3, 6]);
    expect(await b.tolistAsync()).toEqual([4, 7]);
  });

  it("BatchNorm2d's cumulative average (momentum null) trains without reading GPU memory synchronously", async () => {
    const bn = new BatchNorm2d(2, { momentum: null });
    const batches = [0, 1, 2].map((k) => T.randn([4, 2, 3, 3]).mul(k + 1).add(k));
    for (const x of batches) bn(x.mul(1));
    const expected = T.stack(batches.map((x) => x.mean([0, 2, 3]))).mean(0);
    expect(await bn.num_batches_tracked!.itemAsync()).toBe(3);
    const [got, want] = [await bn.running_mean!.data(), await expected.data()];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('synchronous reads of GPU memory throw an error naming the asynchronous form', async () => {
    const x = T.tensor([1, 2, 3]).mul(2);
    expect(() => x.sum().item()).toThrow(/^item: the 'webgpu' backend cannot read GPU memory synchronously; use `await t\.itemAsync\(\)`/);
    expect(() => x.tolist()).toThrow(/^tolist: .*`await t\.tolistAsync\(\)`/);
    expect(() => x.dataSync()).toThrow(/^dataSync: .*`await t\.data\(\)`/);
    expect(String(x)).toBe('tensor(<on webgpu: read with await t.data()>, shape=[3], dtype=torch.float32)');
    // Once read, the values are on the CPU too: synchronous reads work until the next write.
    await x.data();
    expect(x.tolist()).toEqual([2, 4, 6]);
    expect(String(x)).toBe('tensor([2., 4., 6.])');
    x.add_(1);
    expect(() => x.tolist()).toThrow(/tolistAsync/);
    expect(await x.tolistAsync()).toEqual([3, 5, 7]);
  });

  it('ops whose output shape depends on values need them on the CPU: a clear error, or await t.data() first', async () => {
    const x = T.tensor([0, 3, 0, 5]).mul(1);
    expect(() => T.nonzero(x)).toThrow(/^nonzero\(\): the 'webgpu' backend cannot read GPU memory synchronously; it needs its input's values on the CPU: `await t\.data\(\)` on the input first/);
    expect(() => T.unique(x)).toThrow(/^unique\(\): .*`await t\.data\(\)`/);
    const mask = x.gt(1);
    expect(() => T.maskedSelect(x, mask)).toThrow(/^masked_select\(\): .*its mask's values on the CPU/);
    expect(() => x.index(mask)).toThrow(/`await t\.data\(\)`/);
    const probs = T.tensor([0, 1, 0, 3]).mul(1);
    expect(() => T.multinomial(probs, 2, true)).toThrow(/^multinomial\(\): .*`await t\.data\(\)`/);
    await x.data();
    await mask.data();
    await probs.data();
    expect(await x.index(mask).tolistAsync()).toEqual([3, 5]);
    expect((await T.multinomial(probs, 8, true).tolistAsync()).every((i) => i === 1 || i === 3)).toBe(true);
    expect(await T.nonzero(x).tolistAsync()).toEqual([[1], [3]]);
    expect(await (T.unique(x) as T.Tensor).tolistAsync()).toEqual([0, 3, 5]);
    expect(await T.maskedSelect(x, mask).tolistAsync()).toEqual([3, 5]);
    // A mask that broadcasts: read as it is, broadcast on the host.
    const row = T.tensor([[true], [false]]).logicalNot().logicalNot();
    expect(() => T.maskedSelect(x, row)).toThrow(/its mask's values on the CPU/);
    await row.data();
    expect(await T.maskedSelect(x, row).tolistAsync()).toEqual([0, 3, 0, 5]);
    // F.oneHot: numClasses inferred takes the greatest index, so it needs the values; given, the range check is skipped.
    const idx = T.tensor([2, 0, 1], { dtype: 'int32' }).add(1);
    expect(await F.oneHot(idx, 4).tolistAsync()).toEqual([[0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]);
    expect(() => F.oneHot(idx)).toThrow(/^oneHot: numClasses = -1 .* on the CPU on the 'webgpu' backend: `await t\.data\(\)` on the input first, or pass numClasses/);
    await idx.data();
    expect(await F.oneHot(idx).tolistAsync()).toEqual([[0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]);
    expect(() => F.oneHot(idx, 3)).toThrow(/smaller than num_classes/);
  });

  it('pow with a number exponent backpropagates without reading the exponent back', async () => {
    const x = T.tensor([1, -2, 3]).requiresGrad_();
    x.pow(3).sum().backward();
    expect(await x.grad!.tolistAsync()).toEqual([3, 12, 27]);
    const y = T.tensor([4, 9]).requiresGrad_();
    y.pow(T.tensor(0.5)).sum().backward();
    expect(Array.from(await y.grad!.data()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.25, 0.166667]);
  });

  it('in-place writes into views, offloads and a switch back to wasm keep the values', async () => {
    const x = T.zeros([2, 3]).add(1);
    x.index(0).narrow(0, 1, 2).copy_(T.tensor([5, 6]).mul(1));
    x.setIndex([T.tensor([1], { dtype: 'int32' }), 0], 9);
    x.indexPut_([T.tensor([1, 1], { dtype: 'int32' }), T.tensor([2, 2], { dtype: 'int32' })], T.tensor([1, 2]), { accumulate: true });
    expect(await x.tolistAsync()).toEqual([[1, 5, 6], [9, 1, 4]]);
    const kept = x.mul(2);
    await T.setBackend('wasm');
    expect(kept.tolist()).toEqual([[2, 10, 12], [18, 2, 8]]);
    await useWebGPU();
    expect(await kept.add(1).tolistAsync()).toEqual([[3, 11, 13], [19, 3, 9]]);
  });
});

if (!gpu.ok) it.skip(`webgpu: ${gpu.reason}`, () => {});

