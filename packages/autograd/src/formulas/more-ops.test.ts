/**
 * Gradients of the ops of API.md's "More of `torch`", by finite differences (first order, and
 * second order where the formula is built of differentiable ops), and their node names.
 */
import { describe, expect, it } from 'vitest';
import * as T from '@flint/tensor';
import { manualSeed, memory, randn, tensor, type Tensor } from '@flint/tensor';
import { gradcheck, noGrad } from '../index.js';
import { gradgradcheck } from '../test-utils/checks.js';

manualSeed(3);
/** A float input that requires grad, its entries distinct and at least 0.1 away from 0. */
const r = (shape: number[]): Tensor => {
  const t = randn(shape);
  return t.add(t.sign().mul(0.1)).add(t.eq(0).float().mul(0.3)).detach().requiresGrad_();
};
const int = (values: number[], shape?: number[]): Tensor => tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });

type Case = [name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[], second?: boolean];

const CASES: Case[] = [
  ['sort values', (a) => T.sort(a, { dim: 1 })[0], () => [r([2, 4])]],
  ['sort descending dim 0', (a) => a.sort(0, true).values, () => [r([3, 2])]],
  ['topk', (a) => T.topk(a, 2, { dim: -1 })[0], () => [r([2, 4])]],
  ['topk smallest dim 0', (a) => T.topk(a, 2, { dim: 0, largest: false })[0], () => [r([3, 2])]],
  ['cumsum', (a) => T.cumsum(a, 1), () => [r([2, 3])]],
  ['cumsum dim 0', (a) => a.cumsum(0), () => [r([3, 2])]],
  ['cumprod', (a) => T.cumprod(a, 1), () => [r([2, 3])]],
  ['cumprod with zeros', (a) => a.cumprod(1), () => [tensor([[0, 2, 3], [1, 0, 0], [2, 0.5, 3]], { requiresGrad: true })]],
  ['tril', (a) => T.tril(a), () => [r([3, 3])]],
  ['tril -1 batch', (a) => a.tril(-1), () => [r([2, 3, 2])]],
  ['triu 1', (a) => T.triu(a, 1), () => [r([3, 4])]],
  ['diag of a matrix', (a) => T.diag(a, 1), () => [r([3, 4])]],
  ['diag of a vector', (a) => a.diag(-1), () => [r([3])]],
  ['diagonal', (a) => a.diagonal(0, 1, 2), () => [r([2, 3, 3])]],
  ['roll dims', (a) => T.roll(a, [1, -2], [0, 1]), () => [r([2, 3])]],
  ['roll flat', (a) => a.roll(3), () => [r([2, 3])]],
  ['tile', (a) => T.tile(a, [2, 2]), () => [r([3])]],
  ['repeat', (a) => T.repeat(a, [2, 1, 3]), () => [r([2, 2])]],
  ['flip', (a) => T.flip(a, [0, 2]), () => [r([2, 2, 3])]],
  ['logsumexp', (a) => T.logsumexp(a, 1), () => [r([2, 3])]],
  ['logsumexp keepdim', (a) => a.logsumexp(0, true), () => [r([2, 3])]],
  ['einsum ij,jk->ik', (a, b) => T.einsum('ij,jk->ik', a, b), () => [r([2, 3]), r([3, 2])]],
  ['einsum bij,bjk->bik', (a, b) => T.einsum('bij,bjk->bik', a, b), () => [r([2, 2, 3]), r([2, 3, 2])]],
  ['einsum ii->i', (a) => T.einsum('ii->i', a), () => [r([3, 3])]],
  ['einsum bhqd,bhkd->bhqk', (a, b) => T.einsum('bhqd,bhkd->bhqk', a, b), () => [r([1, 2, 2, 3]), r([1, 2, 3, 3])]],
  ['einsum implicit, three operands', (a, b, c) => T.einsum('ij,jk,k', a, b, c), () => [r([2, 3]), r([3, 2]), r([2])]],
  ['einsum ellipsis', (a, b) => T.einsum('...ij,...jk->...ik', a, b), () => [r([2, 2, 3]), r([1, 3, 2])]],
  ['einsum trace', (a) => T.einsum('ii', a), () => [r([3, 3])]],
  ['outer', (a, b) => T.outer(a, b), () => [r([3]), r([2])]],
  ['norm 2', (a) => T.norm(a), () => [r([2, 3])]],
  ['norm 2 dim 0', (a) => T.norm(a, 2, 0), () => [r([2, 3])]],
  ['norm 1 keepdim', (a) => T.norm(a, 1, 1, true), () => [r([2, 3])], false],
  ['norm 3', (a) => a.norm(3, [0, 1]), () => [r([2, 3])]],
  ['norm 0.5', (a) => a.norm(0.5, 1), () => [r([2, 3])]],
  ['norm inf', (a) => T.norm(a, Infinity, 1), () => [r([2, 3])], false],
  ['norm -inf', (a) => T.norm(a, -Infinity), () => [r([2, 3])], false],
  ['norm fro', (a) => T.norm(a, 'fro', [0, 1], true), () => [r([2, 3])]],
  ['vectorNorm', (a) => T.linalg.vectorNorm(a, { ord: 2, dim: -1 }), () => [r([2, 3])]],
  ['matrixNorm fro', (a) => T.linalg.matrixNorm(a), () => [r([2, 2, 3])]],
  ['matrixNorm 1', (a) => T.linalg.matrixNorm(a, 1), () => [r([3, 3])], false],
  ['matrixNorm inf', (a) => T.linalg.matrixNorm(a, Infinity), () => [r([3, 3])], false],
  ['scatter', (a, i, s) => T.scatter(a, 0, i, s), () => [r([3, 4]), int([0, 1, 2, 0, 2, 0, 1, 1], [2, 4]), r([3, 4])]],
  ['scatter value', (a, i) => a.scatter(1, i, 0.5), () => [r([2, 4]), int([0, 3, 1, 2], [2, 2])]],
  ['scatterAdd', (a, i, s) => T.scatterAdd(a, 1, i, s), () => [r([3, 4]), int([0, 3, 1, 1, 2, 0], [3, 2]), r([3, 3])]],
  ['maskedSelect', (a, m) => T.maskedSelect(a, m), () => [r([2, 3]), tensor([true, false, true])]],
  ['maskedSelect broadcast input', (a, m) => a.maskedSelect(m), () => [r([3]), tensor([[true, false, true], [false, true, true]])]],
  ['meshgrid', (a, b) => T.stack(T.meshgrid(a, b, { indexing: 'xy' })), () => [r([3]), r([2])]],
];

