/**
 * PyTorch's positional arguments and Flint's options object are two spellings of one call: this
 * walks every exported layer class, functional, initialiser and util of @flint/nn that takes
 * options, builds it both ways, and checks that both give the same result and that the result is
 * PyTorch's formula. A new export with options must be added here (the walk fails otherwise).
 */
import { Tensor, manualSeed, randn, tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from './index.js';
import { F, Module, init, utils } from './index.js';

const flat = (t: Tensor): number[] => Array.from(t.dataSync());
const x = tensor([[-3, -0.5, 0, 0.7, 2.5], [1, -1.5, 4, -0.2, 30]]);
const xs = flat(x);

function close(actual: Tensor, expected: number[], digits = 5): void {
  const got = flat(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i]!, digits));
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(v: number): number {
  const s = Math.sign(v);
  const a = Math.abs(v);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

const softplusRef = (v: number, beta = 1, threshold = 20) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta);
const rowsOf = (values: number[], width: number) => Array.from({ length: values.length / width }, (_, r) => values.slice(r * width, (r + 1) * width));
const softmaxRows = (values: number[], width: number) =>
  rowsOf(values, width).flatMap((row) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });

const mishRef = (v: number) => v * Math.tanh(Math.log1p(Math.exp(v)));
const seluRef = (v: number) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));
const hardswishRef = (v: number) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6;
/** (r - mean) / √(biased var + eps). */
const standardize = (r: number[], eps: number) => {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
  return r.map((x) => (x - m) / Math.sqrt(v + eps));
};

// ---- layers -------------------------------------------------------------------------------------

interface LayerCase {
  /** PyTorch's positional form and Flint's options form. */
  positional: () => Module;
  options: () => Module;
  /** Runs the layer; default `m(x)`. */
  run?: (m: Module) => Tensor;
  /** PyTorch's formula for the result (from the built module, for random init). */
  expected: (m: Module) => number[];
  repr?: string;
  /** Construction draws random numbers: both forms are built from the same seed. */
  seeded?: boolean;
}

const logits = tensor([[1, 2, 3], [0.5, -1, 2], [0, 0, 0]]);
const target = tensor([2, 0, 1], { dtype: 'int32' });
const w3 = tensor([1, 2, 0.5]);
const lp = rowsOf(flat(logits), 3).map((r) => {
  const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
  return r.map((v) => v - lse);
});
const tgt = [2, 0, 1];
const a = tensor([0.2, 0.7, 0.9, 0.4]);
const b = tensor([0, 1, 1, 0]);
const as_ = flat(a);
const bs = flat(b);
const diff = tensor([0.1, -2, 3, 0.5]);
const zeros4 = tensor([0, 0, 0, 0]);
const ds = flat(diff);
const sum = (v: number[]) => v.reduce((p, q) => p + q, 0);
const loss = (m: Module) => (m as unknown as (a: Tensor, b: Tensor) => Tensor);

