/**
 * Optimizer state dicts in PyTorch's layout, through `load` / `save` (tests/checkpoints, written by
 * scripts/fixtures/checkpoint_cases.py with PyTorch 1.13): PyTorch's Adam and SGD state dicts load,
 * and training resumed from a PyTorch checkpoint gives PyTorch's next losses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { load, memory, save, Tensor } from '@flint/tensor';
import { F, Linear, Sequential, Tanh } from '@flint/nn';
import { Adam, SGD, type Optimizer } from './index.js';

const fixture = (name: string) => load(readFileSync(new URL(`../../../tests/checkpoints/${name}`, import.meta.url)), { source: name });
const mlp = () => new Sequential(new Linear(4, 3), new Tanh(), new Linear(3, 2));
const values = (t: Tensor) => Array.from(t.dataSync());
const close = (a: number[], b: number[], tol = 1e-5) => a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));

describe("PyTorch's optimizer state dicts", () => {
  it('Adam: state keyed by parameter index, step a 0-d tensor, betas a tuple, PyTorch-only switches dropped', () => {
    const ck = fixture('optimizers.pt');
    const model = mlp();
    model.loadStateDict(ck.adam_model);
    const opt = new Adam(model.parameters());
    opt.loadStateDict(ck.adam);
    const g = opt.paramGroups[0]!;
    expect(g.lr).toBe(0.01);
    expect(g.betas).toEqual([0.8, 0.9]);
    expect(Object.keys(g).sort()).toEqual(['amsgrad', 'betas', 'eps', 'lr', 'maximize', 'params', 'weightDecay']);
    const params = model.parameters();
    params.forEach((p, i) => {
      const s = opt.state.get(p)!;
      expect(s.step).toBe(2);
      expect(values(s.exp_avg as Tensor)).toEqual(values(ck.adam.state[i].exp_avg));
      expect(values(s.exp_avg_sq as Tensor)).toEqual(values(ck.adam.state[i].exp_avg_sq));
      expect(s.exp_avg).not.toBe(ck.adam.state[i].exp_avg);
    });
    opt.dispose();
  });

  it('SGD with momentum: momentum buffers and hyperparameters', () => {
    const ck = fixture('optimizers.pt');
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 1 });
    opt.loadStateDict(ck.sgd);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    expect(opt.paramGroups[0]!.momentum).toBe(0.9);
    expect(opt.paramGroups[0]!.weightDecay).toBe(0.01);
    model.parameters().forEach((p, i) => expect(values(opt.state.get(p)!.momentum_buffer as Tensor)).toEqual(values(ck.sgd.state[i].momentum_buffer)));
    opt.dispose();
  });

  it('a Map state and numeric keys load too', () => {
    const ck = fixture('optimizers.pt');
    const opt = new SGD(mlp().parameters(), { lr: 1 });
    const state = new Map(Object.entries(ck.sgd.state).map(([k, v]) => [Number(k), v as Record<string, unknown>]));
    opt.loadStateDict({ state, param_groups: ck.sgd.param_groups });
    expect(opt.state.size).toBe(4);
    opt.dispose();
  });

  it('refuses modes Flint does not have (differentiable, fused), naming the key; the optimizer is unchanged', () => {
    const ck = fixture('optimizers.pt');
    const opt = new Adam(mlp().parameters(), { lr: 0.5 });
    const before = memory().numTensors;
    for (const [key, value] of [['differentiable', true], ['fused', true], ['foreach', 'yes']] as const) {
      const groups = [{ ...ck.adam.param_groups[0], [key]: value }];
      expect(() => opt.loadStateDict({ state: ck.adam.state, param_groups: groups })).toThrow(`param_groups[0].${key}`);
    }
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
    expect(opt.state.size).toBe(0);
    expect(memory().numTensors).toBe(before);
  });
});

describe('resuming training from a PyTorch checkpoint', () => {
  const cases: [string, (m: Sequential) => Optimizer<any>][] = [
    ['resume_adam.pt', (m) => new Adam(m.parameters())],
    ['resume_sgd.pt', (m) => new SGD(m.parameters(), { lr: 1 })],
  ];
  for (const [file, make] of cases) {
    it(`${file}: model + optimizer after 3 PyTorch steps, 2 Flint steps give PyTorch's losses and weights`, () => {
      const ck = fixture(file);
      expect(ck.epoch).toBe(3);
      const model = mlp();
      model.loadStateDict(ck.model);
      const opt = make(model);
      opt.loadStateDict(ck.optimizer);
      const losses: number[] = [];
      for (let i = 0; i < 2; i++) {
        opt.zeroGrad();
        const loss = F.mseLoss(model(ck.data.x), ck.data.y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      close(losses, ck.data.next_losses);
      const sd = model.stateDict();
      for (const [k, v] of Object.entries(ck.data.final as Record<string, Tensor>)) close(values(sd[k]!), values(v));
      opt.dispose();
    });
  }

  it("stateDict() through save/load resumes exactly where it was (Flint → Flint)", () => {
    const ck = fixture('resume_adam.pt');
    const run = (model: Sequential, opt: Optimizer<any>) => {
      opt.zeroGrad();
      F.mseLoss(model(ck.data.x), ck.data.y).backward();
      opt.step();
    };
    const a = mlp();
    a.loadStateDict(ck.model);
    const optA = new Adam(a.parameters());
    optA.loadStateDict(ck.optimizer);
    run(a, optA);
    const saved = load(save({ model: a.stateDict(), optimizer: optA.stateDict() }));
    const b = mlp();
    b.loadStateDict(saved.model);
    const optB = new Adam(b.parameters());
    optB.loadStateDict(saved.optimizer);
    expect(optB.state.get(b.parameters()[0]!)!.step).toBe(4);
    run(a, optA);
    run(b, optB);
    const sa = a.stateDict();
    for (const [k, v] of Object.entries(b.stateDict())) expect(values(v)).toEqual(values(sa[k]!));
    optA.dispose();
    optB.dispose();
  });
});
