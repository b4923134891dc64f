/** Creation functions, dtypes, RNG, data out, printing and the backend, against PyTorch's behaviour. */
import { afterAll, describe, expect, it } from 'vitest';
import {
  arange,
  empty,
  eye,
  full,
  getBackend,
  linspace,
  manualSeed,
  memory,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  randnLike,
  randperm,
  setBackend,
  Tensor,
  tensor,
  zeros,
  zerosLike,
  Generator,
} from './index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
};

describe('backend', () => {
  it("is 'wasm' right after import", () => {
    expect(getBackend()).toBe('wasm');
  });

  it("setBackend('cpu') switches, and back to 'wasm'", async () => {
    await setBackend('cpu');
    expect(getBackend()).toBe('cpu');
    expect(tensor([1, 2]).add(1).tolist()).toEqual([2, 3]);
    await setBackend('wasm');
    expect(getBackend()).toBe('wasm');
  });

  it('setBackend rejects an unknown backend by name', async () => {
    await expect(setBackend('webgpu-nope')).rejects.toThrow();
    expect(getBackend()).toBe('wasm');
  });

  it('memory() counts tensors and bytes', () => {
    const before = memory();
    expect(before.numTensors).toBeGreaterThanOrEqual(0);
    const t = zeros([10, 10]);
    const after = memory();
    expect(after.numTensors - before.numTensors).toBe(1);
    expect(after.numBytes - before.numBytes).toBe(400);
    t.dispose();
    expect(memory()).toEqual(before);
  });
});

describe('tensor()', () => {
  it('from nested arrays: float32 by default, with the shape of the nesting', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.ndim).toBe(2);
    expect(t.numel()).toBe(6);
    expect(t.size()).toEqual([2, 3]);
    expect(t.size(-1)).toBe(3);
    expect(t.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('from a number (0-d) and from booleans (bool)', () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3.5);
    const b = tensor([true, false]);
    expect(b.dtype).toBe('bool');
    expect(b.tolist()).toEqual([true, false]);
    expect(tensor(true).item()).toBe(1);
  });

  it('from typed arrays, with shape', () => {
    expect(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).tolist()).toEqual([[1, 2], [3, 4]]);
    const i = tensor(new Int32Array([1, 2, 3]));
    expect(i.dtype).toBe('int32');
    expect(i.shape).toEqual([3]);
    expect(tensor(new Uint8Array([1, 0]), { dtype: 'bool' }).tolist()).toEqual([true, false]);
    expect(tensor(new Float64Array([0.5, 1.5]), { shape: [2, 1] }).tolist()).toEqual([[0.5], [1.5]]);
    expect(tensor(new Float32Array(6), { shape: [-1, 3] }).shape).toEqual([2, 3]);
  });

  it('with dtype and requiresGrad', () => {
    const t = tensor([1.7, -2.2], { dtype: 'int32' });
    expect(t.dtype).toBe('int32');
    expect(t.tolist()).toEqual([1, -2]);
    const g = tensor([1, 2], { requiresGrad: true });
    expect(g.requiresGrad).toBe(true);
    expect(g.isLeaf).toBe(true);
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow('only Tensors of floating point dtype can require gradients');
  });

  it('empty input and empty nested input', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('ragged input is an error naming where', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('expected sequence of length 2 at dim 1 (got 1)');
    expect(() => tensor([[1, 2], 3] as never)).toThrow('at data[1]');
    expect(() => tensor([1, [2]] as never)).toThrow('ragged');
    expect(() => tensor(['a'] as never)).toThrow('expected numbers or booleans but got string');
  });

  it('shape that does not fit the data is an error', () => {
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow("shape '[2, 2]' is invalid for input of size 3");
  });

  it('unknown dtype is an error', () => {
    expect(() => tensor([1], { dtype: 'float64' as never })).toThrow("unsupported dtype 'float64'");
  });
});

