/**
 * The `optim` and `train` cases of the PyTorch oracle (tests/oracle-cases.ts): build the model of
 * the case's config with @flint/nn, load `param.*`, then per step zeroGrad, loss, backward,
 * step, and compare each step's loss and the state dict after step k (`step.<k>.*`) or at the
 * end (`final.*`) with the case's tolerances (tests/oracle-optim-calls.ts, which @flint/webgpu's
 * runner uses too).
 */
import { describe, expect, it } from 'vitest';
import './index.js';
import { oracleCases, ORACLES } from '../../../tests/oracle-cases.js';
import { checkOptimCase } from '../../../tests/oracle-optim-calls.js';

/** The optim and train cases of every oracle folder. */
const cases = oracleCases('optim', 'train');

describe('optim and train cases of the PyTorch oracle', () => {
  it.each(ORACLES.filter((o) => o.label === 'project' || o.label === 'shared').map((o) => [o.label] as const))('finds the %s cases', (label) => {
    expect(cases.filter((c) => c.label === label).length, `oracle cases in ${label}`).toBeGreaterThan(0);
  });
  for (const c of cases) it(`${c.name}: ${c.config.optimizer} on ${c.config.model}, ${c.config.steps} steps`, () => checkOptimCase(c));
});
