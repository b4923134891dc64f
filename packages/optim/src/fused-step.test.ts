/**
 * The fused in-place steps of SGD, Adam and AdamW on WASM (one pass per parameter): the same bits
 * as the update written out with out-of-place ops, and PyTorch's in-place meaning: views of a
 * parameter see the step, a graph that saved a parameter refuses to run backward after it.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, randint, randn, tensor, zerosLike, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { F, Linear, ReLU, Sequential } from '@flint/nn';
import { Adam, AdamW, SGD, type Optimizer } from './index.js';

const bits = (t: Tensor) => [...new Uint32Array(new Float32Array(t.flatten().tolist() as number[]).buffer)];

/** One parameter's update written out with out-of-place ops (PyTorch's formulas): the new value. */
type Written = (p: Tensor, g: Tensor, state: Record<string, Tensor | number>) => Tensor;

/** torch.optim.SGD without Nesterov. */
const sgdWritten = (lr: number, momentum: number, dampening: number, wd: number, maximize: boolean): Written => (p, g, s) => {
  let d = maximize ? g.neg() : g;
  if (wd !== 0) d = d.add(p, { alpha: wd });
  if (momentum !== 0) d = s.buf = s.buf === undefined ? d.clone() : (s.buf as Tensor).mul(momentum).add(d, { alpha: 1 - dampening });
  return p.add(d, { alpha: -lr });
};

/** torch.optim.Adam (or AdamW, `decoupled`) without amsgrad. */
const adamWritten = (lr: number, [b1, b2]: [number, number], eps: number, wd: number, decoupled: boolean, maximize = false): Written => (p, g, s) => {
  const t = (s.step = ((s.step as number | undefined) ?? 0) + 1);
  if (maximize) g = g.neg();
  if (!decoupled && wd !== 0) g = g.add(p, { alpha: wd });
  const m = (s.m = ((s.m as Tensor | undefined) ?? zerosLike(p)).mul(b1).add(g, { alpha: 1 - b1 }));
  const v = (s.v = ((s.v as Tensor | undefined) ?? zerosLike(p)).mul(b2).add(g.mul(1 - b2).mul(g)));
  const denom = v.sqrt().div(Math.sqrt(1 - b2 ** t)).add(eps);
  const base = decoupled && wd !== 0 ? p.mul(1 - lr * wd) : p;
  return base.add(m.div(denom).mul(-(lr / (1 - b1 ** t))));
};

/**
 * Trains two copies of an MLP for `steps` steps, one with `opt` (the fused step) and one with the
 * update written out, checking their parameters bit for bit after every step; returns the
 * optimizer and the written-out state of the first parameter.
 */
function trainsAsWritten(make: (params: Tensor[]) => Optimizer, written: Written, steps: number): [Optimizer, Record<string, Tensor | number>] {
  const model = () => {
    manualSeed(3);
    return new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 3));
  };
  const [a, b] = [model(), model()];
  const opt = make(a.parameters());
  const states = b.parameters().map(() => ({}) as Record<string, Tensor | number>);
  const x = randn([16, 8]);
  const y = randint(0, 3, [16]);
  for (let i = 0; i < steps; i++) {
    for (const m of [a, b]) {
      for (const p of m.parameters()) p.grad = null;
      F.crossEntropy(m(x) as Tensor, y).backward();
    }
    opt.step();
    noGrad(() => b.parameters().forEach((p, j) => p.copy_(written(p.detach(), p.grad!, states[j]!))));
    a.parameters().forEach((p, j) => expect(bits(p.detach()), `step ${i}, parameter ${j}`).toEqual(bits(b.parameters()[j]!.detach())));
  }
  return [opt, states[0]!];
}

