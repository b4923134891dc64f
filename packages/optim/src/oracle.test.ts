/**
 * The `optim` and `train` cases of the PyTorch oracle (/work/shared/oracle): build the model of
 * the case's config with @flint/nn, load `param.*`, then per step zeroGrad, loss, backward,
 * step, and compare each step's loss and the state dict after step k (`step.<k>.*`) or at the
 * end (`final.*`) with the case's tolerances.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@flint/tensor';
import { loadCase, oracleCases, ORACLES, type OracleCase } from '../../../tests/oracle-cases.js';
import { buildModel, buildOptimizer } from '../../../tests/oracle-optim-calls.js';
import { F } from '@flint/nn';

/** The optim and train cases of every oracle folder (tests/oracle-cases.ts). */
const cases = oracleCases('optim', 'train');
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