const LAYERS: Record<string, LayerCase> = {
  ReLU: { positional: () => new nn.ReLU(true), options: () => new nn.ReLU({ inplace: true }), expected: () => xs.map((v) => Math.max(v, 0)), repr: 'ReLU(inplace=True)' },
  SiLU: { positional: () => new nn.SiLU(false), options: () => new nn.SiLU({ inplace: false }), expected: () => xs.map((v) => v / (1 + Math.exp(-v))), repr: 'SiLU()' },
  GELU: {
    positional: () => new nn.GELU('none'),
    options: () => new nn.GELU({ approximate: 'none' }),
    expected: () => xs.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))),
    repr: "GELU(approximate='none')",
  },
  LeakyReLU: {
    positional: () => new nn.LeakyReLU(0.2),
    options: () => new nn.LeakyReLU({ negativeSlope: 0.2 }),
    expected: () => xs.map((v) => (v >= 0 ? v : 0.2 * v)),
    repr: 'LeakyReLU(negative_slope=0.2)',
  },
  ELU: { positional: () => new nn.ELU(0.5), options: () => new nn.ELU({ alpha: 0.5 }), expected: () => xs.map((v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))), repr: 'ELU(alpha=0.5)' },
  Mish: { positional: () => new nn.Mish(true), options: () => new nn.Mish({ inplace: true }), expected: () => xs.map(mishRef), repr: 'Mish(inplace=True)' },
  SELU: { positional: () => new nn.SELU(true), options: () => new nn.SELU({ inplace: true }), expected: () => xs.map(seluRef), repr: 'SELU(inplace=True)' },
  CELU: { positional: () => new nn.CELU(2), options: () => new nn.CELU({ alpha: 2 }), expected: () => xs.map((v) => (v > 0 ? v : 2 * Math.expm1(v / 2))), repr: 'CELU(alpha=2.0)' },
  Hardtanh: {
    positional: () => new nn.Hardtanh(-2, 2, true),
    options: () => new nn.Hardtanh({ minVal: -2, maxVal: 2, inplace: true }),
    expected: () => xs.map((v) => Math.min(Math.max(v, -2), 2)),
    repr: 'Hardtanh(min_val=-2.0, max_val=2.0, inplace=True)',
  },
  ReLU6: { positional: () => new nn.ReLU6(true), options: () => new nn.ReLU6({ inplace: true }), expected: () => xs.map((v) => Math.min(Math.max(v, 0), 6)), repr: 'ReLU6(inplace=True)' },
  Hardswish: { positional: () => new nn.Hardswish(true), options: () => new nn.Hardswish({ inplace: true }), expected: () => xs.map(hardswishRef), repr: 'Hardswish()' },
  Hardsigmoid: { positional: () => new nn.Hardsigmoid(true), options: () => new nn.Hardsigmoid({ inplace: true }), expected: () => xs.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6), repr: 'Hardsigmoid()' },
  PReLU: { positional: () => new nn.PReLU(5, 0.1), options: () => new nn.PReLU({ numParameters: 5, init: 0.1 }), expected: () => xs.map((v) => (v > 0 ? v : 0.1 * v)), repr: 'PReLU(num_parameters=5)' },
  GroupNorm: {
    positional: () => new nn.GroupNorm(1, 5, 1e-3, false),
    options: () => new nn.GroupNorm(1, 5, { eps: 1e-3, affine: false }),
    expected: () => rowsOf(xs, 5).flatMap((r) => standardize(r, 1e-3)),
    repr: 'GroupNorm(1, 5, eps=0.001, affine=False)',
  },
  Softplus: {
    positional: () => new nn.Softplus(2, 5),
    options: () => new nn.Softplus({ beta: 2, threshold: 5 }),
    expected: () => xs.map((v) => softplusRef(v, 2, 5)),
    repr: 'Softplus(beta=2, threshold=5)',
  },
  Softmax: { positional: () => new nn.Softmax(1), options: () => new nn.Softmax({ dim: 1 }), expected: () => softmaxRows(xs, 5), repr: 'Softmax(dim=1)' },
  LogSoftmax: {
    positional: () => new nn.LogSoftmax(1),
    options: () => new nn.LogSoftmax({ dim: 1 }),
    expected: () => softmaxRows(xs, 5).map(Math.log),
    repr: 'LogSoftmax(dim=1)',
  },
  Dropout: {
    positional: () => new nn.Dropout(0.25),
    options: () => new nn.Dropout({ p: 0.25 }),
    run: (m) => {
      m.eval();
      return m(x);
    },
    expected: () => xs,
    repr: 'Dropout(p=0.25, inplace=False)',
  },
  Flatten: {
    positional: () => new nn.Flatten(0, 1),
    options: () => new nn.Flatten({ startDim: 0, endDim: 1 }),
    run: (m) => {
      const y = m(randn([2, 3, 4]));
      expect(y.shape).toEqual([6, 4]);
      return tensor(y.shape as number[]);
    },
    expected: () => [6, 4],
    repr: 'Flatten(start_dim=0, end_dim=1)',
  },
  Linear: {
    positional: () => new nn.Linear(5, 2, false),
    options: () => new nn.Linear(5, 2, { bias: false }),
    seeded: true,
    expected: (m) => {
      const W = rowsOf(flat((m as nn.Linear).weight), 5);
      expect((m as nn.Linear).bias).toBeNull();
      return rowsOf(xs, 5).flatMap((row) => W.map((wr) => sum(wr.map((wv, j) => wv * row[j]!))));
    },
    repr: 'Linear(in_features=5, out_features=2, bias=False)',
  },
  Embedding: {
    positional: () => new nn.Embedding(4, 3, 1),
    options: () => new nn.Embedding(4, 3, { paddingIdx: 1 }),
    seeded: true,
    run: (m) => m(tensor([[1, 3], [0, 1]], { dtype: 'int32' })),
    expected: (m) => {
      const W = rowsOf(flat((m as nn.Embedding).weight), 3);
      expect(W[1]).toEqual([0, 0, 0]);
      return [1, 3, 0, 1].flatMap((i) => W[i]!);
    },
    repr: 'Embedding(4, 3, padding_idx=1)',
  },
  LayerNorm: {
    positional: () => new nn.LayerNorm(5, 1e-3, false),
    options: () => new nn.LayerNorm(5, { eps: 1e-3, elementwiseAffine: false }),
    expected: () =>
      rowsOf(xs, 5).flatMap((row) => {
        const mu = sum(row) / 5;
        const v = sum(row.map((q) => (q - mu) ** 2)) / 5;
        return row.map((q) => (q - mu) / Math.sqrt(v + 1e-3));
      }),
    repr: 'LayerNorm((5,), eps=0.001, elementwise_affine=False)',
  },
  CrossEntropyLoss: {
    positional: () => new nn.CrossEntropyLoss(w3, null, -100, null, 'sum', 0.1),
    options: () => new nn.CrossEntropyLoss({ weight: w3, reduction: 'sum', labelSmoothing: 0.1 }),
    run: (m) => loss(m)(logits, target),
    // PyTorch: (1-ε)·Σ w[t]·(-logp[t]) + ε/C·Σ_n Σ_c w_c·(-logp_c)
    expected: () => [
      0.9 * sum(tgt.map((t, i) => -flat(w3)[t]! * lp[i]![t]!)) + (0.1 / 3) * sum(lp.map((r) => -sum(r.map((v, c) => flat(w3)[c]! * v)))),
    ],
  },
  NLLLoss: {
    positional: () => new nn.NLLLoss(w3, null, 0),
    options: () => new nn.NLLLoss({ weight: w3, ignoreIndex: 0 }),
    run: (m) => loss(m)(tensor(lp), target),
    // Weighted mean over the targets that are not ignored (target 0 is ignored).
    expected: () => [(-flat(w3)[2]! * lp[0]![2]! - flat(w3)[1]! * lp[2]![1]!) / (flat(w3)[2]! + flat(w3)[1]!)],
  },
  MSELoss: {
    positional: () => new nn.MSELoss(null, null, 'sum'),
    options: () => new nn.MSELoss({ reduction: 'sum' }),
    run: (m) => loss(m)(diff, zeros4),
    expected: () => [sum(ds.map((d) => d * d))],
  },
  L1Loss: {
    // The deprecated pair: size_average=False, reduce=True is 'sum', as PyTorch.
    positional: () => new nn.L1Loss(false, true),
    options: () => new nn.L1Loss({ reduction: 'sum' }),
    run: (m) => loss(m)(diff, zeros4),
    expected: () => [sum(ds.map(Math.abs))],
  },
  SmoothL1Loss: {
    positional: () => new nn.SmoothL1Loss(null, null, 'mean', 0.5),
    options: () => new nn.SmoothL1Loss({ beta: 0.5 }),
    run: (m) => loss(m)(diff, zeros4),
    expected: () => [sum(ds.map((d) => (Math.abs(d) < 0.5 ? (0.5 * d * d) / 0.5 : Math.abs(d) - 0.25))) / 4],
  },
  HuberLoss: {
    positional: () => new nn.HuberLoss('sum', 2),
    options: () => new nn.HuberLoss({ reduction: 'sum', delta: 2 }),
    run: (m) => loss(m)(diff, zeros4),
    expected: () => [sum(ds.map((d) => (Math.abs(d) < 2 ? 0.5 * d * d : 2 * (Math.abs(d) - 1))))],
  },
  BCELoss: {
    positional: () => new nn.BCELoss(tensor([1, 2, 1, 2]), null, null, 'sum'),
    options: () => new nn.BCELoss({ weight: tensor([1, 2, 1, 2]), reduction: 'sum' }),
    run: (m) => loss(m)(a, b),
    expected: () => [sum(as_.map((p, i) => -[1, 2, 1, 2][i]! * (bs[i]! * Math.log(p) + (1 - bs[i]!) * Math.log(1 - p))))],
  },
  BCEWithLogitsLoss: {
    positional: () => new nn.BCEWithLogitsLoss(null, null, null, 'mean', tensor([3])),
    options: () => new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) }),
    run: (m) => loss(m)(diff, b),
    expected: () => {
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      return [sum(ds.map((v, i) => -(3 * bs[i]! * Math.log(sig(v)) + (1 - bs[i]!) * Math.log(1 - sig(v))))) / 4];
    },
  },
  KLDivLoss: {
    positional: () => new nn.KLDivLoss(null, null, 'batchmean', true),
    options: () => new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }),
    run: (m) => loss(m)(tensor(lp), tensor(lp.map((r) => [...r].reverse()))),
    expected: () => [sum(lp.flatMap((r) => r.map((v, c) => Math.exp([...r].reverse()[c]!) * ([...r].reverse()[c]! - v)))) / 3],
  },
};

