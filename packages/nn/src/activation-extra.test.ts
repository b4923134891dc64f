/**
 * The activations beyond ReLU/Sigmoid/Tanh, GroupNorm, F.pad, F.normalize, F.cosineSimilarity
 * and utils.rnn.padSequence: PyTorch's reprs, arguments and errors, gradients by finite
 * differences and at the kinks (PyTorch's conventions), and no leaks. Numbers against PyTorch
 * are in oracle-layers.test.ts.
 */
import { gradcheck } from '@flint/autograd';
import { manualSeed, memory, randn, tensor, type Tensor } from '@flint/tensor';
import { describe, expect, it, vi } from 'vitest';
import {
  CELU,
  ELU,
  F,
  GroupNorm,
  Hardsigmoid,
  Hardswish,
  Hardtanh,
  LogSigmoid,
  Mish,
  PReLU,
  ReLU6,
  SELU,
  SiLU,
  Softplus,
  Softsign,
  Tanhshrink,
  utils,
} from './index.js';

const flat = (t: Tensor) => Array.from(t.dataSync());

/** Values at least 0.1 away from the kinks, for finite differences. */
const x0 = () => tensor([[-3.7, -2.2, -0.6, 0.4], [1.3, 2.6, 3.4, 6.5]], { requiresGrad: true });

