/**
 * For tests of every package: how the oracle's `tensor_op` cases (API.md "More of `torch`") are
 * called and checked. Each calls one `@flint/tensor` function as the oracle README's table says,
 * compares every output, then backpropagates Σ (output_i · grad_output_i).sum() and compares the
 * gradient of every float input. Used by @flint/autograd's tensor_op runner (WASM) and
 * @flint/webgpu's.
 */
import '@flint/autograd';
import * as T from '@flint/tensor';
import type { Tensor } from '@flint/tensor';
import { expect } from 'vitest';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose } from './oracle-compare.js';

/** A case's config, as JSON gives it (values typed by each call below). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>;
type Result = Tensor | readonly Tensor[];

/** JSON has no infinity: the generator writes "inf" / "-inf". */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ord = (v: unknown): any => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** How each op is called, from its config and positional tensors. */
export const TENSOR_OP_CALLS: Record<string, (c: Config, xs: Tensor[]) => Result> = {
  sort: (c, [x]) => T.sort(x!, { dim: c.dim, descending: c.descending }),
  argsort: (c, [x]) => T.argsort(x!, { dim: c.dim, descending: c.descending }),
  topk: (c, [x]) => T.topk(x!, c.k as number, { dim: c.dim, largest: c.largest, sorted: c.sorted }),
  cumsum: (c, [x]) => T.cumsum(x!, c.dim as number),
  cumprod: (c, [x]) => T.cumprod(x!, c.dim as number),
  tril: (c, [x]) => T.tril(x!, c.diagonal as number),
  triu: (c, [x]) => T.triu(x!, c.diagonal as number),
  diag: (c, [x]) => T.diag(x!, c.diagonal as number),
  diagonal: (c, [x]) => T.diagonal(x!, c.offset as number, c.dim1 as number, c.dim2 as number),
  einsum: (c, xs) => T.einsum(c.equation as string, ...xs),
  norm: (c, [x]) => (c.dim === null ? T.norm(x!, ord(c.p)) : T.norm(x!, ord(c.p), c.dim, c.keepdim)),
  vector_norm: (c, [x]) => T.linalg.vectorNorm(x!, ord(c.ord), c.dim, c.keepdim),
  matrix_norm: (c, [x]) => T.linalg.matrixNorm(x!, ord(c.ord), [-2, -1], c.keepdim),
  scatter: (c, [x, index, src]) => T.scatter(x!, c.dim as number, index!, src ?? (c.value as number)),
  scatter_add: (c, [x, index, src]) => T.scatterAdd(x!, c.dim as number, index!, src!),
  masked_select: (_, [x, mask]) => T.maskedSelect(x!, mask!),
  repeat: (c, [x]) => T.repeat(x!, c.sizes as number[]),
  tile: (c, [x]) => T.tile(x!, c.dims as number[]),
  roll: (c, [x]) => (c.dims === null ? T.roll(x!, c.shifts as number) : T.roll(x!, c.shifts as number, c.dims as number)),
  flip: (c, [x]) => T.flip(x!, c.dims as number[]),
  logsumexp: (c, [x]) => T.logsumexp(x!, c.dim as number, c.keepdim as boolean),
  outer: (_, [a, b]) => T.outer(a!, b!),
  meshgrid: (c, xs) => T.meshgrid(...xs, { indexing: c.indexing as 'ij' | 'xy' }),
  unique: (c, [x]) => T.unique(x!, { sorted: c.sorted, returnInverse: c.return_inverse, returnCounts: c.return_counts }),
  nonzero: (_, [x]) => T.nonzero(x!),
  isclose: (c, [a, b]) => T.isclose(a!, b!, { rtol: c.rtol, atol: c.atol, equalNan: c.equal_nan }),
};

/**
 * Ops whose output shape depends on the input's values. On webgpu they need those values on the
 * CPU and otherwise throw saying so; `await t.data()` on the inputs first is the documented usage
 * (the values then stay on the CPU until the tensor is written). On WASM that read changes nothing.
 */
const NEEDS_HOST_VALUES = new Set(['masked_select', 'unique', 'nonzero']);

/** `input` or `input.0`, `input.1`, … in order. */
function positional(tensors: Record<string, Tensor>, prefix: string): { key: string; t: Tensor }[] {
  if (tensors[prefix]) return [{ key: '', t: tensors[prefix]! }];
  const out: { key: string; t: Tensor }[] = [];
  for (let i = 0; tensors[`${prefix}.${i}`]; i++) out.push({ key: `.${i}`, t: tensors[`${prefix}.${i}`]! });
  return out;
}

/** Calls the case's op, compares every output, then the gradient of every float input after the backward. */
export async function checkTensorOpCase(c: OracleCase): Promise<void> {
  const tensors = loadCase(c);
  const call = TENSOR_OP_CALLS[c.config['op'] as string];
  expect(call, `no call for op ${String(c.config['op'])}`).toBeDefined();
  const inputs = positional(tensors, 'input').map(({ key, t }) => ({ key, t: t.dtype === 'float32' ? t.detach().requiresGrad_() : t }));
  if (NEEDS_HOST_VALUES.has(c.config['op'] as string)) for (const { t } of inputs) await t.data();
  const result = call!(c.config, inputs.map((i) => i.t));
  const outs = Array.isArray(result) ? [...(result as readonly Tensor[])].map((t, i) => ({ key: `.${i}`, t })) : [{ key: '', t: result as Tensor }];
  for (const { key, t } of outs) {
    const expected = tensors[`output${key}`];
    if (expected) await expectClose(t, expected, c, `output${key}`);
  }
  expect(positional(tensors, 'output').length, 'number of outputs').toBe(outs.length);
  let total: Tensor | null = null;
  for (const { key, t } of outs) {
    const g = tensors[`grad_output${key}`];
    if (!g) continue;
    const term = t.mul(g).sum();
    total = total === null ? term : total.add(term);
  }
  if (total === null) return;
  total.backward();
  for (const { key, t } of inputs) {
    const expected = tensors[`grad.input${key}`];
    if (expected) await expectClose(t.grad ?? T.zerosLike(t), expected, c, `grad.input${key}`);
  }
}

/** The check of the `tensor_op` kind. */
export const TENSOR_OP_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = { tensor_op: checkTensorOpCase };
