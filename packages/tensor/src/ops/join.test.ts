import { describe, expect, it } from 'vitest';
import { getBackend, memory } from '../backend.js';
import { arange, tensor, zeros } from '../creation.js';
import { log, recorded, recordOps } from '../test-utils/recorder.js';
import { cat, chunk, split, stack, unbind } from './join.js';

// Expected values are what PyTorch returns for the same calls.

recordOps();

const f = (data: Parameters<typeof tensor>[0]) => tensor(data);
const i32 = (data: Parameters<typeof tensor>[0]) => tensor(data, { dtype: 'int32' });

describe('backend', () => {
  it('runs on wasm', () => {
    expect(getBackend()).toBe('wasm');
  });
});

describe('cat', () => {
  const a = f([[1, 2], [3, 4]]);
  const b = f([[5, 6, 7], [8, 9, 10]]);

  it('joins along dim 0, 1 and -1', () => {
    expect(cat([a, f([[5, 6]])]).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([a, b], 1).tolist()).toEqual([[1, 2, 5, 6, 7], [3, 4, 8, 9, 10]]);
    expect(cat([a, b], -1).shape).toEqual([2, 5]);
    expect(cat([a]).tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it('promotes dtypes', () => {
    const r = cat([i32([1, 2]), f([0.5])]);
    expect(r.dtype).toBe('float32');
    expect(r.tolist()).toEqual([1, 2, 0.5]);
    const bi = cat([tensor([true, false]), i32([7])]);
    expect(bi.dtype).toBe('int32');
    expect(bi.tolist()).toEqual([1, 0, 7]);
    const bb = cat([tensor([true]), tensor([false, true])]);
    expect(bb.dtype).toBe('bool');
    expect(bb.tolist()).toEqual([true, false, true]);
  });

  it('handles empty tensors, skipping 1-D [0] ones as PyTorch does', () => {
    expect(cat([zeros([0]), a], 1).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(cat([zeros([2, 0]), a], 1).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(cat([zeros([0]), zeros([0])]).shape).toEqual([0]);
    expect(cat([zeros([0, 2]), zeros([0, 2])]).shape).toEqual([0, 2]);
  });

  it("throws PyTorch's errors", () => {
    expect(() => cat([])).toThrow('cat: expected a non-empty list of Tensors');
    expect(() => cat([zeros([2, 2]), zeros([3, 3])], 1)).toThrow(
      'Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.',
    );
    expect(() => cat([a, zeros([2])])).toThrow('Tensors must have same number of dimensions: got 2 and 1');
    expect(() => cat([a, tensor(1)])).toThrow('zero-dimensional tensor (at position 1) cannot be concatenated');
    expect(() => cat([a, a], 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });

  it("records 'cat' with the normalised dim", () => {
    const x = f([[1, 2]]).requiresGrad_();
    const y = f([[3]]);
    log.length = 0;
    const r = cat([x, y], -1);
    expect(log).toHaveLength(1);
    expect(log[0]!.op).toBe('cat');
    expect(log[0]!.attrs).toEqual({ dim: 1 });
    expect(log[0]!.inputs).toHaveLength(2);
    expect(log[0]!.inputs[0]).toBe(x);
    expect(log[0]!.inputs[1]).toBe(y);
    expect(log[0]!.outputs[0]).toBe(r);
  });

  it('frees its temporaries', () => {
    const x = i32([1, 2]);
    const y = f([3]);
    const before = memory().numTensors;
    const r = cat([x, y]);
    expect(memory().numTensors).toBe(before + 1);
    r.dispose();
  });
});

describe('stack', () => {
  const a = f([[1, 2, 3], [4, 5, 6]]);
  const b = f([[7, 8, 9], [10, 11, 12]]);

  it('stacks along a new dim', () => {
    expect(stack([a, b]).shape).toEqual([2, 2, 3]);
    expect(stack([a, b]).tolist()).toEqual([a.tolist(), b.tolist()]);
    expect(stack([a, b], 1).tolist()).toEqual([
      [[1, 2, 3], [7, 8, 9]],
      [[4, 5, 6], [10, 11, 12]],
    ]);
    expect(stack([a, b], -1).tolist()).toEqual([
      [[1, 7], [2, 8], [3, 9]],
      [[4, 10], [5, 11], [6, 12]],
    ]);
    expect(stack([tensor(1), tensor(2)]).tolist()).toEqual([1, 2]);
    expect(stack([zeros([0]), zeros([0])], 1).shape).toEqual([0, 2]);
  });

  it('promotes dtypes and keeps bool', () => {
    const r = stack([i32([1, 2]), f([0.5, 1])]);
    expect(r.dtype).toBe('float32');
    expect(r.tolist()).toEqual([[1, 2], [0.5, 1]]);
    const bb = stack([tensor([true, false]), tensor([false, false])], 1);
    expect(bb.dtype).toBe('bool');
    expect(bb.tolist()).toEqual([[true, false], [false, false]]);
  });

  it("throws PyTorch's errors", () => {
    expect(() => stack([])).toThrow('stack expects a non-empty TensorList');
    expect(() => stack([zeros([2, 3]), zeros([2, 4])])).toThrow(
      'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1',
    );
    expect(() => stack([a, b], 3)).toThrow('Dimension out of range (expected to be in range of [-3, 2], but got 3)');
  });

  it("records 'stack' with the normalised dim", () => {
    const x = f([[1, 2]]).requiresGrad_();
    expect(recorded(() => stack([x, x], -1))).toEqual([{ op: 'stack', attrs: { dim: 2 } }]);
  });
});

describe('split', () => {
  const x = arange(5);
  const m = i32([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);

  it('splits into pieces of a size (the last smaller)', () => {
    expect(split(x, 2).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(x, 5).map((t) => t.tolist())).toEqual([[0, 1, 2, 3, 4]]);
    expect(split(x, 7).map((t) => t.tolist())).toEqual([[0, 1, 2, 3, 4]]);
    expect(split(m, 3, 1).map((t) => t.tolist())).toEqual([[[0, 1, 2], [5, 6, 7]], [[3, 4], [8, 9]]]);
    expect(split(m, 1, -2).map((t) => t.tolist())).toEqual([[[0, 1, 2, 3, 4]], [[5, 6, 7, 8, 9]]]);
    expect(split(m, 3, 1)[0]!.dtype).toBe('int32');
  });

  it('splits by a list of sizes', () => {
    expect(split(x, [1, 4]).map((t) => t.tolist())).toEqual([[0], [1, 2, 3, 4]]);
    expect(split(x, [0, 5, 0]).map((t) => t.shape)).toEqual([[0], [5], [0]]);
    expect(split(m, [2, 2, 1], -1).map((t) => t.shape)).toEqual([[2, 2], [2, 2], [2, 1]]);
  });

  it('handles empty tensors', () => {
    expect(split(zeros([0]), 2).map((t) => t.shape)).toEqual([[0]]);
    expect(split(zeros([0]), 0).map((t) => t.shape)).toEqual([[0]]);
  });

  it("throws PyTorch's errors", () => {
    expect(() => split(x, [1, 1])).toThrow(
      "split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
    );
    expect(() => split(x, [-1, 6])).toThrow('split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[-1, 6]');
    expect(() => split(x, -1)).toThrow('split expects split_size be non-negative, but got split_size=-1');
    expect(() => split(x, 0)).toThrow('split_size can only be 0 if dimension size is 0, but got dimension size of 5');
    expect(() => split(tensor(1), 1)).toThrow('split expects at least a 1-dimensional tensor');
    expect(() => split(m, 1, 2)).toThrow('Dimension out of range');
  });

  it("records one 'narrow' per piece", () => {
    const g = f([1, 2, 3, 4, 5]).requiresGrad_();
    expect(recorded(() => split(g, 2))).toEqual([
      { op: 'narrow', attrs: { dim: 0, start: 0, length: 2 } },
      { op: 'narrow', attrs: { dim: 0, start: 2, length: 2 } },
      { op: 'narrow', attrs: { dim: 0, start: 4, length: 1 } },
    ]);
  });
});

describe('chunk', () => {
  it('uses pieces of ceil(n / chunks), possibly fewer than chunks', () => {
    expect(chunk(arange(5), 3).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(arange(6), 4).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(chunk(arange(6), 3).map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(chunk(arange(2), 5).map((t) => t.tolist())).toEqual([[0], [1]]);
    expect(chunk(i32([[1, 2, 3], [4, 5, 6]]), 2, -1).map((t) => t.tolist())).toEqual([[[1, 2], [4, 5]], [[3], [6]]]);
  });

  it('returns `chunks` empty pieces of an empty dim', () => {
    expect(chunk(zeros([0]), 3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
  });

  it("throws PyTorch's errors", () => {
    expect(() => chunk(arange(3), 0)).toThrow('chunk expects `chunks` to be greater than 0, got: 0');
    expect(() => chunk(tensor(1), 1)).toThrow('chunk expects at least a 1-dimensional tensor');
  });
});

describe('unbind', () => {
  it('removes the dim', () => {
    const x = i32([[1, 2], [3, 4], [5, 6]]);
    expect(unbind(x).map((t) => t.tolist())).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(unbind(x, 1).map((t) => t.tolist())).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(unbind(x, -1)[0]!.dtype).toBe('int32');
    expect(unbind(tensor([true, false])).map((t) => [t.shape, t.tolist()])).toEqual([
      [[], true],
      [[], false],
    ]);
    expect(unbind(zeros([0, 2]))).toEqual([]);
  });

  it("throws PyTorch's errors and records 'select'", () => {
    expect(() => unbind(tensor(1))).toThrow('Dimension specified as 0 but tensor has no dimensions');
    const g = f([[1, 2]]).requiresGrad_();
    expect(recorded(() => unbind(g, 1))).toEqual([
      { op: 'select', attrs: { dim: 1, index: 0 } },
      { op: 'select', attrs: { dim: 1, index: 1 } },
    ]);
  });
});