/** Exported module classes without constructor options. */
const LAYERS_WITHOUT_OPTIONS = ['Module', 'Sigmoid', 'Tanh', 'Identity', 'Sequential', 'ModuleList', 'ModuleDict'];
LAYERS_WITHOUT_OPTIONS.push('Softsign', 'LogSigmoid', 'Tanhshrink');
/** Sequence and attention layers: their forms and numbers are checked in sequence-layers.test.ts and their oracle cases. */
LAYERS_WITHOUT_OPTIONS.push(
  ...['RNNBase', 'RNN', 'LSTM', 'GRU', 'RNNCellBase', 'RNNCell', 'LSTMCell', 'GRUCell', 'MultiheadAttention', 'NonDynamicallyQuantizableLinear'],
  ...['Transformer', 'TransformerEncoder', 'TransformerEncoderLayer', 'TransformerDecoder', 'TransformerDecoderLayer'],
);

describe('every layer with options: positional form = options form = PyTorch formula', () => {
  it('the table covers every exported Module class', () => {
    const exported = Object.entries(nn)
      .filter(([, v]) => typeof v === 'function' && (v === Module || v.prototype instanceof Module))
      .map(([k]) => k)
      .sort();
    expect(exported).toEqual([...Object.keys(LAYERS), ...LAYERS_WITHOUT_OPTIONS].sort());
  });

  for (const [name, c] of Object.entries(LAYERS)) {
    it(name, () => {
      const build = (f: () => Module) => {
        if (c.seeded) manualSeed(11);
        return f();
      };
      const p = build(c.positional);
      const o = build(c.options);
      expect(String(p)).toBe(String(o));
      if (c.repr) expect(String(p)).toBe(c.repr);
      const run = c.run ?? ((m: Module) => m(x) as Tensor);
      const yp = run(p);
      const yo = run(o);
      expect(flat(yp)).toEqual(flat(yo));
      close(yp, c.expected(p), 4);
    });
  }

  it('layers without options refuse arguments they do not take; Identity ignores them as PyTorch', () => {
    expect(() => new (nn.Sigmoid as unknown as new (a: number) => Module)(1)).toThrow('Sigmoid: takes no positional arguments () but 1 were given');
    expect(() => new (nn.Tanh as unknown as new (a: object) => Module)({ inplace: true })).toThrow("Tanh: got an unexpected option 'inplace'; it takes no options");
    expect(new nn.Identity(54, { unused: 1 })(x)).toBe(x);
  });

  it('defaults as PyTorch', () => {
    expect(String(new nn.LeakyReLU())).toBe('LeakyReLU(negative_slope=0.01)');
    expect(String(new nn.ELU())).toBe('ELU(alpha=1.0)');
    expect(String(new nn.Softplus())).toBe('Softplus(beta=1, threshold=20)');
    expect(String(new nn.Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new nn.ReLU())).toBe('ReLU()');
    expect(String(new nn.LeakyReLU(0.1, true))).toBe('LeakyReLU(negative_slope=0.1, inplace=True)');
    expect(String(new nn.Linear(2, 3))).toBe('Linear(in_features=2, out_features=3, bias=True)');
    expect(String(new nn.Softmax())).toBe('Softmax(dim=None)');
  });

  it('Softmax without dim takes PyTorch’s implicit dim (0 for 1-d/3-d, else 1)', () => {
    close(new nn.Softmax()(tensor([1, 2, 3])), softmaxRows([1, 2, 3], 3));
    close(new nn.Softmax()(x), softmaxRows(xs, 5));
  });

  it('mixed positional + options, and the errors of bad arguments', () => {
    close(new nn.LeakyReLU(0.3, { inplace: false })(x), xs.map((v) => (v >= 0 ? v : 0.3 * v)));
    expect(() => new nn.LeakyReLU({ negative_slope: 0.2 } as never)).toThrow("LeakyReLU: got an unexpected option 'negative_slope' (did you mean 'negativeSlope'?); its options are negativeSlope, inplace");
    expect(() => new nn.LeakyReLU('0.2' as never)).toThrow("LeakyReLU: negativeSlope must be a number (got string '0.2')");
    expect(() => new nn.Dropout(0.5, { p: 0.1 } as never)).toThrow("Dropout: got multiple values for argument 'p'");
    expect(() => new nn.Dropout({ p: 2 })).toThrow('dropout probability has to be between 0 and 1, but got 2');
    expect(() => new nn.Softmax({ dim: 1.5 })).toThrow('Softmax: dim must be an integer (got number 1.5)');
    expect(() => new (nn.ELU as unknown as new (...a: unknown[]) => Module)(1, false, 3)).toThrow('ELU: takes at most 2 positional arguments (alpha, inplace) but 3 were given');
    expect(() => new nn.Linear(2, -1)).toThrow('Linear: outFeatures must be non-negative (got -1)');
    expect(() => new nn.Linear(2, 3, { bias: 'no' } as never)).toThrow("Linear: bias must be a boolean (got string 'no')");
    expect(() => new nn.Linear(2, 3, { dtype: 'int32' } as never)).toThrow("Linear: dtype must be 'float32'");
    expect(() => new nn.Embedding(4, 2, { maxNorm: 1 })).toThrow('Embedding: maxNorm is not supported by Flint');
    expect(() => new nn.GELU('fast' as never)).toThrow("GELU: approximate argument must be either none or tanh (got string 'fast')");
    expect(() => new nn.MSELoss('sum' as never)).toThrow("MSELoss: sizeAverage must be a boolean or null (got string 'sum')");
    expect(() => new nn.CrossEntropyLoss({ weight: [1, 2] as never })).toThrow('CrossEntropyLoss: weight must be a Tensor or null (got Array)');
  });

  it('Embedding.fromPretrained: (embeddings, freeze, paddingIdx) or options', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const p = nn.Embedding.fromPretrained(w, false, 0);
    const o = nn.Embedding.fromPretrained(w, { freeze: false, paddingIdx: 0 });
    expect([p.weight.requiresGrad, p.paddingIdx]).toEqual([true, 0]);
    expect([o.weight.requiresGrad, o.paddingIdx]).toEqual([true, 0]);
  });
});

