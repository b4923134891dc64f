import { getBackend, manualSeed, randn, tensor, zeros, type Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import {
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  ModuleDict,
  ModuleList,
  ReLU,
  Sequential,
  SiLU,
  Sigmoid,
  Softmax,
  Tanh,
} from './index.js';

const flat = (t: Tensor) => Array.from(t.dataSync());

describe('Linear', () => {
  it('has weight [out, in], PyTorch init bounds, and maps [*, in] to [*, out]', () => {
    manualSeed(0);
    const fc = new Linear(16, 8);
    expect(fc.weight.shape).toEqual([8, 16]);
    expect(fc.bias!.shape).toEqual([8]);
    const bound = 1 / Math.sqrt(16);
    for (const v of [...flat(fc.weight), ...flat(fc.bias!)]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    // Spread: uniform over ±bound has std bound/√3.
    const w = fc.weight;
    expect(w.std().item()).toBeGreaterThan(0.8 * (bound / Math.sqrt(3)));
    expect(fc(randn([2, 3, 16])).shape).toEqual([2, 3, 8]);
    expect(fc(randn([16])).shape).toEqual([8]);
  });

  it('is reproducible under manualSeed', () => {
    manualSeed(7);
    const a = new Linear(3, 2);
    manualSeed(7);
    const b = new Linear(3, 2);
    expect(a.weight.tolist()).toEqual(b.weight.tolist());
  });

  it('names the layer and both shapes on a wrong trailing size', () => {
    const fc = new Linear(4, 3);
    expect(() => fc(randn([2, 5]))).toThrow(
      'Linear(in_features=4, out_features=3): expected input with last dimension 4, got shape [2, 5] (mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3))',
    );
  });
});

describe('activations', () => {
  const x = tensor([-2, -0.5, 0, 1.5]);
  const cases: [string, { (x: Tensor): Tensor; toString(): string }, (v: number) => number][] = [
    ['ReLU()', new ReLU(), (v) => Math.max(v, 0)],
    ['Sigmoid()', new Sigmoid(), (v) => 1 / (1 + Math.exp(-v))],
    ['Tanh()', new Tanh(), Math.tanh],
    ['SiLU()', new SiLU(), (v) => v / (1 + Math.exp(-v))],
    ['LeakyReLU(negative_slope=0.2)', new LeakyReLU(0.2), (v) => (v >= 0 ? v : 0.2 * v)],
    ['ELU(alpha=1.0)', new ELU(), (v) => (v > 0 ? v : Math.exp(v) - 1)],
    ["GELU(approximate='tanh')", new GELU({ approximate: 'tanh' }), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['Identity()', new Identity(), (v) => v],
  ];
  for (const [repr, layer, fn] of cases) {
    it(repr, () => {
      expect(String(layer)).toBe(repr);
      flat(layer(x)).forEach((v, i) => expect(v).toBeCloseTo(fn(flat(x)[i]!), 5));
    });
  }

  it('GELU (exact), Softmax and LogSoftmax', () => {
    expect(String(new GELU())).toBe("GELU(approximate='none')");
    expect(new GELU()(tensor([1])).item()).toBeCloseTo(0.8413447, 5);
    const logits = tensor([[1, 2, 3]]);
    const sm = new Softmax(1);
    expect(String(sm)).toBe('Softmax(dim=1)');
    expect(sm(logits).sum().item()).toBeCloseTo(1, 6);
    expect((new LogSoftmax(1)(logits).tolist() as number[][])[0]![2]).toBeCloseTo(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 5);
  });
});

describe('Dropout', () => {
  it('validates p as PyTorch', () => {
    expect(() => new Dropout(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(String(new Dropout(0.25))).toBe('Dropout(p=0.25, inplace=False)');
  });

  it('scales kept elements by 1/(1-p) in training, is the identity in eval, and is seeded', () => {
    const d = new Dropout(0.5);
    const x = randn([1000]).abs().add(1);
    manualSeed(3);
    const y = flat(d(x));
    manualSeed(3);
    expect(flat(d(x))).toEqual(y);
    const xs = flat(x);
    const kept = y.filter((v) => v !== 0).length;
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThan(600);
    y.forEach((v, i) => v !== 0 && expect(v).toBeCloseTo(2 * xs[i]!, 5));
    d.eval();
    expect(d(x)).toBe(x);
  });
});

describe('Flatten', () => {
  it('flattens dims startDim..endDim', () => {
    expect(new Flatten()(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(0, 1)(zeros([2, 3, 4])).shape).toEqual([6, 4]);
    expect(String(new Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
  });
});

describe('Embedding', () => {
  it('looks up rows, zeroes the padding row, and trains on the active backend', () => {
    manualSeed(0);
    const emb = new Embedding(10, 3, { paddingIdx: 0 });
    expect(String(emb)).toBe('Embedding(10, 3, padding_idx=0)');
    expect(flat(emb.weight.index(0))).toEqual([0, 0, 0]);
    const idx = tensor([[1, 0, 4], [4, 4, 9]], { dtype: 'int32' });
    const out = emb(idx);
    expect(out.shape).toEqual([2, 3, 3]);
    expect(flat(out.index(0, 2))).toEqual(flat(emb.weight.index(4)));
    out.mul(tensor([1, 2, 3])).sum().backward();
    const g = emb.weight.grad!.tolist() as number[][];
    expect(g[0]).toEqual([0, 0, 0]); // padding row: no gradient
    expect(g[4]).toEqual([3, 6, 9]); // used three times
    expect(g[9]).toEqual([1, 2, 3]);
    expect(g[2]).toEqual([0, 0, 0]);
    expect(['wasm', 'cpu']).toContain(getBackend());
  });

  it('rejects float indices', () => {
    expect(() => new Embedding(4, 2)(tensor([1, 2]))).toThrow(/Expected tensor for argument #1 'indices'/);
  });

  it('fromPretrained copies and freezes', () => {
    const e = Embedding.fromPretrained(tensor([[1, 2], [3, 4]]));
    expect(e.weight.requiresGrad).toBe(false);
    expect(e(tensor([1], { dtype: 'int32' })).tolist()).toEqual([[3, 4]]);
  });
});

describe('LayerNorm', () => {
  it('normalises over the last dims with the biased variance', () => {
    const ln = new LayerNorm(4);
    expect(String(ln)).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=True)');
    expect(ln.namedParameters().map(([n, p]) => [n, [...p.shape]])).toEqual([
      ['weight', [4]],
      ['bias', [4]],
    ]);
    const y = flat(ln(tensor([[1, 2, 3, 4]])));
    const sd = Math.sqrt(1.25 + 1e-5);
    y.forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 2.5) / sd, 5));
    expect(new LayerNorm([2, 2], { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(() => ln(zeros([2, 3]))).toThrow(/expected input with shape \[\*, 4\], but got input of size \[2, 3\]/);
  });
});

describe('containers', () => {
  it('Sequential: keys 0, 1, …; indexable, iterable, append', () => {
    const seq = new Sequential(new Linear(2, 4), new ReLU());
    seq.append(new Linear(4, 1));
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBe(seq.get(2));
    expect(seq[0]).toBe(seq.at(0));
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq(randn([5, 2])).shape).toEqual([5, 1]);
    expect(() => seq.at(3)).toThrow('index 3 is out of range');
    expect(seq.slice(0, 2).length).toBe(2);
    seq.pop(1);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('Sequential from named modules', () => {
    const seq = new Sequential(new Map([['fc', new Linear(2, 2)], ['act', new ReLU()]]));
    expect(String(seq)).toBe('Sequential(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n  (act): ReLU()\n)');
  });

  it('ModuleList and ModuleDict register their modules', () => {
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    list.insert(0, new ReLU());
    expect(list.length).toBe(3);
    expect(Object.keys(list.stateDict())).toEqual(['1.weight', '1.bias', '2.weight', '2.bias']);
    expect(() => list(randn([1]))).toThrow('Module [ModuleList] is missing the required "forward" function');
    const dict = new ModuleDict({ enc: new Linear(2, 3), dec: new Linear(3, 2) });
    expect([...dict]).toEqual(['enc', 'dec']);
    expect(dict.get('enc')).toBeInstanceOf(Linear);
    expect(Object.keys(dict.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    dict.pop('enc');
    expect(dict.keys()).toEqual(['dec']);
  });
});
