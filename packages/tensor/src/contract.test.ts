/**
 * The public API contract (/work/shared/spec/API.md, "Backend" and "Tensor"): every name it lists
 * for @flint/tensor, imported from the package as an outside user would and used once in the
 * contract's own calling style. A failure here is a breaking change.
 */
import { describe, expect, it } from 'vitest';
import {
  Tensor,
  tensor,
  zeros,
  ones,
  full,
  empty,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  zerosLike,
  onesLike,
  randnLike,
  manualSeed,
  setBackend,
  getBackend,
  ready,
  memory,
  loadSafetensors,
  saveSafetensors,
  add,
  sub,
  mul,
  div,
  pow,
  neg,
  abs,
  exp,
  log,
  sqrt,
  rsqrt,
  matmul,
  mm,
  bmm,
  relu,
  sigmoid,
  tanh,
  softmax,
  logSoftmax,
  sum,
  mean,
  max,
  min,
  argmax,
  argmin,
  var as variance,
  std,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  where,
  clamp,
  reshape,
  view,
  flatten,
  squeeze,
  unsqueeze,
  transpose,
  permute,
  expand,
  contiguous,
  cat,
  stack,
  split,
  chunk,
  index,
  narrow,
  select,
  gather,
  indexSelect,
  maskedFill,
} from '@flint/tensor';

const close = (t: Tensor, expected: unknown, digits = 4): void => {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
  const got = flat(t.tolist());
  const want = flat(expected);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, digits));
};

describe('contract: backend', () => {
  it('the import leaves the backend ready; ready() resolves; getBackend() names wasm', async () => {
    expect(randn([2, 3]).shape).toEqual([2, 3]);
    await ready();
    expect(getBackend()).toBe('wasm');
  });
  it('memory() → { numTensors, numBytes }', () => {
    const m = memory();
    expect(typeof m.numTensors).toBe('number');
    expect(typeof m.numBytes).toBe('number');
    const before = memory().numTensors;
    const t = zeros([4]);
    expect(memory().numTensors).toBe(before + 1);
    t.dispose();
  });
  it("setBackend('cpu') switches and setBackend('wasm') comes back", async () => {
    await setBackend('cpu');
    expect(getBackend()).toBe('cpu');
    expect(add(ones([2]), ones([2])).tolist()).toEqual([2, 2]);
    await setBackend('wasm');
    expect(getBackend()).toBe('wasm');
  });
});

describe('contract: creation', () => {
  it('tensor(data, { dtype, requiresGrad, shape }) from nested arrays, numbers and typed arrays', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.shape).toEqual([2, 2]);
    expect(a.dtype).toBe('float32');
    expect(tensor(3).item()).toBe(3);
    const b = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3], requiresGrad: true });
    expect(b.shape).toEqual([2, 3]);
    expect(b.requiresGrad).toBe(true);
    const c = tensor([1, 2, 3], { dtype: 'int32' });
    expect(c.dtype).toBe('int32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(new Int32Array([1, 2]), { shape: [2] }).dtype).toBe('int32');
  });
  it('zeros ones full empty arange linspace eye rand randn randint, *Like, with { dtype, requiresGrad }', () => {
    expect(zeros([2, 3]).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2], 7).tolist()).toEqual([7, 7]);
    expect(empty([3]).shape).toEqual([3]);
    expect(arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 7, 2).tolist()).toEqual([1, 3, 5]);
    close(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    expect(eye(2).tolist()).toEqual([[1, 0], [0, 1]]);
    const r = rand([100]);
    expect(r.min().item()).toBeGreaterThanOrEqual(0);
    expect(r.max().item()).toBeLessThan(1);
    const n = randn([2, 3], { requiresGrad: true });
    expect(n.requiresGrad).toBe(true);
    expect(n.isLeaf).toBe(true);
    const k = randint(0, 10, [50]);
    expect(k.dtype).toBe('int32');
    expect(k.shape).toEqual([50]);
    expect(k.min().item()).toBeGreaterThanOrEqual(0);
    expect(k.max().item()).toBeLessThan(10);
    expect(zerosLike(n).shape).toEqual([2, 3]);
    expect(onesLike(n, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(randnLike(n).shape).toEqual([2, 3]);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
  it('manualSeed(n) makes every random function reproducible', () => {
    manualSeed(42);
    const a = [rand([3]).tolist(), randn([3]).tolist(), randint(0, 100, [3]).tolist()];
    manualSeed(42);
    const b = [rand([3]).tolist(), randn([3]).tolist(), randint(0, 100, [3]).tolist()];
    expect(b).toEqual(a);
  });
});

describe('contract: attributes and data out', () => {
  it('shape ndim dtype numel() size(dim?) requiresGrad grad gradFn isLeaf', () => {
    const t = zeros([2, 3, 4]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.ndim).toBe(3);
    expect(t.dtype).toBe('float32');
    expect(t.numel()).toBe(24);
    expect(t.size()).toEqual([2, 3, 4]);
    expect(t.size(1)).toBe(3);
    expect(t.size(-1)).toBe(4);
    expect(t.requiresGrad).toBe(false);
    expect(t.grad).toBeNull();
    expect(t.gradFn).toBeNull();
    expect(t.isLeaf).toBe(true);
  });
  it('item() tolist() dataSync() data()', async () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.sum().item()).toBe(10);
    expect(t.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(t.dataSync()).toBeInstanceOf(Float32Array);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    const d = await t.data();
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
  });
  it("toString() prints like PyTorch: tensor([[ 0.1234, -1.5000]], requires_grad=True)", () => {
    expect(tensor([[0.1234, -1.5]], { requiresGrad: true }).toString()).toBe('tensor([[ 0.1234, -1.5000]], requires_grad=True)');
    expect(tensor([1, 2, 3], { dtype: 'int32' }).toString()).toBe('tensor([1, 2, 3], dtype=torch.int32)');
    expect(String(tensor([1.5, 2]))).toBe('tensor([1.5000, 2.0000])');
  });
  it('errors name the op and the shapes: mm: mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)', () => {
    expect(() => zeros([2, 4]).mm(zeros([3, 3]))).toThrow('mm: mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)');
    expect(() => mm(zeros([2, 4]), zeros([3, 3]))).toThrow('mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)');
  });
});