// ---- functionals -------------------------------------------------------------------------------

interface FunctionalCase {
  positional: () => Tensor;
  options: () => Tensor;
  expected: number[];
}

const emb = tensor([[1, 2], [3, 4], [5, 6]]);
const lnW = tensor([1, 2, 1, 2, 1]);
const lnB = tensor([0, 1, 0, 1, 0]);

const FUNCTIONALS: Record<string, FunctionalCase> = {
  relu: { positional: () => F.relu(x, false), options: () => F.relu(x, { inplace: false }), expected: xs.map((v) => Math.max(v, 0)) },
  silu: { positional: () => F.silu(x, false), options: () => F.silu(x, { inplace: false }), expected: xs.map((v) => v / (1 + Math.exp(-v))) },
  softplus: { positional: () => F.softplus(x, 0.5, 1), options: () => F.softplus(x, { beta: 0.5, threshold: 1 }), expected: xs.map((v) => softplusRef(v, 0.5, 1)) },
  elu: { positional: () => F.elu(x, 2), options: () => F.elu(x, { alpha: 2 }), expected: xs.map((v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))) },
  gelu: {
    positional: () => F.gelu(x, 'tanh'),
    options: () => F.gelu(x, { approximate: 'tanh' }),
    expected: xs.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
  },
  celu: { positional: () => F.celu(x, 2), options: () => F.celu(x, { alpha: 2 }), expected: xs.map((v) => (v > 0 ? v : 2 * Math.expm1(v / 2))) },
  selu: { positional: () => F.selu(x, false), options: () => F.selu(x, { inplace: false }), expected: xs.map(seluRef) },
  mish: { positional: () => F.mish(x, false), options: () => F.mish(x, { inplace: false }), expected: xs.map(mishRef) },
  hardtanh: { positional: () => F.hardtanh(x, -2, 2), options: () => F.hardtanh(x, { minVal: -2, maxVal: 2 }), expected: xs.map((v) => Math.min(Math.max(v, -2), 2)) },
  relu6: { positional: () => F.relu6(x, false), options: () => F.relu6(x, { inplace: false }), expected: xs.map((v) => Math.min(Math.max(v, 0), 6)) },
  hardswish: { positional: () => F.hardswish(x, false), options: () => F.hardswish(x, { inplace: false }), expected: xs.map(hardswishRef) },
  hardsigmoid: { positional: () => F.hardsigmoid(x, false), options: () => F.hardsigmoid(x, { inplace: false }), expected: xs.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6) },
  groupNorm: { positional: () => F.groupNorm(x, 1, null, null, 1e-3), options: () => F.groupNorm(x, 1, { eps: 1e-3 }), expected: rowsOf(xs, 5).flatMap((r) => standardize(r, 1e-3)) },
  normalize: {
    positional: () => F.normalize(x, 1, 0),
    options: () => F.normalize(x, { p: 1, dim: 0 }),
    expected: xs.map((v, i) => v / (Math.abs(xs[i % 5]!) + Math.abs(xs[5 + (i % 5)]!))),
  },
  cosineSimilarity: {
    positional: () => F.cosineSimilarity(x, x.abs(), 0, 1e-8),
    options: () => F.cosineSimilarity(x, x.abs(), { dim: 0, eps: 1e-8 }),
    expected: [0, 1, 2, 3, 4].map((c) => {
      const [a, b] = [xs[c]!, xs[5 + c]!];
      return (a * Math.abs(a) + b * Math.abs(b)) / (a * a + b * b);
    }),
  },
  pad: {
    positional: () => F.pad(x, [1, 2], 'replicate'),
    options: () => F.pad(x, [1, 2], { mode: 'replicate' }),
    expected: rowsOf(xs, 5).flatMap((r) => [r[0]!, ...r, r[4]!, r[4]!]),
  },
  leakyRelu: { positional: () => F.leakyRelu(x, 0.2), options: () => F.leakyRelu(x, { negativeSlope: 0.2 }), expected: xs.map((v) => (v >= 0 ? v : 0.2 * v)) },
  softmax: { positional: () => F.softmax(x, 1), options: () => F.softmax(x, { dim: 1 }), expected: softmaxRows(xs, 5) },
  logSoftmax: { positional: () => F.logSoftmax(x, -1), options: () => F.logSoftmax(x, { dim: -1 }), expected: softmaxRows(xs, 5).map(Math.log) },
  linear: {
    positional: () => F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([10, 20, 30])),
    options: () => F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), { bias: tensor([10, 20, 30]) }),
    expected: [11, 22, 33],
  },
  dropout: { positional: () => F.dropout(x, 0.3, false), options: () => F.dropout(x, { p: 0.3, training: false }), expected: xs },
  layerNorm: {
    positional: () => F.layerNorm(x, [5], lnW, lnB, 1e-2),
    options: () => F.layerNorm(x, [5], { weight: lnW, bias: lnB, eps: 1e-2 }),
    expected: rowsOf(xs, 5).flatMap((row) => {
      const mu = sum(row) / 5;
      const v = sum(row.map((q) => (q - mu) ** 2)) / 5;
      return row.map((q, j) => ((q - mu) / Math.sqrt(v + 1e-2)) * flat(lnW)[j]! + flat(lnB)[j]!);
    }),
  },
  embedding: {
    positional: () => F.embedding(tensor([2, 0], { dtype: 'int32' }), emb, 0),
    options: () => F.embedding(tensor([2, 0], { dtype: 'int32' }), emb, { paddingIdx: 0 }),
    expected: [5, 6, 1, 2],
  },
  oneHot: { positional: () => F.oneHot(tensor([2, 0], { dtype: 'int32' }), 4), options: () => F.oneHot(tensor([2, 0], { dtype: 'int32' }), { numClasses: 4 }), expected: [0, 0, 1, 0, 1, 0, 0, 0] },
  crossEntropy: {
    positional: () => F.crossEntropy(logits, target, w3, null, -100, null, 'none'),
    options: () => F.crossEntropy(logits, target, { weight: w3, reduction: 'none' }),
    expected: tgt.map((t, i) => -flat(w3)[t]! * lp[i]![t]!),
  },
  nllLoss: {
    positional: () => F.nllLoss(tensor(lp), target, null, null, 2, null, 'sum'),
    options: () => F.nllLoss(tensor(lp), target, { ignoreIndex: 2, reduction: 'sum' }),
    expected: [-lp[1]![0]! - lp[2]![1]!],
  },
  mseLoss: { positional: () => F.mseLoss(diff, zeros4, null, null, 'none'), options: () => F.mseLoss(diff, zeros4, { reduction: 'none' }), expected: ds.map((d) => d * d) },
  l1Loss: { positional: () => F.l1Loss(diff, zeros4, true, false), options: () => F.l1Loss(diff, zeros4, { reduction: 'none' }), expected: ds.map(Math.abs) },
  smoothL1Loss: {
    positional: () => F.smoothL1Loss(diff, zeros4, null, null, 'sum', 2),
    options: () => F.smoothL1Loss(diff, zeros4, { reduction: 'sum', beta: 2 }),
    expected: [sum(ds.map((d) => (Math.abs(d) < 2 ? (0.5 * d * d) / 2 : Math.abs(d) - 1)))],
  },
  huberLoss: {
    positional: () => F.huberLoss(diff, zeros4, 'none', 0.5),
    options: () => F.huberLoss(diff, zeros4, { reduction: 'none', delta: 0.5 }),
    expected: ds.map((d) => (Math.abs(d) < 0.5 ? 0.5 * d * d : 0.5 * (Math.abs(d) - 0.25))),
  },
  binaryCrossEntropy: {
    positional: () => F.binaryCrossEntropy(a, b, tensor([2, 1, 1, 1]), null, null, 'sum'),
    options: () => F.binaryCrossEntropy(a, b, { weight: tensor([2, 1, 1, 1]), reduction: 'sum' }),
    expected: [sum(as_.map((p, i) => -[2, 1, 1, 1][i]! * (bs[i]! * Math.log(p) + (1 - bs[i]!) * Math.log(1 - p))))],
  },
  binaryCrossEntropyWithLogits: {
    positional: () => F.binaryCrossEntropyWithLogits(diff, b, null, null, null, 'none', tensor([2])),
    options: () => F.binaryCrossEntropyWithLogits(diff, b, { reduction: 'none', posWeight: tensor([2]) }),
    expected: ds.map((v, i) => -(2 * bs[i]! * Math.log(1 / (1 + Math.exp(-v))) + (1 - bs[i]!) * Math.log(1 - 1 / (1 + Math.exp(-v))))),
  },
  klDiv: {
    positional: () => F.klDiv(tensor(lp[0]!), tensor([0.2, 0.3, 0.5]), null, null, 'sum'),
    options: () => F.klDiv(tensor(lp[0]!), tensor([0.2, 0.3, 0.5]), { reduction: 'sum' }),
    expected: [sum([0.2, 0.3, 0.5].map((t, c) => t * (Math.log(t) - lp[0]![c]!)))],
  },
};

