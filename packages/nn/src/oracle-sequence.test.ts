/**
 * PyTorch oracle cases of the sequence models and attention: `rnn`, `lstm`, `gru`, their cells,
 * `mha`, `sdpa` and the transformer layers (the shared oracle's and the project's
 * `tests/oracle/sequence`). Each loads `param.*` strictly, calls the module in train mode with the
 * case's inputs (`input`, `input.N`, `input.N.M`) and masks, compares every output, then backward
 * of Σ (output_i · grad_output_i).sum() and compares the gradient of every input and parameter
 * (tests/oracle-sequence-calls.ts, which @flint/webgpu's runner uses too).
 */
import { describe, expect, it } from 'vitest';
import './index.js';
import { oracleCases } from '../../../tests/oracle-cases.js';
import { checkSequenceCase, SEQUENCE_KINDS } from '../../../tests/oracle-sequence-calls.js';

describe('oracle: sequence models and attention', () => {
  const cases = oracleCases(...SEQUENCE_KINDS);
  it('finds the cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) it(`${c.kind}: ${c.name}`, () => checkSequenceCase(c));
});
