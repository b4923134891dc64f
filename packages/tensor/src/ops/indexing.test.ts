import { describe, expect, it } from 'vitest';
import { getBackend, memory } from '../backend.js';
import { arange, tensor, zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { log, recorded, recordOps } from '../test-utils/recorder.js';
import { gather, index, indexAdd, indexSelect, maskedFill, narrow, scatterAdd, select } from './indexing.js';

// Expected values are what PyTorch returns for the same calls (hand-computed small cases).

recordOps();

type Data = Parameters<typeof tensor>[0];
const f = (data: Data) => tensor(data);
const i32 = (data: Data) => tensor(data, { dtype: 'int32' });
const b = (data: Data) => tensor(data, { dtype: 'bool' });
/** [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] */
const m34 = () => f([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
/** arange(24) as [2, 3, 4]. */
const t234 = () => tensor(Float32Array.from({ length: 24 }, (_, i) => i), { shape: [2, 3, 4] });
const ix = (x: Tensor, ...items: Parameters<typeof index>[1]) => index(x, items);

describe('backend', () => {
  it('runs on wasm', () => {
    expect(getBackend()).toBe('wasm');
  });
});

describe('index: integers', () => {
  it('selects and removes dims; negatives wrap', () => {
    const x = m34();
    expect(ix(x, 1).tolist()).toEqual([4, 5, 6, 7]);
    expect(ix(x, -1).tolist()).toEqual([8, 9, 10, 11]);
    const s = ix(x, 1, 2);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(6);
    expect(ix(x, -3, -1).item()).toBe(3);
    expect(ix(x, 0, i32(2)).item()).toBe(2); // a 0-d int tensor acts as an integer
  });

  it("throws PyTorch's errors", () => {
    const x = m34();
    expect(() => ix(x, 5)).toThrow('index 5 is out of bounds for dimension 0 with size 3');
    expect(() => ix(x, -4)).toThrow('index -4 is out of bounds for dimension 0 with size 3');
    expect(() => ix(x, 0, 4)).toThrow('index 4 is out of bounds for dimension 1 with size 4');
    expect(() => ix(x, 0, 0, 0)).toThrow('too many indices for tensor of dimension 2');
    expect(() => ix(tensor(3), 0)).toThrow('too many indices for tensor of dimension 0');
    expect(() => ix(x, 1.5)).toThrow('only integers, slices');
  });
});

describe('index: slices', () => {
  it('takes Python slices', () => {
    const x = m34();
    expect(ix(x, ':').tolist()).toEqual(x.tolist());
    expect(ix(x, '1:3').tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(ix(x, '::2').tolist()).toEqual([[0, 1, 2, 3], [8, 9, 10, 11]]);
    expect(ix(x, '-2:').tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(ix(x, ':-1').tolist()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(ix(x, ':', '1:3').tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(ix(x, ':', '::3').tolist()).toEqual([[0, 3], [4, 7], [8, 11]]);
    expect(ix(x, ':', '1::2').tolist()).toEqual([[1, 3], [5, 7], [9, 11]]);
    expect(ix(x, '1:', '-3:-1').tolist()).toEqual([[5, 6], [9, 10]]);
    expect(ix(x, '-10:2').tolist()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(ix(x, ' 1 : 2 ').tolist()).toEqual([[4, 5, 6, 7]]);
    expect(ix(x, 1, '::2').tolist()).toEqual([4, 6]);
  });

  it('takes slice objects', () => {
    const x = m34();
    expect(ix(x, ':', { start: 1, step: 2 }).tolist()).toEqual([[1, 3], [5, 7], [9, 11]]);
    expect(ix(x, { stop: -2 }).tolist()).toEqual([[0, 1, 2, 3]]);
    expect(ix(x, {}).shape).toEqual([3, 4]);
  });

  it('gives empty results', () => {
    const x = m34();
    expect(ix(x, '3:3').shape).toEqual([0, 4]);
    expect(ix(x, '2:1').shape).toEqual([0, 4]);
    expect(ix(x, '5:10').shape).toEqual([0, 4]);
    expect(ix(x, ':', '4::2').shape).toEqual([3, 0]);
    expect(ix(zeros([0, 2]), '::2', 1).shape).toEqual([0]);
  });

  it('returns a new tensor for a no-op index', () => {
    const x = m34();
    const y = ix(x, ':');
    expect(y).not.toBe(x);
    y.dispose();
    expect(x.tolist()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    const s = tensor(2.5);
    expect(ix(s).item()).toBe(2.5);
    expect(ix(s, '...').shape).toEqual([]);
  });

  it("throws PyTorch's errors", () => {
    const x = m34();
    expect(() => ix(x, '::0')).toThrow('step must be greater than zero');
    expect(() => ix(x, '::-1')).toThrow('step must be greater than zero');
    expect(() => ix(x, { step: 0 })).toThrow('step must be greater than zero');
    expect(() => ix(x, '1:2:3:4')).toThrow("invalid slice '1:2:3:4'");
    expect(() => ix(x, 'a:')).toThrow("invalid slice 'a:'");
    expect(() => ix(x, ':', ':', ':')).toThrow('too many indices for tensor of dimension 2');
  });
});

describe('index: null and ellipsis', () => {
  it('inserts axes', () => {
    const x = m34();
    expect(ix(x, null).shape).toEqual([1, 3, 4]);
    expect(ix(x, ':', null).shape).toEqual([3, 1, 4]);
    expect(ix(x, null, 1).tolist()).toEqual([[4, 5, 6, 7]]);
    expect(ix(x, 1, null, 2).tolist()).toEqual([6]);
    expect(ix(tensor(7), null).tolist()).toEqual([7]);
    expect(ix(x, null, null, '...', null).shape).toEqual([1, 1, 3, 4, 1]);
  });

  it('expands an ellipsis', () => {
    const x = m34();
    expect(ix(x, '...', 1).tolist()).toEqual([1, 5, 9]);
    expect(ix(x, 0, '...').tolist()).toEqual([0, 1, 2, 3]);
    expect(ix(x, '...', null).shape).toEqual([3, 4, 1]);
    expect(ix(x, 1, '...', 2).item()).toBe(6);
    const y = t234();
    expect(ix(y, '...', '1:3').shape).toEqual([2, 3, 2]);
    expect(ix(y, 1, '...', -1).tolist()).toEqual([15, 19, 23]);
    expect(() => ix(x, '...', '...')).toThrow("an index can only have a single ellipsis ('...')");
  });
});

describe('index: integer arrays', () => {
  it('gathers along one dim, negatives wrap', () => {
    const x = m34();
    expect(ix(x, [2, 0]).tolist()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(ix(x, [-1]).tolist()).toEqual([[8, 9, 10, 11]]);
    expect(ix(x, ':', [0, 0, 3]).tolist()).toEqual([[0, 0, 3], [4, 4, 7], [8, 8, 11]]);
    expect(ix(x, i32([1])).tolist()).toEqual([[4, 5, 6, 7]]);
    expect(ix(x, 1, [3, 1]).tolist()).toEqual([7, 5]);
    expect(ix(x, '1:', [0]).tolist()).toEqual([[4], [8]]);
  });

  it('puts a multi-dim index in place of the dim', () => {
    const x = m34();
    const r = ix(x, i32([[0, 1], [2, 0]]));
    expect(r.shape).toEqual([2, 2, 4]);
    expect(ix(r, '...', 0).tolist()).toEqual([[0, 4], [8, 0]]);
    const c = ix(x, ':', i32([[3], [0]]));
    expect(c.shape).toEqual([3, 2, 1]);
    expect(c.tolist()).toEqual([[[3], [0]], [[7], [4]], [[11], [8]]]);
  });

  it('gives empty results for an empty index', () => {
    const x = m34();
    expect(ix(x, []).shape).toEqual([0, 4]);
    expect(ix(x, ':', i32([])).shape).toEqual([3, 0]);
    expect(ix(zeros([0, 3]), [], 1).shape).toEqual([0]);
  });

  it('combines several index arrays with broadcasting', () => {
    const x = m34();
    expect(ix(x, [0, 2], [1, 3]).tolist()).toEqual([1, 11]);
    expect(ix(x, [1], [0, 3]).tolist()).toEqual([4, 7]);
    expect(ix(x, i32([[0], [2]]), [1, 3]).tolist()).toEqual([[1, 3], [9, 11]]);
    expect(ix(x, [-1, 0], [-1, 0]).tolist()).toEqual([11, 0]);
    const y = t234();
    // Adjacent advanced indices stay in place.
    expect(ix(y, ':', [0, 2], [1, 1]).tolist()).toEqual([[1, 9], [13, 21]]);
    // Separated by a slice: the broadcast dims go first (NumPy / PyTorch rule).
    const r = ix(y, [0, 1], ':', [0, 3]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.tolist()).toEqual([[0, 4, 8], [15, 19, 23]]);
    // An integer selects first (PyTorch), so [0, :, [1, 2]] keeps the slice dim first.
    expect(ix(y, 0, ':', [1, 2]).tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(() => ix(x, [0, 1], [0, 1, 2])).toThrow('shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]');
  });

  it('keeps int and bool dtypes', () => {
    const xi = i32([[1, 2], [3, 4]]);
    const ri = ix(xi, [1, 0], '::1');
    expect(ri.dtype).toBe('int32');
    expect(ri.tolist()).toEqual([[3, 4], [1, 2]]);
    const xb = b([[true, false, true], [false, false, true]]);
    expect(ix(xb, ':', '::2').tolist()).toEqual([[true, true], [false, true]]);
    expect(ix(xb, [1], [2]).tolist()).toEqual([true]);
    expect(ix(xb, 0, -1).tolist()).toBe(true);
  });

  it("throws PyTorch's errors", () => {
    const x = m34();
    expect(() => ix(x, [3])).toThrow('index 3 is out of bounds for dimension 0 with size 3');
    expect(() => ix(x, ':', [-5])).toThrow('index -5 is out of bounds for dimension 1 with size 4');
    expect(() => ix(x, f([0]))).toThrow('tensors used as indices must be int32 or bool tensors');
    expect(() => ix(x, [0.5])).toThrow('index arrays must hold integers');
  });
});

describe('index: bool masks', () => {
  it('selects elements, flattening the masked dims', () => {
    const x = m34();
    const mask = b([[false, false, false, false], [false, false, true, true], [true, true, true, true]]);
    expect(ix(x, mask).tolist()).toEqual([6, 7, 8, 9, 10, 11]);
    expect(ix(x, b([true, false, true])).tolist()).toEqual([[0, 1, 2, 3], [8, 9, 10, 11]]);
    expect(ix(x, ':', b([false, true, false, true])).tolist()).toEqual([[1, 3], [5, 7], [9, 11]]);
    expect(ix(x, b([false, false, false])).shape).toEqual([0, 4]);
    expect(ix(x, b([[false, false, false, false], [false, false, false, false], [false, false, false, false]])).shape).toEqual([0]);
    const y = t234();
    const r = ix(y, ':', b([[true, false, false, false], [false, false, false, true], [false, false, false, false]]));
    expect(r.tolist()).toEqual([[0, 7], [12, 19]]);
    expect(ix(y, b([false, true]), 1, '1:3').tolist()).toEqual([[17, 18]]);
  });

  it('takes 0-d bool indices as a new axis of size 1 or 0', () => {
    const x = m34();
    expect(ix(x, b(true)).shape).toEqual([1, 3, 4]);
    expect(ix(x, b(false)).shape).toEqual([0, 3, 4]);
    expect(ix(tensor(5), b(true)).tolist()).toEqual([5]);
  });

  it('keeps int and bool dtypes', () => {
    const xi = i32([1, 2, 3]);
    expect(ix(xi, b([true, false, true])).tolist()).toEqual([1, 3]);
    expect(ix(xi, b([true, false, true])).dtype).toBe('int32');
    const xb = b([true, false, true]);
    expect(ix(xb, b([false, true, true])).tolist()).toEqual([false, true]);
  });

  it("throws PyTorch's errors", () => {
    const x = m34();
    expect(() => ix(x, b([true, false]))).toThrow(
      'The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0',
    );
    expect(() => ix(x, b([[[true]]]))).toThrow('too many indices for tensor of dimension 2');
  });
});

describe('index: autograd and memory', () => {
  it('composes recorded primitives', () => {
    const x = m34().requiresGrad_();
    expect(recorded(() => ix(x, '1:3'))).toEqual([{ op: 'narrow', attrs: { dim: 0, start: 1, length: 2 } }]);
    expect(recorded(() => ix(x, 1, '::2'))).toEqual([
      { op: 'select', attrs: { dim: 0, index: 1 } },
      { op: 'indexSelect', attrs: { dim: 0 } },
    ]);
    expect(recorded(() => ix(x, null, -1))).toEqual([
      { op: 'reshape', attrs: { shape: [1, 3, 4] } },
      { op: 'select', attrs: { dim: 1, index: 2 } },
    ]);
    expect(recorded(() => ix(x, [0, 2], [1, 3]))).toEqual([
      { op: 'reshape', attrs: { shape: [12] } },
      { op: 'indexSelect', attrs: { dim: 0 } },
    ]);
    expect(recorded(() => ix(x, ':'))).toEqual([{ op: 'reshape', attrs: { shape: [3, 4] } }]);
    const y = t234().requiresGrad_();
    expect(recorded(() => ix(y, [0, 1], ':', [0, 3])).map((r) => r.op)).toEqual(['permute', 'reshape', 'indexSelect']);
  });

  it('frees its intermediates when no graph holds them', () => {
    const x = m34();
    const mask = b([true, false, true]);
    const before = memory().numTensors;
    const r1 = ix(x, null, '1:', '::2', null);
    const r2 = ix(x, mask, [1, 3]);
    const r3 = t234();
    const r4 = ix(r3, [0, 1], ':', [0, 3]);
    // r1 is a view of x's storage (basic indexing): it adds no backend tensor.
    expect(r1.isSharedWith(x)).toBe(true);
    expect(memory().numTensors).toBe(before + 3);
    for (const r of [r1, r2, r3, r4]) r.dispose();
    expect(() => ix(x, [7])).toThrow();
    expect(() => ix(x, '1:', 9)).toThrow();
    expect(memory().numTensors).toBe(before);
  });
});

describe('narrow / select', () => {
  it('narrow takes a range (start may be negative)', () => {
    const x = m34();
    expect(narrow(x, 1, 1, 2).tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(narrow(x, 0, -2, 2).tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(narrow(x, -1, 4, 0).shape).toEqual([3, 0]);
    expect(narrow(b([true, false, true]), 0, 1, 2).tolist()).toEqual([false, true]);
    expect(() => narrow(x, 0, 2, 2)).toThrow('start (2) + length (2) exceeds dimension size (3).');
    expect(() => narrow(x, 0, 4, 0)).toThrow('start out of range (expected to be in range of [-3, 3], but got 4)');
    expect(() => narrow(tensor(1), 0, 0, 1)).toThrow('narrow() cannot be applied to a 0-dim tensor.');
    expect(() => narrow(x, 2, 0, 1)).toThrow('Dimension out of range');
  });

  it('gives the same values on large tensors (gather path for small pieces)', () => {
    const [r, c] = [300, 40];
    const vals = Float32Array.from({ length: r * c }, (_, i) => i);
    const big = tensor(vals, { shape: [r, c] });
    expect(select(big, 0, 123).tolist()).toEqual(Array.from({ length: c }, (_, j) => 123 * c + j));
    expect(select(big, 1, -1).tolist()).toEqual(Array.from({ length: r }, (_, i) => i * c + c - 1));
    expect(narrow(big, 0, 7, 2).tolist()).toEqual([
      Array.from({ length: c }, (_, j) => 7 * c + j),
      Array.from({ length: c }, (_, j) => 8 * c + j),
    ]);
    expect(narrow(big, 1, 38, 2).tolist()).toEqual(Array.from({ length: r }, (_, i) => [i * c + 38, i * c + 39]));
    expect(narrow(big, 0, 10, 250).shape).toEqual([250, c]);
    const bb = tensor(Uint8Array.from({ length: r * c }, (_, i) => (i % 3 === 0 ? 1 : 0)), { shape: [r, c], dtype: 'bool' });
    expect((select(bb, 0, 1).tolist() as boolean[]).slice(0, 4)).toEqual([false, false, true, false]); // 40..43
    expect((narrow(bb, 1, 0, 3).tolist() as boolean[][])[2]).toEqual([false, true, false]); // 80..82
  });

  it('select removes the dim', () => {
    const x = m34();
    expect(select(x, 1, -1).tolist()).toEqual([3, 7, 11]);
    expect(select(x, 0, 0).tolist()).toEqual([0, 1, 2, 3]);
    expect(select(select(x, 0, 2), 0, 1).shape).toEqual([]);
    expect(select(i32([4, 5]), 0, 1).dtype).toBe('int32');
    expect(() => select(x, 1, 4)).toThrow('select(): index 4 out of range for tensor of size [3, 4] at dimension 1');
    expect(() => select(tensor(1), 0, 0)).toThrow('select() cannot be applied to a 0-dim tensor.');
  });
});

describe('gather', () => {
  it('follows torch.gather', () => {
    const x = f([[1, 2], [3, 4]]);
    expect(gather(x, 1, i32([[0, 0], [1, 0]])).tolist()).toEqual([[1, 1], [4, 3]]);
    expect(gather(x, 0, i32([[0, 1], [1, 0]])).tolist()).toEqual([[1, 4], [3, 2]]);
    expect(gather(x, -1, i32([[1], [0]])).tolist()).toEqual([[2], [3]]);
    expect(gather(m34(), 1, i32([[3], [0], [2]])).tolist()).toEqual([[3], [4], [10]]);
    expect(gather(m34(), 0, i32([[2, 1, 0]])).tolist()).toEqual([[8, 5, 2]]);
    expect(gather(x, 1, i32([[], []])).shape).toEqual([2, 0]);
    const y = t234();
    expect(gather(y, 1, i32([[[2], [0]], [[1], [1]]])).tolist()).toEqual([[[8], [0]], [[16], [16]]]);
  });

  it('keeps int and bool dtypes', () => {
    expect(gather(i32([5, 6, 7]), 0, i32([2, 2, 0])).tolist()).toEqual([7, 7, 5]);
    const r = gather(b([[true, false]]), 1, i32([[1, 0, 1]]));
    expect(r.dtype).toBe('bool');
    expect(r.tolist()).toEqual([[false, true, false]]);
  });

  it("throws PyTorch's errors and records 'gather'", () => {
    const x = f([[1, 2], [3, 4]]);
    expect(() => gather(x, 1, f([[0]]))).toThrow('gather(): Expected dtype int32 for index');
    expect(() => gather(x, 1, i32([[2]]))).toThrow('index 2 is out of bounds for dimension 1 with size 2');
    expect(() => gather(x, 1, i32([[-1]]))).toThrow('index -1 is out of bounds for dimension 1 with size 2');
    expect(() => gather(x, 1, i32([0]))).toThrow('Index tensor must have the same number of dimensions as input tensor');
    expect(() => gather(x, 1, i32([[0], [0], [0]]))).toThrow(
      'Size does not match at dimension 0 expected index [3, 1] to be smaller than self [2, 2] apart from dimension 1',
    );
    const g = x.clone().requiresGrad_();
    log.length = 0;
    const idx = i32([[0], [1]]);
    gather(g, -1, idx);
    expect(log.map((r) => [r.op, r.attrs])).toEqual([['gather', { dim: 1 }]]);
    expect(log[0]!.inputs[0]).toBe(g);
    expect(log[0]!.inputs[1]).toBe(idx);
  });
});

describe('indexSelect', () => {
  it('follows torch.index_select', () => {
    const x = m34();
    expect(indexSelect(x, 0, i32([2, 0, 2])).tolist()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]]);
    expect(indexSelect(x, -1, i32([1])).tolist()).toEqual([[1], [5], [9]]);
    expect(indexSelect(x, 1, i32([])).shape).toEqual([3, 0]);
    expect(indexSelect(x, 0, i32(1)).shape).toEqual([1, 4]);
    expect(indexSelect(zeros([0, 2]), 1, i32([1])).shape).toEqual([0, 1]);
    expect(indexSelect(b([true, false]), 0, i32([1, 1, 0])).tolist()).toEqual([false, false, true]);
    expect(indexSelect(i32([3, 4]), 0, i32([1])).dtype).toBe('int32');
  });

  it("throws PyTorch's errors and records 'indexSelect'", () => {
    const x = m34();
    expect(() => indexSelect(x, 0, f([0]))).toThrow('index_select(): Expected dtype int32 for index');
    expect(() => indexSelect(x, 0, i32([[0]]))).toThrow('index_select(): Index is supposed to be a vector');
    expect(() => indexSelect(x, 0, i32([3]))).toThrow('index 3 is out of bounds for dimension 0 with size 3');
    expect(() => indexSelect(x, 0, i32([-1]))).toThrow('index -1 is out of bounds for dimension 0 with size 3');
    const g = x.requiresGrad_();
    expect(recorded(() => indexSelect(g, -1, i32([0])))).toEqual([{ op: 'indexSelect', attrs: { dim: 1 } }]);
  });
});

describe('maskedFill', () => {
  it('fills where the mask is true, broadcasting the mask', () => {
    const x = f([[1, 2], [3, 4]]);
    expect(maskedFill(x, b([[true, false], [false, true]]), -1).tolist()).toEqual([[-1, 2], [3, -1]]);
    expect(maskedFill(x, b([true, false]), 9).tolist()).toEqual([[9, 2], [9, 4]]);
    expect(maskedFill(x, b([[false], [true]]), -Infinity).tolist()).toEqual([[1, 2], [-Infinity, -Infinity]]);
    expect(maskedFill(f([1, 2]), b([[true, false], [false, false]]), 0).tolist()).toEqual([[0, 2], [1, 2]]);
    expect(maskedFill(x, b(true), 0.5).tolist()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });

  it('keeps int and bool dtypes', () => {
    const ri = maskedFill(i32([1, 2, 3]), b([false, true, false]), 7);
    expect(ri.dtype).toBe('int32');
    expect(ri.tolist()).toEqual([1, 7, 3]);
    const rb = maskedFill(b([true, false, false]), b([false, true, false]), 1);
    expect(rb.dtype).toBe('bool');
    expect(rb.tolist()).toEqual([true, true, false]);
    expect(maskedFill(b([true, true]), b([true, false]), false).tolist()).toEqual([false, true]);
  });

  it("throws PyTorch's errors and records 'maskedFill'", () => {
    const x = f([[1, 2], [3, 4]]);
    expect(() => maskedFill(x, i32([1, 0]), 0)).toThrow('masked_fill only supports boolean masks, but got mask with dtype torch.int32');
    expect(() => maskedFill(x, b([true, false, true]), 0)).toThrow('The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1');
    const g = x.requiresGrad_();
    expect(recorded(() => maskedFill(g, b([true, false]), -2))).toEqual([{ op: 'maskedFill', attrs: { value: -2 } }]);
  });
});

describe('scatterAdd', () => {
  it('follows torch.scatter_add (PyTorch docs example)', () => {
    const src = tensor(new Float32Array(10).fill(1), { shape: [2, 5] });
    expect(scatterAdd(zeros([3, 5]), 0, i32([[0, 1, 2, 0, 0]]), src).tolist()).toEqual([
      [1, 0, 0, 1, 1],
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
    expect(scatterAdd(zeros([3, 5]), 0, i32([[0, 1, 2, 0, 0], [0, 1, 2, 2, 2]]), src).tolist()).toEqual([
      [2, 0, 0, 1, 1],
      [0, 2, 0, 0, 0],
      [0, 0, 2, 1, 1],
    ]);
  });

  it('scatters along the last dim, adding to x and summing duplicates', () => {
    const x = f([[1, 1, 1], [1, 1, 1]]);
    expect(scatterAdd(x, 1, i32([[0, 0], [2, 1]]), f([[1, 2], [3, 4]])).tolist()).toEqual([[4, 1, 1], [1, 5, 4]]);
    expect(scatterAdd(x, -1, i32([[2]]), f([[5, 6]])).tolist()).toEqual([[1, 1, 6], [1, 1, 1]]);
    expect(scatterAdd(x, 1, i32([[], []]), f([[], []])).tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(scatterAdd(f([0, 0]), 0, i32([1, 1, 1]), f([1, 2, 3])).tolist()).toEqual([0, 6]);
  });

  it('keeps int dtype', () => {
    const r = scatterAdd(i32([0, 0, 0]), 0, i32([2, 0, 2]), i32([1, 2, 3]));
    expect(r.dtype).toBe('int32');
    expect(r.tolist()).toEqual([2, 0, 4]);
  });

  it("throws PyTorch's errors and records 'scatterAdd'", () => {
    const x = zeros([2, 3]);
    expect(() => scatterAdd(x, 0, f([[0]]), f([[1]]))).toThrow('scatter_add(): Expected dtype int32 for index');
    expect(() => scatterAdd(x, 0, i32([[0]]), i32([[1]]))).toThrow('Expected self.dtype to be equal to src.dtype');
    expect(() => scatterAdd(x, 0, i32([[2]]), f([[1]]))).toThrow('index 2 is out of bounds for dimension 0 with size 2');
    expect(() => scatterAdd(x, 0, i32([0]), f([[1]]))).toThrow('Index tensor must have the same number of dimensions as self tensor');
    expect(() => scatterAdd(x, 0, i32([[0, 0]]), f([[1]]))).toThrow(
      'Expected index [1, 2] to be smaller than self [2, 3] apart from dimension 0 and to be smaller size than src [1, 1]',
    );
    const g = x.requiresGrad_();
    expect(recorded(() => scatterAdd(g, -2, i32([[1]]), f([[1]])))).toEqual([{ op: 'scatterAdd', attrs: { dim: 0 } }]);
  });
});

describe('indexAdd', () => {
  it('follows torch.index_add along dim 0 (duplicates accumulate)', () => {
    const x = tensor(new Float32Array(15).fill(1), { shape: [5, 3] });
    const source = f([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    expect(indexAdd(x, 0, i32([0, 4, 2, 0]), source).tolist()).toEqual([
      [12, 14, 16],
      [1, 1, 1],
      [8, 9, 10],
      [1, 1, 1],
      [5, 6, 7],
    ]);
  });

  it('adds along the last and middle dims', () => {
    expect(indexAdd(zeros([2, 3]), 1, i32([2, 0, 2]), f([[1, 2, 3], [4, 5, 6]])).tolist()).toEqual([
      [2, 0, 4],
      [5, 0, 10],
    ]);
    const r = indexAdd(zeros([2, 3, 2]), -2, i32([1, 1]), tensor(new Float32Array(8).fill(1), { shape: [2, 2, 2] }));
    expect(r.tolist()).toEqual([
      [[0, 0], [2, 2], [0, 0]],
      [[0, 0], [2, 2], [0, 0]],
    ]);
    expect(indexAdd(f([1, 2]), 0, i32([]), f([])).tolist()).toEqual([1, 2]);
  });

  it('keeps int dtype', () => {
    const r = indexAdd(i32([[1], [1]]), 0, i32([1, 1]), i32([[2], [3]]));
    expect(r.dtype).toBe('int32');
    expect(r.tolist()).toEqual([[1], [6]]);
  });

  it('ORs into bool tensors', () => {
    const r = indexAdd(b([false, true, false]), 0, i32([0, 0]), b([true, false]));
    expect(r.dtype).toBe('bool');
    expect(r.tolist()).toEqual([true, true, false]);
    expect(scatterAdd(b([false, false]), 0, i32([1]), b([true])).tolist()).toEqual([false, true]);
  });

  it('matches a reference loop on a larger random case', () => {
    const [n, d, m] = [50, 7, 300];
    const xv = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i));
    const sv = Float32Array.from({ length: m * d }, (_, i) => Math.cos(i));
    const iv = Int32Array.from({ length: m }, (_, i) => (i * 37) % n);
    const want = Float64Array.from(xv);
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) want[iv[i]! * d + j]! += sv[i * d + j]!;
    const got = indexAdd(tensor(xv, { shape: [n, d] }), 0, tensor(iv), tensor(sv, { shape: [m, d] })).dataSync();
    for (let k = 0; k < n * d; k++) expect(got[k]).toBeCloseTo(want[k]!, 4);
  });

  it("throws PyTorch's errors and records 'indexAdd'", () => {
    const x = zeros([3, 2]);
    expect(() => indexAdd(x, 0, f([0]), zeros([1, 2]))).toThrow('index_add(): Expected dtype int32 for index');
    expect(() => indexAdd(x, 0, i32([[0]]), zeros([1, 2]))).toThrow('Index is supposed to be a vector');
    expect(() => indexAdd(x, 0, i32([0]), zeros([1, 2], { dtype: 'int32' }))).toThrow(
      'self (torch.float32) and source (torch.int32) must have the same scalar type',
    );
    expect(() => indexAdd(x, 0, i32([3]), zeros([1, 2]))).toThrow('index 3 is out of bounds for dimension 0 with size 3');
    expect(() => indexAdd(x, 0, i32([0, 1]), zeros([1, 2]))).toThrow('Number of indices (2) should be equal to source.size(dim) (1)');
    expect(() => indexAdd(x, 0, i32([0]), zeros([1, 3]))).toThrow('must have the same shape except at dimension 0');
    const g = x.requiresGrad_();
    expect(recorded(() => indexAdd(g, -1, i32([1]), zeros([3, 1])))).toEqual([{ op: 'indexAdd', attrs: { dim: 1 } }]);
  });

  it('frees its temporaries', () => {
    const x = zeros([4, 3]);
    const idx = i32([0, 3, 0]);
    const s = zeros([3, 3]);
    const g = i32([[0, 1, 2]]);
    const src = f([[1, 2, 3], [4, 5, 6]]);
    const mask = b([true, false, true]);
    const one = i32([0]);
    const before = memory().numTensors;
    const r1 = indexAdd(x, 0, idx, s);
    const r2 = scatterAdd(x, 0, g, src);
    const r3 = gather(x, 0, g);
    const r4 = maskedFill(x, mask, 1);
    const r5 = indexSelect(x, 1, one);
    const r6 = scatterAdd(x, 1, g.bool().int(), src); // int index from casts: only those two extra
    expect(memory().numTensors).toBe(before + 8);
    for (const r of [r1, r2, r3, r4, r5, r6]) r.dispose();
    expect(memory().numTensors).toBe(before + 2);
    expect(arange(3).shape).toEqual([3]);
  });
});