const FUNCTIONALS_WITHOUT_OPTIONS = ['sigmoid', 'tanh'];
FUNCTIONALS_WITHOUT_OPTIONS.push('softsign', 'logsigmoid', 'tanhshrink', 'prelu');
// Checked in sequence-layers.test.ts and its oracle cases.
FUNCTIONALS_WITHOUT_OPTIONS.push('scaledDotProductAttention');

describe('every functional with options: positional form = options form = PyTorch formula', () => {
  it('the table covers every function of F', () => {
    const exported = Object.entries(F)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(exported).toEqual([...Object.keys(FUNCTIONALS), ...FUNCTIONALS_WITHOUT_OPTIONS].sort());
  });

  for (const [name, c] of Object.entries(FUNCTIONALS)) {
    it(name, () => {
      const p = c.positional();
      const o = c.options();
      expect(p.shape).toEqual(o.shape);
      expect(flat(p)).toEqual(flat(o));
      close(p, c.expected, 4);
    });
  }

  it('F.leakyRelu(x, { negativeSlope }) and new LeakyReLU({ negativeSlope }) are numbers, not NaN', () => {
    expect(flat(F.leakyRelu(x, { negativeSlope: 0.2 })).some(Number.isNaN)).toBe(false);
    expect(flat(new nn.LeakyReLU({ negativeSlope: 0.2 })(x)).some(Number.isNaN)).toBe(false);
  });

  it('F.dropout: { p, training } trains the same as positional under one seed', () => {
    const big = randn([200]).abs().add(1);
    manualSeed(5);
    const p = flat(F.dropout(big, 0.4, true));
    manualSeed(5);
    const o = flat(F.dropout(big, { p: 0.4, training: true }));
    expect(p).toEqual(o);
    const kept = flat(big);
    p.forEach((v, i) => (v === 0 ? undefined : expect(v).toBeCloseTo(kept[i]! / 0.6, 4)));
    expect(p.filter((v) => v === 0).length).toBeGreaterThan(40);
    // Mixed: p positional, training in options.
    expect(F.dropout(big, 0.4, { training: false })).toBe(big);
  });

  it('a non-tensor input is named', () => {
    expect(() => F.relu([1, 2] as never)).toThrow('relu: input must be a Tensor (got Array)');
    expect(() => F.mseLoss(x, 3 as never)).toThrow('mseLoss: target must be a Tensor (got number 3)');
    expect(() => F.softmax(x, { dim: 1, dtype: 'int32' } as never)).toThrow("softmax: dtype must be one of 'float32'");
  });
});

