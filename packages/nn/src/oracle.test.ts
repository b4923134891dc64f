/**
 * PyTorch oracle cases (tests/oracle-cases.ts) for the kinds this package owns: the seed's custom
 * `Linear` and `Perceptron`, `nn.Linear`, and the losses. How each is built, called and compared
 * is in tests/oracle-nn-calls.ts, which @flint/webgpu's runner uses too.
 */
import { describe, it } from 'vitest';
import './index.js';
import { oracleCases } from '../../../tests/oracle-cases.js';
import { checkLossCase, checkNnModuleCase, NN_MODULE_BUILDERS } from '../../../tests/oracle-nn-calls.js';

describe('oracle: modules', () => {
  for (const c of oracleCases(...Object.keys(NN_MODULE_BUILDERS))) it(c.name, () => checkNnModuleCase(c));
});

describe('oracle: losses', () => {
  for (const c of oracleCases('loss')) it(c.name, () => checkLossCase(c));
});