describe('first-order gradients (gradcheck)', () => {
  it.each(CASES)('%s', (_, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe('second-order gradients (gradgradcheck)', () => {
  it.each(CASES.filter((c) => c[3] !== false))('%s', (_, fn, inputs) => {
    const xs = inputs();
    const out = fn(...xs);
    expect(gradgradcheck(fn, xs, randn([...out.shape]), { atol: 2e-3, rtol: 2e-2 })).toBe(true);
  });
});

describe('memory', () => {
  it('a training loop through the new ops keeps constant live tensors and bytes', () => {
    const w = r([3, 4]);
    const idx = int([0, 2, 1, 0], [1, 4]);
    const mask = tensor([true, false, true, true]);
    const step = (): void => {
      const a = T.einsum('ij,jk->ik', w, w.t()).tril().cumsum(1).norm();
      const b = T.sort(w, { dim: 1 })[0].roll(1, 0).diag().sum().add(T.topk(w, 2)[0].cumprod(1).sum());
      const c = T.scatter(w, 0, idx, 1).maskedSelect(mask).sum().add(T.linalg.matrixNorm(w, 1)).add(T.outer(w.index(0), w.index(1)).tile(2).sum());
      a.add(b).add(c).backward();
      noGrad(() => w.sub_(w.grad!.mul(1e-3)));
      w.grad = null;
    };
    for (let i = 0; i < 5; i++) step();
    const before = memory();
    for (let i = 0; i < 20; i++) step();
    expect(memory()).toEqual(before);
  });
});

describe('norm at zero', () => {
  it('has gradient 0 where the norm is 0, as PyTorch', () => {
    for (const p of [2, 3, 0.5, 1, Infinity]) {
      const x = tensor([[0, 0], [3, 4]], { requiresGrad: true });
      T.norm(x, p, 1).sum().backward();
      expect((x.grad!.tolist() as number[][])[0]).toEqual([0, 0]);
    }
  });
});

describe('node names', () => {
  it('uses PyTorch names', () => {
    const x = r([3, 3]);
    const names: [Tensor, string][] = [
      [x.sort()[0], 'SortBackward0'],
      [x.topk(2)[0], 'TopkBackward0'],
      [x.cumsum(0), 'CumsumBackward0'],
      [x.cumprod(0), 'CumprodBackward0'],
      [x.tril(), 'TrilBackward0'],
      [x.norm(), 'LinalgVectorNormBackward0'],
      [x.scatter(0, int([0, 1, 2], [1, 3]), 1), 'ScatterBackward0'],
      [x.triu(), 'TriuBackward0'],
    ];
    for (const [t, name] of names) expect(t.gradFn!.name).toBe(name);
  });
});