describe('contract: ops as methods and as functions of the same name', () => {
  const x = (): Tensor => tensor([[1, -2, 3], [-4, 5, -6]]);
  const p = (): Tensor => tensor([[1, 2, 3], [4, 5, 6]]);

  it('arithmetic with broadcasting: add sub mul div pow neg abs exp log sqrt rsqrt', () => {
    const row = tensor([1, 2, 3]);
    close(x().add(row), [[2, 0, 6], [-3, 7, -3]]);
    close(add(x(), row), [[2, 0, 6], [-3, 7, -3]]);
    close(x().sub(row), sub(x(), row).tolist());
    close(x().mul(2), [[2, -4, 6], [-8, 10, -12]]);
    close(mul(x(), 2), [[2, -4, 6], [-8, 10, -12]]);
    close(p().div(row), [[1, 1, 1], [4, 2.5, 2]]);
    close(div(p(), row), [[1, 1, 1], [4, 2.5, 2]]);
    close(p().pow(2), [[1, 4, 9], [16, 25, 36]]);
    close(pow(p(), 2), [[1, 4, 9], [16, 25, 36]]);
    close(x().neg(), neg(x()).tolist());
    close(x().abs(), p().tolist());
    close(abs(x()), p().tolist());
    close(p().exp(), exp(p()).tolist(), 2);
    close(p().log(), log(p()).tolist());
    close(p().sqrt(), sqrt(p()).tolist());
    close(p().rsqrt(), rsqrt(p()).tolist());
    close(p().rsqrt(), p().sqrt().pow(-1).tolist());
  });
  it('matmul mm bmm', () => {
    const a = p();
    const b = p().transpose(0, 1);
    close(a.mm(b), [[14, 32], [32, 77]]);
    close(mm(a, b), [[14, 32], [32, 77]]);
    close(a.matmul(b), [[14, 32], [32, 77]]);
    close(matmul(a, b), [[14, 32], [32, 77]]);
    const A = stack([a, a]);
    const B = stack([b, b]);
    expect(A.bmm(B).shape).toEqual([2, 2, 2]);
    close(bmm(A, B), [[[14, 32], [32, 77]], [[14, 32], [32, 77]]]);
  });
  it('activations: relu sigmoid tanh softmax logSoftmax', () => {
    close(x().relu(), [[1, 0, 3], [0, 5, 0]]);
    close(relu(x()), [[1, 0, 3], [0, 5, 0]]);
    close(tensor([0]).sigmoid(), [0.5]);
    close(sigmoid(tensor([0])), [0.5]);
    close(tensor([0]).tanh(), [0]);
    close(tanh(tensor([1])), [Math.tanh(1)]);
    close(tensor([[0, 0]]).softmax(1), [[0.5, 0.5]]);
    close(softmax(tensor([[0, 0]]), -1), [[0.5, 0.5]]);
    close(tensor([[0, 0]]).logSoftmax(1), [[Math.log(0.5), Math.log(0.5)]]);
    close(logSoftmax(tensor([[0, 0]]), 1), [[Math.log(0.5), Math.log(0.5)]]);
  });
  it('reductions with dim/keepdim: sum mean max min argmax argmin var std', () => {
    expect(p().sum().item()).toBe(21);
    expect(sum(p()).item()).toBe(21);
    close(p().sum(0), [5, 7, 9]);
    expect(sum(p(), 1, true).shape).toEqual([2, 1]);
    close(p().mean(1), [2, 5]);
    close(mean(p(), 0, true), [[2.5, 3.5, 4.5]]);
    expect(p().max().item()).toBe(6);
    expect(max(p()).item()).toBe(6);
    const { values, indices } = p().max(1);
    close(values, [3, 6]);
    expect(indices.tolist()).toEqual([2, 2]);
    expect(max(p(), 0, true).values.shape).toEqual([1, 3]);
    expect(p().min().item()).toBe(1);
    expect(min(p(), 1).values.tolist()).toEqual([1, 4]);
    expect(x().argmax().item()).toBe(4);
    expect(argmax(x(), 1).tolist()).toEqual([2, 1]);
    expect(x().argmin(1, true).tolist()).toEqual([[1], [2]]);
    expect(argmin(x()).item()).toBe(5);
    close(p().var(), [3.5]);
    close(variance(p(), 1), [1, 1]);
    close(variance(p(), 1, { keepdim: true }), [[1], [1]]);
    close(p().std(0), [Math.sqrt(4.5), Math.sqrt(4.5), Math.sqrt(4.5)]);
    close(std(p()), [Math.sqrt(3.5)]);
  });
  it('comparisons: eq ne lt le gt ge', () => {
    const a = tensor([1, 2, 3]);
    expect(a.eq(2).tolist()).toEqual([false, true, false]);
    expect(eq(a, tensor([1, 0, 3])).tolist()).toEqual([true, false, true]);
    expect(a.ne(2).tolist()).toEqual([true, false, true]);
    expect(ne(a, 2).tolist()).toEqual([true, false, true]);
    expect(a.lt(2).tolist()).toEqual([true, false, false]);
    expect(lt(a, 2).tolist()).toEqual([true, false, false]);
    expect(a.le(2).tolist()).toEqual([true, true, false]);
    expect(le(a, 2).tolist()).toEqual([true, true, false]);
    expect(a.gt(2).tolist()).toEqual([false, false, true]);
    expect(gt(a, 2).tolist()).toEqual([false, false, true]);
    expect(a.ge(2).tolist()).toEqual([false, true, true]);
    expect(ge(a, 2).tolist()).toEqual([false, true, true]);
  });
  it('where clamp', () => {
    const cond = x().gt(0);
    close(where(cond, x(), zeros([2, 3])), [[1, 0, 3], [0, 5, 0]]);
    close(where(cond, x(), 0), [[1, 0, 3], [0, 5, 0]]);
    close(x().where(cond, 0), [[1, 0, 3], [0, 5, 0]]);
    close(x().clamp(-1, 1), [[1, -1, 1], [-1, 1, -1]]);
    close(clamp(x(), 0), [[1, 0, 3], [0, 5, 0]]);
    close(clamp(x(), null, 0), [[0, -2, 0], [-4, 0, -6]]);
  });
  it('shape ops: reshape view flatten squeeze unsqueeze transpose permute expand contiguous', () => {
    expect(p().reshape(3, 2).shape).toEqual([3, 2]);
    expect(p().reshape([-1]).shape).toEqual([6]);
    expect(reshape(p(), [3, -1]).shape).toEqual([3, 2]);
    expect(p().view(6).shape).toEqual([6]);
    expect(p().view([3, 2]).shape).toEqual([3, 2]);
    expect(view(p(), [1, 6]).shape).toEqual([1, 6]);
    expect(zeros([2, 3, 4]).flatten().shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(zeros([1, 3, 1]).squeeze().shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1]);
    expect(zeros([3]).unsqueeze(0).shape).toEqual([1, 3]);
    expect(unsqueeze(zeros([3]), -1).shape).toEqual([3, 1]);
    close(p().transpose(0, 1), [[1, 4], [2, 5], [3, 6]]);
    close(transpose(p(), 1, 0), [[1, 4], [2, 5], [3, 6]]);
    expect(zeros([2, 3, 4]).permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(zeros([2, 3, 4]).permute([2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(permute(zeros([2, 3, 4]), [1, 2, 0]).shape).toEqual([3, 4, 2]);
    close(tensor([[1], [2]]).expand(2, 3), [[1, 1, 1], [2, 2, 2]]);
    close(tensor([[1], [2]]).expand(-1, 2), [[1, 1], [2, 2]]);
    close(expand(tensor([1, 2]), [2, 2]), [[1, 2], [1, 2]]);
    close(p().transpose(0, 1).contiguous(), [[1, 4], [2, 5], [3, 6]]);
    close(contiguous(p()), p().tolist());
  });
  it('joining: cat stack split chunk', () => {
    expect(cat([p(), p()]).shape).toEqual([4, 3]);
    expect(cat([p(), p()], 1).shape).toEqual([2, 6]);
    expect(stack([p(), p()]).shape).toEqual([2, 2, 3]);
    expect(stack([p(), p()], -1).shape).toEqual([2, 3, 2]);
    expect(p().split(2, 1).map((t) => t.shape)).toEqual([[2, 2], [2, 1]]);
    expect(split(p(), [1, 2], 1).map((t) => t.shape)).toEqual([[2, 1], [2, 2]]);
    expect(p().chunk(3, 1).map((t) => t.shape)).toEqual([[2, 1], [2, 1], [2, 1]]);
    expect(chunk(p(), 2).map((t) => t.shape)).toEqual([[1, 3], [1, 3]]);
  });
  it('index(…) with ranges, steps, single indices and null', () => {
    const t = arange(24).reshape(2, 3, 4);
    expect(t.index(0).shape).toEqual([3, 4]);
    expect(t.index(-1, 1).tolist()).toEqual([16, 17, 18, 19]);
    expect(t.index(':', '1:3').shape).toEqual([2, 2, 4]);
    expect(t.index(0, 0, '::2').tolist()).toEqual([0, 2]);
    expect(t.index(0, 0, { start: 1, stop: 4, step: 2 }).tolist()).toEqual([1, 3]);
    expect(t.index(null).shape).toEqual([1, 2, 3, 4]);
    expect(t.index(':', null, 0).shape).toEqual([2, 1, 4]);
    expect(t.index('...', -1).shape).toEqual([2, 3]);
    expect(t.index(1, '-2:', 3).tolist()).toEqual([19, 23]);
    expect(index(t, [1, 2, 3]).item()).toBe(23);
    expect(index(t, 1, 2, 3).item()).toBe(23);
    expect(index(t, ':', null, '::2').shape).toEqual([2, 1, 2, 4]);
    expect(index(t, [[1, 0]]).shape).toEqual([2, 3, 4]);
    expect(t.index(tensor([1, 0], { dtype: 'int32' })).shape).toEqual([2, 3, 4]);
    expect(t.index(t.gt(20)).tolist()).toEqual([21, 22, 23]);
  });
  it('narrow select gather indexSelect maskedFill', () => {
    close(p().narrow(1, 1, 2), [[2, 3], [5, 6]]);
    close(narrow(p(), 0, 1, 1), [[4, 5, 6]]);
    close(p().select(1, 0), [1, 4]);
    close(select(p(), 0, -1), [4, 5, 6]);
    const idx = tensor([[0, 0], [1, 2]], { dtype: 'int32' });
    close(p().gather(1, idx), [[1, 1], [5, 6]]);
    close(gather(p(), 1, idx), [[1, 1], [5, 6]]);
    const i = tensor([2, 0], { dtype: 'int32' });
    close(p().indexSelect(1, i), [[3, 1], [6, 4]]);
    close(indexSelect(p(), 1, i), [[3, 1], [6, 4]]);
    close(x().maskedFill(x().lt(0), 0), [[1, 0, 3], [0, 5, 0]]);
    close(maskedFill(x(), x().lt(0), -1), [[1, -1, 3], [-1, 5, -1]]);
  });
});

describe('contract: safetensors', () => {
  it('saveSafetensors(tensors, metadata?) round-trips through loadSafetensors(bytes) (F32, I32, BOOL)', () => {
    const bytes = saveSafetensors(
      { w: tensor([[1.5, -2]]), i: tensor([1, 2, 3], { dtype: 'int32' }), b: tensor([true, false]) },
      { format: 'pt' },
    );
    expect(bytes).toBeInstanceOf(Uint8Array);
    const back = loadSafetensors(bytes);
    expect(Object.keys(back).sort()).toEqual(['b', 'i', 'w']);
    expect(back.w!.tolist()).toEqual([[1.5, -2]]);
    expect(back.i!.dtype).toBe('int32');
    expect(back.i!.tolist()).toEqual([1, 2, 3]);
    expect(back.b!.tolist()).toEqual([true, false]);
    expect(saveSafetensors({ w: zeros([1]) })).toBeInstanceOf(Uint8Array);
  });
  it('a truncated or malformed file is a clear error', () => {
    const bytes = saveSafetensors({ w: zeros([4, 4]) });
    expect(() => loadSafetensors(bytes.subarray(0, bytes.length - 8))).toThrow();
    expect(() => loadSafetensors(new Uint8Array([1, 2, 3]))).toThrow();
  });
});