describe('SGD on WASM, fused', () => {
  it.each([
    ['momentum 0.9', { momentum: 0.9 }],
    ['momentum 0.9, dampening 0.1', { momentum: 0.9, dampening: 0.1 }],
    ['no momentum', {}],
  ] as const)('%s: three steps, bit for bit the update written out', (_name, opts) => {
    manualSeed(11);
    const p = randn([33, 7], { requiresGrad: true });
    const lr = 0.05;
    const momentum = (opts as { momentum?: number }).momentum ?? 0;
    const dampening = (opts as { dampening?: number }).dampening ?? 0;
    const opt = new SGD([p], { lr, ...opts });
    let want = p.detach().clone();
    let buf: Tensor | null = null;
    for (let i = 0; i < 3; i++) {
      const g = randn([33, 7]);
      p.grad = g;
      opt.step();
      // torch.optim.SGD: buf = g at the first step, then buf·momentum + (1 - dampening)·g.
      const d: Tensor = momentum === 0 ? g : (buf = buf === null ? g.clone() : buf.mul(momentum).add(g, { alpha: 1 - dampening }));
      want = want.add(d, { alpha: -lr });
      expect(bits(p.detach())).toEqual(bits(want));
    }
    const state = opt.stateDict().state[0] as { momentum_buffer: Tensor | null };
    if (momentum === 0) expect(state.momentum_buffer).toBeNull();
    else expect(bits(state.momentum_buffer!)).toEqual(bits(buf!));
  });

  it.each([
    ['momentum 0.9', { lr: 0.1, momentum: 0.9 }],
    ['momentum 0.9, weight decay 5e-4 (the ResNet recipe)', { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 }],
    ['momentum 0.9, dampening 0.2, maximize', { lr: 0.1, momentum: 0.9, dampening: 0.2, maximize: true }],
    ['no momentum, weight decay 0.01', { lr: 0.1, weightDecay: 0.01 }],
  ] as const)('%s: an MLP trains bit for bit as with the update written out (kernels drop what they packed from the old weights)', (_name, o) => {
    const h = { momentum: 0, dampening: 0, weightDecay: 0, maximize: false, ...o };
    trainsAsWritten((ps) => new SGD(ps, o), sgdWritten(h.lr, h.momentum, h.dampening, h.weightDecay, h.maximize), 5);
  });

  it('a view of a parameter sees the step; a copy made before it does not', () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const row = p.detach().select(0, 0);
    const copy = p.detach().clone();
    const opt = new SGD([p], { lr: 1, momentum: 0.5 });
    for (let i = 0; i < 2; i++) {
      p.grad = tensor([[1, 1], [1, 1]]);
      opt.step();
    }
    // buf: 1, then 0.5 + 1 = 1.5; p: x - 1 - 1.5.
    expect(row.tolist()).toEqual([-1.5, -0.5]);
    expect(copy.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it('a graph that saved the parameter fails its backward after the step, as in PyTorch', () => {
    const p = randn([4], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = randn([4]);
    opt.step();
    const y = p.mul(p).sum();
    p.grad = randn([4]);
    opt.step();
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });
});

describe('Adam and AdamW on WASM, fused', () => {
  it.each([
    ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.01 }), adamWritten(0.01, [0.9, 0.999], 1e-8, 0, false)],
    ['Adam, betas (0.8, 0.99), eps 1e-6', (ps: Tensor[]) => new Adam(ps, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6 }), adamWritten(0.02, [0.8, 0.99], 1e-6, 0, false)],
    ['Adam, L2 weight decay 0.1, maximize', (ps: Tensor[]) => new Adam(ps, { lr: 0.01, weightDecay: 0.1, maximize: true }), adamWritten(0.01, [0.9, 0.999], 1e-8, 0.1, false, true)],
    ['AdamW, weight decay 0.1', (ps: Tensor[]) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 }), adamWritten(0.01, [0.9, 0.999], 1e-8, 0.1, true)],
  ] as const)('%s: an MLP trains bit for bit as with the update written out', (_name, make, written) => {
    const [opt, state] = trainsAsWritten(make, written, 4);
    const saved = opt.stateDict().state[0] as { exp_avg: Tensor; exp_avg_sq: Tensor; step: unknown };
    expect(bits(saved.exp_avg)).toEqual(bits(state.m as Tensor));
    expect(bits(saved.exp_avg_sq)).toEqual(bits(state.v as Tensor));
  });

  it('one step by hand: the first Adam step moves each weight by lr against its gradient sign', () => {
    const p = tensor([1, -2, 3], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = tensor([0.5, -4, 0]);
    opt.step();
    // m = 0.1·g, v = 0.001·g², m̂ / (√v̂ + ε) = g / (|g| + ε) for g ≠ 0, 0 for g = 0.
    (p.detach().tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.9, -1.9, 3][i]!, 6));
  });
});
