/**
 * The fused in-place steps of SGD, Adam and AdamW on WASM (one pass per parameter): the same bits
 * as the update written out with out-of-place ops, and PyTorch's in-place meaning: views of a
 * parameter see the step, a graph that saved a parameter refuses to run backward after it.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, randint, randn, tensor, type Tensor } from '@flint/tensor';
import { F, Linear, ReLU, Sequential } from '@flint/nn';
import { Adam, AdamW, SGD, type Optimizer } from './index.js';

const bits = (t: Tensor) => [...new Uint32Array(new Float32Array(t.flatten().tolist() as number[]).buffer)];

/**
 * Trains two copies of an MLP for `steps` steps, one with `make(params, false)` (the fused step)
 * and one with `make(params, true)` fed negated gradients (`maximize` takes the unfused ops, with
 * the same values), checking their parameters bit for bit after every step; returns both optimizers.
 */
function trainsLikeUnfused(make: (params: Tensor[], maximize: boolean) => Optimizer, steps: number): [Optimizer, Optimizer] {
  const setup = (fused: boolean) => {
    manualSeed(3);
    const model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 3));
    return { model, fused, opt: make(model.parameters(), !fused) };
  };
  const runs = [setup(true), setup(false)];
  const x = randn([16, 8]);
  const y = randint(0, 3, [16]);
  for (let i = 0; i < steps; i++) {
    for (const { model, fused, opt } of runs) {
      opt.zeroGrad();
      F.crossEntropy(model(x) as Tensor, y).backward();
      if (!fused) for (const p of model.parameters()) p.grad = p.grad!.neg();
      opt.step();
    }
    const [a, b] = runs.map((r) => r.model.parameters());
    a!.forEach((p, j) => expect(bits(p.detach()), `step ${i}, parameter ${j}`).toEqual(bits(b![j]!.detach())));
  }
  return [runs[0]!.opt, runs[1]!.opt];
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

  it('trains an MLP bit for bit as the unfused step does (kernels drop what they packed from the old weights)', () => {
    trainsLikeUnfused((ps, maximize) => new SGD(ps, { lr: 0.1, momentum: 0.9, maximize }), 5);
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
    ['Adam', (ps: Tensor[], maximize: boolean) => new Adam(ps, { lr: 0.01, maximize })],
    ['Adam, betas (0.8, 0.99), eps 1e-6', (ps: Tensor[], maximize: boolean) => new Adam(ps, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, maximize })],
    ['AdamW, weight decay 0.1', (ps: Tensor[], maximize: boolean) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1, maximize })],
  ] as const)('%s: an MLP trains bit for bit as with the unfused ops', (_name, make) => {
    const opts = trainsLikeUnfused(make, 4);
    const [sa, sb] = opts.map((o) => o.stateDict().state[0] as { exp_avg: Tensor; exp_avg_sq: Tensor });
    expect(bits(sa!.exp_avg)).toEqual(bits(sb!.exp_avg));
    expect(bits(sa!.exp_avg_sq)).toEqual(bits(sb!.exp_avg_sq));
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