describe('creation functions', () => {
  it('zeros ones full empty', () => {
    expect(zeros([2, 2]).tolist()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3]).tolist()).toEqual([1, 1, 1]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2], 7).tolist()).toEqual([7, 7]);
    expect(full([2], true).dtype).toBe('bool');
    expect(full([1], 2.5, { dtype: 'int32' }).tolist()).toEqual([2]);
    expect(empty([2, 3]).shape).toEqual([2, 3]);
    expect(zeros([0, 3]).shape).toEqual([0, 3]);
    expect(zeros([]).shape).toEqual([]);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => zeros([2, -1])).toThrow('invalid shape [2, -1]');
    expect(() => ones([2, 1.5])).toThrow('invalid shape');
  });

  it('zerosLike onesLike randnLike keep shape and dtype', () => {
    const i = tensor([[1, 2]], { dtype: 'int32' });
    expect(zerosLike(i).dtype).toBe('int32');
    expect(onesLike(i).tolist()).toEqual([[1, 1]]);
    expect(onesLike(i, { dtype: 'float32' }).dtype).toBe('float32');
    const r = randnLike(tensor([[0, 0, 0]]), { requiresGrad: true });
    expect(r.shape).toEqual([1, 3]);
    expect(r.requiresGrad).toBe(true);
  });

  it('arange: int32 for integer arguments (PyTorch int64), float32 otherwise', () => {
    const a = arange(5);
    expect(a.dtype).toBe('int32');
    expect(a.tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 4).tolist()).toEqual([1, 2, 3]);
    expect(arange(5, 0, -2).tolist()).toEqual([5, 3, 1]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(f.tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 3, 1, { dtype: 'float32' }).dtype).toBe('float32');
    expect(arange(0).shape).toEqual([0]);
    expect(() => arange(0, 3, 0)).toThrow('step must be nonzero');
    expect(() => arange(3, 0)).toThrow('upper bound and larger bound inconsistent with step sign');
  });

  it('linspace matches torch.linspace', () => {
    close(linspace(0, 1, 5).dataSync(), [0, 0.25, 0.5, 0.75, 1]);
    close(linspace(-1, 1, 3).dataSync(), [-1, 0, 1]);
    expect(linspace(2, 3, 1).tolist()).toEqual([2]);
    expect(linspace(2, 3, 0).shape).toEqual([0]);
  });

  it('eye', () => {
    expect(eye(2).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('rand in [0, 1), randn ~ N(0, 1), randint in [low, high) as int32', () => {
    manualSeed(1);
    const u = rand([1000]).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const n = randn([4000]).dataSync();
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const v = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(v - 1)).toBeLessThan(0.08);
    const r = randint(-3, 4, [500]);
    expect(r.dtype).toBe('int32');
    const rv = Array.from(r.dataSync());
    expect(Math.min(...rv)).toBe(-3);
    expect(Math.max(...rv)).toBe(3);
    expect(() => randint(3, 3, [1])).toThrow("random_ expects 'from' to be less than 'to', but got from=3 >= to=3");
    expect(randn([2, 3], { requiresGrad: true }).requiresGrad).toBe(true);
    expect([...randperm(5).dataSync()].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('manualSeed makes every random function reproducible', () => {
    const draw = (): number[][] => [rand([5]), randn([5]), randint(0, 100, [5]), randperm(6)].map((t) => Array.from(t.dataSync()));
    manualSeed(42);
    const a = draw();
    manualSeed(42);
    const b = draw();
    expect(b).toEqual(a);
    manualSeed(43);
    expect(draw()).not.toEqual(a);
  });

  it('a Generator is independent of the default one', () => {
    const g = new Generator(7);
    const a = randn([4], { generator: g }).dataSync();
    manualSeed(0);
    randn([10]);
    const b = randn([4], { generator: new Generator(7) }).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("the same seed gives the same numbers on 'wasm' and 'cpu'", async () => {
    manualSeed(123);
    const onWasm = Array.from(randn([3, 4]).mul(2).add(1).dataSync());
    await setBackend('cpu');
    try {
      manualSeed(123);
      const onCpu = Array.from(randn([3, 4]).mul(2).add(1).dataSync());
      expect(onCpu).toEqual(onWasm);
    } finally {
      await setBackend('wasm');
    }
    expect(getBackend()).toBe('wasm');
  });
});

describe('data out', () => {
  it('item', () => {
    expect(tensor([[2.5]]).item()).toBe(2.5);
    expect(tensor(7, { dtype: 'int32' }).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow('only one element tensors can be converted to Python scalars');
  });

  it('tolist: nested arrays, 0-d as a number, bools as booleans, empty dims', () => {
    expect(tensor([[1, 2], [3, 4]]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(3).tolist()).toBe(3);
    expect(tensor([[true], [false]]).tolist()).toEqual([[true], [false]]);
    expect(zeros([2, 0]).tolist()).toEqual([[], []]);
  });

  it('dataSync / data give typed arrays of the dtype', async () => {
    expect(tensor([1, 2]).dataSync()).toBeInstanceOf(Float32Array);
    expect(tensor([1, 2], { dtype: 'int32' }).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
    const d = await tensor([[1, 2], [3, 4]]).data();
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
  });

  it('casts: to / float / int / bool (bool is x != 0)', () => {
    const x = tensor([0, -2, 0.5, 256, -0.7]);
    expect(x.bool().tolist()).toEqual([false, true, true, true, true]);
    expect(x.int().tolist()).toEqual([0, -2, 0, 256, 0]);
    expect(x.int().float().dtype).toBe('float32');
    expect(x.to('float32')).toBe(x);
    expect(tensor([true, false]).int().tolist()).toEqual([1, 0]);
    // A bool made by a cast behaves as a bool in later kernels.
    expect(x.bool().logicalNot().tolist()).toEqual([true, false, false, false, false]);
    expect(x.bool().sum().item()).toBe(4);
  });
});

describe('printing (toString)', () => {
  it('prints as PyTorch', () => {
    expect(tensor([[0.1234, -1.5]], { requiresGrad: true }).toString()).toBe('tensor([[ 0.1234, -1.5000]], requires_grad=True)');
    expect(tensor([1, 2, 3], { dtype: 'int32' }).toString()).toBe('tensor([1, 2, 3], dtype=torch.int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False])');
    expect(tensor(2.5).toString()).toBe('tensor(2.5000)');
    expect(zeros([0, 3]).toString()).toBe('tensor([], size=(0, 3))');
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]])');
  });

  it('String() and template literals use it', () => {
    expect(`${tensor([1.5])}`).toBe('tensor([1.5000])');
  });
});

describe('attributes', () => {
  it('a Tensor is a Tensor', () => {
    const t = tensor([1]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.grad).toBeNull();
    expect(t.gradFn).toBeNull();
    expect(t.requiresGrad).toBe(false);
    expect(t.dim()).toBe(1);
  });
});

afterAll(() => {
  expect(getBackend()).toBe('wasm');
});
