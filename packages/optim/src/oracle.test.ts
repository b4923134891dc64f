/**
 * The `optim` and `train` cases of the PyTorch oracle (/work/shared/oracle): build the model of
 * the case's config with @flint/nn, load `param.*`, then per step zeroGrad, loss, backward,
 * step, and compare each step's loss and the state dict after step k (`step.<k>.*`) or at the
 * end (`final.*`) with the case's tolerances.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@flint/tensor';
import { loadCase, oracleCases, ORACLES, type OracleCase } from '../../../tests/oracle-cases.js';
import { F, Linear, ReLU, Sequential, Tanh, type Module } from '@flint/nn';
import { Adam, AdamW, RMSprop, Adagrad, SGD, type Optimizer } from './index.js';

/** The optim and train cases of every oracle folder (tests/oracle-cases.ts). */
const cases = oracleCases('optim', 'train');
/** Builds `Sequential(Linear(3,4), Tanh(), Linear(4,2))` and the like from the config string. */
function buildModel(spec: string): Module {
  const inner = /^Sequential\((.*)\)$/.exec(spec.trim());
  if (!inner) throw new Error(`oracle: unsupported model '${spec}'`);
  const layers = [...inner[1]!.matchAll(/(\w+)\(([^)]*)\)/g)].map(([, name, args]) => {
    const nums = args!.split(',').filter((s) => s.trim() !== '').map(Number);
    if (name === 'Linear') return new Linear(nums[0]!, nums[1]!);
    if (name === 'Tanh') return new Tanh();
    if (name === 'ReLU') return new ReLU();
    throw new Error(`oracle: unsupported layer '${name}'`);
  });
  return new Sequential(...layers);
}

function buildOptimizer(params: Tensor[], c: Record<string, any>): Optimizer<any> {
  const common = { lr: c.lr, weightDecay: c.weight_decay };
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(params, { ...common, momentum: c.momentum, dampening: c.dampening, nesterov: c.nesterov });
    case 'Adam':
      return new Adam(params, { ...common, betas: c.betas, eps: c.eps, amsgrad: c.amsgrad });
    case 'AdamW':
      return new AdamW(params, { ...common, betas: c.betas, eps: c.eps, amsgrad: c.amsgrad });
    case 'RMSprop':
      return new RMSprop(params, { ...common, alpha: c.alpha, eps: c.eps, momentum: c.momentum, centered: c.centered });
    case 'Adagrad':
      return new Adagrad(params, { ...common, lrDecay: c.lr_decay, eps: c.eps });
    default:
      throw new Error(`oracle: unsupported optimizer '${c.optimizer}'`);
  }
}

function compare(actual: Tensor | number[], expected: Tensor, c: OracleCase, label: string): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.dataSync());
  const e = Array.from(expected.dataSync());
  expect(a.length, `${label}: element count`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= c.atol + c.rtol * Math.abs(e[i]!))) {
      expect.fail(`${label}: element ${i} is ${a[i]}, PyTorch gives ${e[i]} (atol ${c.atol}, rtol ${c.rtol})`);
    }
  }
}

describe('optim and train cases of the PyTorch oracle', () => {
  it.each(ORACLES.filter((o) => o.label === 'project' || o.label === 'shared').map((o) => [o.label] as const))('finds the %s cases', (label) => {
    expect(cases.filter((c) => c.label === label).length, `oracle cases in ${label}`).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`${c.name}: ${c.config.optimizer} on ${c.config.model}, ${c.config.steps} steps`, () => {
      // The case's tensors are read across steps: keep them until the end of the test.
      const file = loadCase(c);
      for (const t of Object.values(file)) t.keep();
      const model = buildModel(c.config.model);
      const params = Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
      model.loadStateDict(params);
      const opt = buildOptimizer([...model.parameters()], c.config);
      const input = file.input!;
      const target = file.target!;
      const lossFn = c.config.loss === 'cross_entropy' ? F.crossEntropy : F.mseLoss;
      const losses: number[] = [];
      for (let k = 1; k <= c.config.steps; k++) {
        opt.zeroGrad();
        const loss = lossFn(model(input), target);
        loss.backward();
        opt.step();
        losses.push(loss.item());
        const sd = model.stateDict();
        for (const [name, t] of Object.entries(sd)) {
          const expected = file[`step.${k}.${name}`];
          if (expected) compare(t, expected, c, `step ${k} ${name}`);
        }
      }
      compare(losses, file.losses!, c, 'losses');
      const sd = model.stateDict();
      for (const [key, expected] of Object.entries(file)) {
        if (key.startsWith('final.')) compare(sd[key.slice(6)]!, expected, c, key);
      }
      opt.dispose();
      for (const t of Object.values(file)) t.dispose();
    });
  }
});