describe('activation layers: PyTorch reprs and arguments', () => {
  const reprs: [unknown, string][] = [
    [new SiLU(), 'SiLU()'],
    [new SiLU(true), 'SiLU(inplace=True)'],
    [new Mish(), 'Mish()'],
    [new Mish({ inplace: true }), 'Mish(inplace=True)'],
    [new SELU(), 'SELU()'],
    [new SELU(true), 'SELU(inplace=True)'],
    [new ELU(0.5, true), 'ELU(alpha=0.5, inplace=True)'],
    [new CELU(), 'CELU(alpha=1.0)'],
    [new CELU(2, true), 'CELU(alpha=2.0, inplace=True)'],
    [new Softplus(), 'Softplus(beta=1, threshold=20)'],
    [new Softplus(2, 10), 'Softplus(beta=2, threshold=10)'],
    [new PReLU(), 'PReLU(num_parameters=1)'],
    [new PReLU(3, 0.1), 'PReLU(num_parameters=3)'],
    [new ReLU6(), 'ReLU6()'],
    [new ReLU6(true), 'ReLU6(inplace=True)'],
    [new Hardswish(true), 'Hardswish()'],
    [new Hardsigmoid(true), 'Hardsigmoid()'],
    [new Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
    [new Hardtanh(-2, 2, true), 'Hardtanh(min_val=-2.0, max_val=2.0, inplace=True)'],
    [new Hardtanh({ minValue: -3 }), 'Hardtanh(min_val=-3.0, max_val=1.0)'],
    [new Softsign(), 'Softsign()'],
    [new LogSigmoid(), 'LogSigmoid()'],
    [new Tanhshrink(), 'Tanhshrink()'],
    [new GroupNorm(2, 6), 'GroupNorm(2, 6, eps=1e-05, affine=True)'],
    [new GroupNorm(2, 6, 1e-3, false), 'GroupNorm(2, 6, eps=0.001, affine=False)'],
  ];
  for (const [m, repr] of reprs) it(repr, () => expect(String(m)).toBe(repr));

  it('ReLU6 is a Hardtanh(0, 6)', () => {
    const m = new ReLU6();
    expect(m).toBeInstanceOf(Hardtanh);
    expect([m.minVal, m.maxVal]).toEqual([0, 6]);
    expect(flat(m(tensor([-1, 3, 7])))).toEqual([0, 3, 6]);
  });

  it('PReLU: weight [numParameters] filled with init, state-dict key weight, one slope per channel', () => {
    const m = new PReLU({ numParameters: 2, init: 0.5 });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(flat(m.weight)).toEqual([0.5, 0.5]);
    m.loadStateDict({ weight: tensor([0.5, 2]) });
    expect(m(tensor([[-1, -1], [3, -2]])).tolist()).toEqual([[-0.5, -2], [3, -4]]);
    expect(() => new PReLU(3)(randn([2, 4]))).toThrow('prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 4');
    expect(() => new PReLU(3)(randn([3]))).toThrow('channel size = 1');
    expect(() => new PReLU()(tensor(1))).toThrow('prelu: Not allow zero-dim input tensor.');
  });

  it('bad arguments name the layer', () => {
    expect(() => new Hardtanh(1, -1)).toThrow('Hardtanh: max_val must be greater than min_val');
    expect(() => new CELU(0)).toThrow(/CELU: .*alpha must not be 0/);
    expect(() => new SELU(1 as unknown as boolean)).toThrow('SELU: inplace must be a boolean (got number 1)');
    expect(() => new Mish({ alpha: 1 } as never)).toThrow("Mish: got an unexpected option 'alpha'");
    expect(() => F.hardswish(1 as unknown as Tensor)).toThrow('hardswish: input must be a Tensor (got number 1)');
  });
});

describe('F activations: values', () => {
  const v = [-4, -1.5, -0.25, 0, 0.5, 2, 5];
  const x = tensor(v);
  const cases: [string, (t: Tensor) => Tensor, (a: number) => number][] = [
    ['selu', F.selu, (a) => 1.0507009873554805 * (a > 0 ? a : 1.6732632423543772 * Math.expm1(a))],
    ['celu(alpha=2)', (t) => F.celu(t, 2), (a) => (a > 0 ? a : 2 * Math.expm1(a / 2))],
    ['mish', F.mish, (a) => a * Math.tanh(Math.log1p(Math.exp(a)))],
    ['hardtanh', F.hardtanh, (a) => Math.min(Math.max(a, -1), 1)],
    ['relu6', F.relu6, (a) => Math.min(Math.max(a, 0), 6)],
    ['hardswish', F.hardswish, (a) => (a * Math.min(Math.max(a + 3, 0), 6)) / 6],
    ['hardsigmoid', F.hardsigmoid, (a) => Math.min(Math.max(a + 3, 0), 6) / 6],
    ['softsign', F.softsign, (a) => a / (1 + Math.abs(a))],
    ['logsigmoid', F.logsigmoid, (a) => -Math.log1p(Math.exp(-a))],
    ['tanhshrink', F.tanhshrink, (a) => a - Math.tanh(a)],
  ];
  for (const [name, f, ref] of cases) {
    it(name, () => flat(f(x)).forEach((y, i) => expect(y).toBeCloseTo(ref(v[i]!), 5)));
  }
  it('logsigmoid is stable for large |x|', () => {
    const [lo, hi] = flat(F.logsigmoid(tensor([-100, 100])));
    expect(lo).toBe(-100);
    expect(hi).toBeCloseTo(0, 30);
  });
});

describe('F activations: gradients', () => {
  const fns: [string, (t: Tensor) => Tensor][] = [
    ['selu', F.selu],
    ['celu', (t) => F.celu(t, 0.7)],
    ['mish', F.mish],
    ['hardtanh', (t) => F.hardtanh(t, -2, 3)],
    ['relu6', F.relu6],
    ['hardswish', F.hardswish],
    ['hardsigmoid', F.hardsigmoid],
    ['softsign', F.softsign],
    ['logsigmoid', F.logsigmoid],
    ['tanhshrink', F.tanhshrink],
    ['prelu', (t) => F.prelu(t, tensor([0.3, -0.2, 0.5, 2]))],
  ];
  for (const [name, f] of fns) it(`gradcheck ${name}`, () => expect(gradcheck(f, [x0()])).toBe(true));

  it('gradcheck prelu with respect to its weight', () => {
    expect(gradcheck((x, w) => F.prelu(x, w!), [randn([3, 2, 2]), tensor([0.25, 0.5], { requiresGrad: true })])).toBe(true);
  });

  /** The gradient of `f` at each point. */
  const gradAt = (f: (t: Tensor) => Tensor, points: number[]) => {
    const x = tensor(points, { requiresGrad: true });
    f(x).sum().backward();
    return flat(x.grad!);
  };
  it("PyTorch's gradients at the kinks", () => {
    // hardtanh_backward: 0 at the bounds.
    expect(gradAt(F.hardtanh, [-1, 1, 0])).toEqual([0, 0, 1]);
    expect(gradAt(F.relu6, [0, 6])).toEqual([0, 0]);
    // hardswish_backward: 0 below -3, x/3 + 1/2 on [-3, 3], 1 above.
    expect(gradAt(F.hardswish, [-3, 3, -3.5, 3.5])).toEqual([-0.5, 1.5, 0, 1]);
    // hardsigmoid_backward: 1/6 strictly inside (-3, 3).
    expect(gradAt(F.hardsigmoid, [-3, 3, 0])).toEqual([0, 0, 1 / 6].map(Math.fround));
    expect(gradAt(F.softsign, [0])).toEqual([1]);
    expect(gradAt(F.logsigmoid, [0])).toEqual([0.5]);
    expect(gradAt((t) => F.prelu(t, tensor([0.25])), [0])).toEqual([0.25]);
  });
});

describe('GroupNorm', () => {
  it('weight and bias [C] (ones, zeros), none without affine; normalises each group', () => {
    const m = new GroupNorm(2, 4);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    expect(flat(m.weight!)).toEqual([1, 1, 1, 1]);
    expect(flat(m.bias!)).toEqual([0, 0, 0, 0]);
    expect(Object.keys(new GroupNorm(2, 4, { affine: false }).stateDict())).toEqual([]);
    manualSeed(3);
    const y = m(randn([2, 4, 3]).mul(5).add(2));
    const groups = y.reshape([2, 2, 6]);
    flat(groups.mean(2)).forEach((v) => expect(v).toBeCloseTo(0, 5));
    flat(groups.var(2, { correction: 0 })).forEach((v) => expect(v).toBeCloseTo(1, 3));
  });

  it("PyTorch's errors", () => {
    expect(() => new GroupNorm(4, 6)).toThrow('num_channels must be divisible by num_groups');
    expect(() => new GroupNorm(2, 6)(randn([2, 4, 3]))).toThrow(
      'groupNorm: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [6] and input of shape [2, 4, 3]',
    );
    expect(() => F.groupNorm(randn([2, 6, 3]), 4)).toThrow(
      'groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 3] and num_groups=4',
    );
  });

  it('gradcheck with respect to input, weight and bias', () => {
    manualSeed(4);
    const x = randn([2, 4, 3], { requiresGrad: true });
    const w = randn([4], { requiresGrad: true });
    const b = randn([4], { requiresGrad: true });
    expect(gradcheck((x, w, b) => F.groupNorm(x, 2, w, b), [x, w, b], { atol: 2e-3 })).toBe(true);
  });
});

describe('F.pad', () => {
  const x = tensor([[[0, 1, 2, 3, 4]]]);
  it('all modes, positional or options, negative amounts', () => {
    expect(F.pad(x, [2, 1], 'reflect').tolist()).toEqual([[[2, 1, 0, 1, 2, 3, 4, 3]]]);
    expect(F.pad(x, [2, 1], { mode: 'replicate' }).tolist()).toEqual([[[0, 0, 0, 1, 2, 3, 4, 4]]]);
    expect(F.pad(x, [2, 1], 'circular').tolist()).toEqual([[[3, 4, 0, 1, 2, 3, 4, 0]]]);
    expect(F.pad(x, [-1, 2], 'circular').tolist()).toEqual([[[1, 2, 3, 4, 1, 2]]]);
    expect(F.pad(x, [1, -2], 'constant', 9).tolist()).toEqual([[[9, 0, 1, 2]]]);
    expect(F.pad(x, [1, 0], { value: null }).tolist()).toEqual([[[0, 0, 1, 2, 3, 4]]]);
  });
  it("PyTorch's errors", () => {
    expect(() => F.pad(x, [1, 2, 3])).toThrow('pad: Padding length must be divisible by 2');
    expect(() => F.pad(x, [1, 1], 'foo' as never)).toThrow('pad: Unrecognised padding mode foo');
    expect(() => F.pad(x, [1, 1], 'reflect', 1)).toThrow('pad: Padding mode "reflect" doesn\'t take in value argument');
    expect(() => F.pad(tensor([1, 2, 3]), [1, 1], 'reflect')).toThrow('pad: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
    expect(() => F.pad(randn([2, 5]), [1, 1], 'circular')).toThrow('pad: Invalid padding size, expected 0 but got 2');
    expect(() => F.pad(x, [5, 0], 'reflect')).toThrow(/Padding size should be less than the corresponding input dimension/);
  });
  it('gradcheck, every mode', () => {
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      expect(gradcheck((t) => F.pad(t, [2, 1, 1, 1], mode), [randn([1, 1, 3, 4], { requiresGrad: true })])).toBe(true);
    }
  });
});

describe('F.normalize, F.cosineSimilarity', () => {
  it('normalize: unit rows along dim 1; a zero row stays zero (gradient 1/eps, as PyTorch)', () => {
    const x = tensor([[3, 4], [0, 0]], { requiresGrad: true });
    const y = F.normalize(x);
    expect(y.tolist()).toEqual([[0.6, 0.8].map(Math.fround), [0, 0]]);
    y.sum().backward();
    expect(flat(x.grad!).every(Number.isFinite)).toBe(true);
    expect(flat(x.grad!).slice(2)).toEqual([Math.fround(1e12), Math.fround(1e12)]);
    expect(flat(F.normalize(tensor([[3, -4]]), 1, 1))).toEqual([3 / 7, -4 / 7].map(Math.fround));
    expect(flat(F.normalize(tensor([[3, -4]]), { p: Infinity }))).toEqual([0.75, -1]);
  });
  it('cosineSimilarity: broadcasts, drops dim, no NaN for a zero vector', () => {
    const s = F.cosineSimilarity(tensor([[1, 0], [1, 1]]), tensor([[1, 0]]));
    expect(s.shape).toEqual([2]);
    expect(flat(s)[1]).toBeCloseTo(Math.SQRT1_2, 6);
    const z = tensor([[0, 0]], { requiresGrad: true });
    const c = F.cosineSimilarity(z, tensor([[1, 2]]));
    c.sum().backward();
    expect(flat(c)).toEqual([0]);
    expect(flat(z.grad!).every(Number.isFinite)).toBe(true);
    expect(() => F.cosineSimilarity(randn([2, 3]), randn([4, 3]))).toThrow(/cosineSimilarity/);
  });
  it('gradcheck', () => {
    manualSeed(5);
    expect(gradcheck((a) => F.normalize(a, { p: 3, dim: 0 }), [randn([3, 2], { requiresGrad: true })])).toBe(true);
    expect(gradcheck((a, b) => F.cosineSimilarity(a, b, -1), [randn([2, 4], { requiresGrad: true }), randn([2, 4], { requiresGrad: true })])).toBe(true);
  });
});

describe('utils.rnn.padSequence', () => {
  it('[T, B, *] or [B, T, *] with paddingValue', () => {
    const seqs = [tensor([1, 2, 3]), tensor([4]), tensor([5, 6])];
    expect(utils.rnn.padSequence(seqs).tolist()).toEqual([[1, 4, 5], [2, 0, 6], [3, 0, 0]]);
    expect(utils.rnn.padSequence(seqs, true, -1).tolist()).toEqual([[1, 2, 3], [4, -1, -1], [5, 6, -1]]);
    expect(utils.rnn.padSequence(seqs, { batchFirst: true }).shape).toEqual([3, 3]);
  });
  it('errors', () => {
    expect(() => utils.rnn.padSequence([])).toThrow('padSequence: received an empty list of sequences');
    expect(() => utils.rnn.padSequence([randn([2, 3]), randn([4, 2])])).toThrow('padSequence: every sequence must have the trailing shape [3]');
  });
  it('gradcheck', () => {
    expect(gradcheck((a, b) => utils.rnn.padSequence([a!, b!], true), [randn([2, 2], { requiresGrad: true }), randn([3, 2], { requiresGrad: true })])).toBe(true);
  });
});

describe('no leaks', () => {
  it('a training loop through the new layers keeps constant live tensors', () => {
    manualSeed(6);
    const gn = new GroupNorm(2, 4);
    const prelu = new PReLU(4);
    const x = randn([2, 4, 5]);
    let at10 = 0;
    for (let i = 1; i <= 30; i++) {
      const h = F.pad(prelu(gn(x)), [1, 1], 'reflect');
      const y = F.hardswish(F.normalize(h)).add(F.mish(h)).add(F.cosineSimilarity(h, h).unsqueeze(1));
      y.square().mean().backward();
      gn.zeroGrad();
      prelu.zeroGrad();
      if (i === 10) at10 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at10);
  });
});

describe('F.embedding, F.klDiv: PyTorch checks', () => {
  it('F.embedding: paddingIdx within the rows (negative counts from the end), gradient none for that row', () => {
    const w = randn([5, 3], { requiresGrad: true });
    const idx = tensor([4, 1, 4], { dtype: 'int32' });
    expect(() => F.embedding(idx, w, 5)).toThrow('embedding: Padding_idx must be within num_embeddings');
    expect(() => F.embedding(idx, w, -6)).toThrow('embedding: Padding_idx must be within num_embeddings');
    F.embedding(idx, w, -1).sum().backward();
    expect(w.grad!.tolist()).toEqual([[0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });
  it("F.klDiv with reduction 'mean' warns once, as PyTorch", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const lp = tensor([[-1.2, -0.4]]);
    const t = tensor([[0.3, 0.7]]);
    F.klDiv(lp, t);
    F.klDiv(lp, t);
    F.klDiv(lp, t, { reduction: 'batchmean' });
    expect(warn.mock.calls.filter(([m]) => String(m).startsWith("klDiv: reduction: 'mean' divides")).length).toBeLessThanOrEqual(1);
    warn.mockRestore();
  });
});
