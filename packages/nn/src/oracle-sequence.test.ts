/**
 * PyTorch oracle cases of the sequence models and attention: `rnn`, `lstm`, `gru`, their cells,
 * `mha`, `sdpa` and the transformer layers (the shared oracle's and the project's
 * `tests/oracle/sequence`). Each loads `param.*` strictly, calls the module in train mode with the
 * case's inputs (`input`, `input.N`, `input.N.M`) and masks, compares every output, then backward
 * of Σ (output_i · grad_output_i).sum() and compares the gradient of every input and parameter.
 */
import type { Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadCase, oracleCases } from './test-utils/compare.js';
import { callSequenceCase, flatten, positional, SEQUENCE_BUILDERS, SEQUENCE_KINDS, type Cfg } from '../../../tests/oracle-sequence-calls.js';

describe('oracle: sequence models and attention', () => {
  const cases = oracleCases(...SEQUENCE_KINDS);
  it('finds the cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const data = loadCase(c);
      const model = c.kind === 'sdpa' ? null : SEQUENCE_BUILDERS[c.kind]!(c.config as Cfg);
      if (model) {
        const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
        model.loadStateDict(params);
        model.train();
      }
      const args = positional(data);
      const leaves = [...flatten(args, '')].filter(([, t]) => t && t.dtype === 'float32') as [string, Tensor][];
      for (const [, t] of leaves) t.requiresGrad_();
      const outputs = flatten(callSequenceCase(c, model, args, data));
      const name = (prefix: string, suffix: string) => (outputs.size === 1 && suffix === '' ? prefix : `${prefix}${suffix}`);
      let total: Tensor | null = null;
      for (const [suffix, out] of outputs) {
        const expected = data[name('output', suffix)];
        if (!expected) {
          expect(out, `${c.name}: output${suffix} should be null`).toBeNull();
          continue;
        }
        expectClose(out, expected, c, `${c.name} output${suffix}`);
        const g = data[name('grad_output', suffix)];
        if (g && out) {
          const term = out.mul(g).sum();
          total = total ? total.add(term) : term;
        }
      }
      total!.backward();
      const single = leaves.length === 1 && data['input'];
      for (const [suffix, t] of leaves) expectClose(t.grad, data[single ? 'grad.input' : `grad.input${suffix}`]!, c, `${c.name} grad.input${suffix}`);
      if (model) {
        const params = Object.fromEntries(model.namedParameters());
        const grads = Object.entries(data).filter(([k]) => k.startsWith('grad.param.'));
        expect(grads.map(([k]) => k.slice(11)).sort()).toEqual(Object.keys(params).sort());
        for (const [k, g] of grads) expectClose(params[k.slice(11)]!.grad, g, c, `${c.name} ${k}`);
      }
    });
  }
});