// ---- init and utils ----------------------------------------------------------------------------

describe('init and utils: positional = options', () => {
  const same = (f: (t: Tensor) => void, g: (t: Tensor) => void, shape = [6, 5]) => {
    const t1 = randn(shape);
    const t2 = randn(shape);
    manualSeed(3);
    f(t1);
    manualSeed(3);
    g(t2);
    expect(flat(t1)).toEqual(flat(t2));
    return flat(t1);
  };

  it('uniform_, normal_, constant_, kaiming*, xavier*, calculateGain', () => {
    const u = same((t) => init.uniform_(t, -2, -1), (t) => init.uniform_(t, { a: -2, b: -1 }));
    u.forEach((v) => expect(v >= -2 && v <= -1).toBe(true));
    same((t) => init.normal_(t, 0, 0.02), (t) => init.normal_(t, { std: 0.02 }));
    expect(same((t) => init.constant_(t, 3), (t) => init.constant_(t, { val: 3 }))).toEqual(Array(30).fill(3));
    const k = same((t) => init.kaimingUniform_(t, 0, 'fan_out', 'relu'), (t) => init.kaimingUniform_(t, { mode: 'fan_out', nonlinearity: 'relu' }));
    const bound = Math.sqrt(2) * Math.sqrt(3 / 6); // gain √2, fan_out = 6
    k.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(bound + 1e-6));
    same((t) => init.kaimingNormal_(t, Math.sqrt(5)), (t) => init.kaimingNormal_(t, { a: Math.sqrt(5) }));
    const xu = same((t) => init.xavierUniform_(t, 2), (t) => init.xavierUniform_(t, { gain: 2 }));
    xu.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(2 * Math.sqrt(6 / 11) + 1e-6));
    same((t) => init.xavierNormal_(t, 0.5), (t) => init.xavierNormal_(t, { gain: 0.5 }));
    expect(init.calculateGain('leaky_relu', { param: 0.2 })).toBe(init.calculateGain('leaky_relu', 0.2));
    expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 10);
    expect(() => init.kaimingUniform_(randn([2, 2]), { mode: 'fan_avg' as 'fan_in' })).toThrow('Mode fan_avg not supported, please use one of fan_in, fan_out');
    expect(() => init.uniform_([1] as never)).toThrow('uniform_: tensor must be a Tensor (got Array)');
  });

  it('clipGradNorm_(params, maxNorm, normType) = clipGradNorm_(params, { maxNorm, normType }); clipGradValue_', () => {
    const run = (clip: (ps: Tensor[]) => Tensor) => {
      const p = new nn.Parameter(tensor([0, 0, 0]));
      p.grad = tensor([3, -4, 12]);
      const total = clip([p]);
      return [total.item(), ...flat(p.grad!)];
    };
    const a1 = run((ps) => utils.clipGradNorm_(ps, 1, 2));
    const a2 = run((ps) => utils.clipGradNorm_(ps, { maxNorm: 1, normType: 2 }));
    const a3 = run((ps) => utils.clipGradNorm_(ps, 1, { normType: 2, errorIfNonfinite: true }));
    expect(a1).toEqual(a2);
    expect(a1).toEqual(a3);
    expect(a1[0]).toBeCloseTo(13, 5);
    expect(a1[3]).toBeCloseTo(12 / 13, 5);
    const inf = run((ps) => utils.clipGradNorm_(ps, 100, 'inf'));
    expect(inf[0]).toBe(12);
    const v = run((ps) => {
      utils.clipGradValue_(ps, { clipValue: 5 });
      return tensor(0);
    });
    expect(v.slice(1)).toEqual([3, -4, 5]);
    expect(() => utils.clipGradNorm_([1] as never, 1)).toThrow('clipGradNorm_: parameters[0] is not a Tensor (got number 1)');
  });
});
