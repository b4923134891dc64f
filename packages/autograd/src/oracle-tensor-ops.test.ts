/**
 * The `tensor_op` reference cases (API.md "More of `torch`"): the project's
 * (tests/oracle/tensor-ops, from scripts/fixtures/oracle_tensor_ops.py) and the shared oracle's.
 * Each calls one `@flint/tensor` function as the oracle README's table says, compares every
 * output, then backpropagates Σ (output_i · grad_output_i).sum() and compares the gradient of
 * every float input (tests/oracle-tensor-op-calls.ts, which @flint/webgpu's runner uses too).
 */
import { describe, expect, it } from 'vitest';
import './index.js';
import { oracleCases, ORACLES } from '../../../tests/oracle-cases.js';
import { checkTensorOpCase } from '../../../tests/oracle-tensor-op-calls.js';

const cases = oracleCases('tensor_op');

describe('tensor_op oracle cases', () => {
  it('finds the project cases, and the shared ones when the shared oracle is beside the repository', () => {
    expect(cases.filter((c) => c.label === 'project/tensor-ops').length).toBeGreaterThan(40);
    if (!ORACLES.some((o) => o.label === 'shared')) return;
    expect(cases.filter((c) => c.label === 'shared').length).toBe(28);
    const shared = new Set(cases.filter((c) => c.label === 'shared').map((c) => c.config.op));
    const project = new Set(cases.filter((c) => c.label !== 'shared').map((c) => c.config.op));
    expect([...shared].filter((op) => !project.has(op)), 'every op of the shared table has a project case').toEqual([]);
  });
  // The project's own cases cover every op of the shared table, so a plain clone runs them all.
  it('has a project case for every op of the oracle README table', () => {
    const project = new Set(cases.filter((c) => c.label === 'project/tensor-ops').map((c) => c.config.op));
    const table = ['sort', 'argsort', 'topk', 'cumsum', 'cumprod', 'tril', 'triu', 'einsum', 'norm', 'scatter', 'scatter_add', 'masked_select', 'repeat', 'tile', 'roll', 'flip', 'logsumexp', 'outer'];
    expect(table.filter((op) => !project.has(op))).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkTensorOpCase(c));
});
