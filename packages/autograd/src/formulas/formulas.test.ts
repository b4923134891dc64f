/**
 * Every backward formula, checked by finite differences (first and second order), one line per
 * op — tinygrad's `helper_test_op` style. Plus: every op name recorded in @flint/tensor has a
 * formula here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@flint/tensor';
import { linear, manualSeed, randn, tensor, type Tensor } from '@flint/tensor';
import { gradcheck } from '../index.js';
import { gradgradcheck } from '../test-utils/checks.js';
import { formulas } from './index.js';

manualSeed(0);
/** A float input that requires grad; `positive` keeps it in [0.5, 2) (log, sqrt, pow bases). */
const r = (shape: number[], { positive = false, away = false } = {}): Tensor => {
  let t = randn(shape);
  if (positive) t = t.abs().add(0.5).clamp(0.5, 2);
  // Keeps values at least 0.1 away from 0, where kinks (relu, abs, clamp) would fool finite differences.
  if (away) t = t.add(t.sign().mul(0.1)).add(t.eq(0).float().mul(0.3));
  return t.detach().requiresGrad_();
};
const int = (values: number[], shape?: number[]): Tensor => tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });
const bool = (values: boolean[], shape?: number[]): Tensor => tensor(values, { shape: shape ?? [values.length] });

type Case = [name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[], second?: boolean];

// [op, fn, inputs, second-order too (default true)]
const CASES: Case[] = [
  ['add', (a, b) => a.add(b), () => [r([2, 3]), r([3])]],
  ['add scalar', (a) => a.add(2), () => [r([2, 3])]],
  ['sub', (a, b) => a.sub(b), () => [r([2, 1]), r([1, 3])]],
  ['mul', (a, b) => a.mul(b), () => [r([2, 3]), r([2, 1])]],
  ['div', (a, b) => a.div(b), () => [r([2, 3]), r([3], { positive: true })]],
  ['pow', (a, b) => a.pow(b), () => [r([2, 3], { positive: true }), r([2, 3])]],
  ['pow scalar', (a) => a.pow(3), () => [r([2, 3])]],
  ['maximum', (a, b) => a.maximum(b), () => [r([2, 3]), r([3])]],
  ['minimum', (a, b) => a.minimum(b), () => [r([2, 3]), r([2, 1])]],
  ['clamp', (a) => a.clamp(-0.5, 0.5), () => [r([3, 4], { away: true }).mul(1).detach().requiresGrad_()], false],
  ['clamp tensor', (a, lo, hi) => a.clamp(lo, hi), () => [r([2, 3]), r([3]).sub(1).detach().requiresGrad_(), r([2, 1]).add(1).detach().requiresGrad_()], false],
  ['where', (c, a, b) => T.where(c, a, b), () => [bool([true, false, true]), r([2, 3]), r([2, 1])]],
  ['neg', (a) => a.neg(), () => [r([2, 3])]],
  ['abs', (a) => a.abs(), () => [r([2, 3], { away: true })]],
  ['exp', (a) => a.exp(), () => [r([2, 3])]],
  ['log', (a) => a.log(), () => [r([2, 3], { positive: true })]],
  ['log1p', (a) => a.log1p(), () => [r([2, 3], { positive: true })]],
  ['expm1', (a) => T.expm1(a), () => [r([2, 3])]],
  ['sqrt', (a) => a.sqrt(), () => [r([2, 3], { positive: true })]],
  ['rsqrt', (a) => a.rsqrt(), () => [r([2, 3], { positive: true })]],
  ['square', (a) => a.square(), () => [r([2, 3])]],
  ['reciprocal', (a) => a.reciprocal(), () => [r([2, 3], { positive: true })]],
  ['sin', (a) => a.sin(), () => [r([2, 3])]],
  ['cos', (a) => a.cos(), () => [r([2, 3])]],
  ['sign', (a) => a.sign(), () => [r([2, 3], { away: true })], false],
  ['floor', (a) => a.add(0.5).floor(), () => [r([2, 3]).mul(0.1).detach().requiresGrad_()], false],
  ['ceil', (a) => a.add(0.5).ceil(), () => [r([2, 3]).mul(0.1).detach().requiresGrad_()], false],
  ['round', (a) => a.add(0.25).round(), () => [r([2, 3]).mul(0.1).detach().requiresGrad_()], false],
  ['relu', (a) => a.relu(), () => [r([2, 3], { away: true })]],
  ['sigmoid', (a) => a.sigmoid(), () => [r([2, 3])]],
  ['tanh', (a) => a.tanh(), () => [r([2, 3])]],
  ['softplus', (a) => T.softplus(a), () => [r([2, 3])]],
  ['leakyRelu', (a) => T.leakyRelu(a, 0.2), () => [r([2, 3], { away: true })]],
  ['elu', (a) => T.elu(a, 0.7), () => [r([2, 3], { away: true })]],
  ['gelu', (a) => T.gelu(a), () => [r([2, 3])]],
  ['gelu tanh', (a) => T.gelu(a, 'tanh'), () => [r([2, 3])]],
  ['softmax', (a) => a.softmax(1), () => [r([2, 3])]],
  ['softmax dim 0', (a) => a.softmax(0), () => [r([2, 3])]],
  ['logSoftmax', (a) => a.logSoftmax(-1), () => [r([2, 3])]],
  ['clone', (a) => a.clone(), () => [r([2, 3])]],
  ['sum', (a) => a.sum(), () => [r([2, 3])]],
  ['sum dims', (a) => a.sum([0, 2]), () => [r([2, 3, 2])]],
  ['sum keepdim', (a) => a.sum(1, true), () => [r([2, 3])]],
  ['mean', (a) => a.mean(1), () => [r([2, 3])]],
  ['prod', (a) => a.prod(1), () => [r([2, 3])]],
  ['prod all', (a) => a.prod(), () => [r([2, 3])]],
  ['prod one zero', (a) => a.prod(1), () => [tensor([[0, 2, 3], [1, 0, 0]], { requiresGrad: true })], false],
  ['amax', (a) => a.amax(1), () => [r([2, 3])]],
  ['amin', (a) => a.amin([0, 1]), () => [r([2, 3])]],
  ['max(dim)', (a) => a.max(1).values, () => [r([2, 3])]],
  ['min(dim) keepdim', (a) => a.min(0, true).values, () => [r([2, 3])]],
  ['mm', (a, b) => a.mm(b), () => [r([2, 3]), r([3, 4])]],
  ['bmm', (a, b) => a.bmm(b), () => [r([2, 2, 3]), r([2, 3, 2])]],
  ['linear', (x, w, b) => linear(x, w, b), () => [r([2, 3]), r([4, 3]), r([4])]],
  ['linear 3-D, no bias', (x, w) => linear(x, w), () => [r([2, 2, 3]), r([4, 3])]],
  ['matmul broadcast', (a, b) => a.matmul(b), () => [r([2, 2, 3]), r([3, 2])]],
  ['reshape', (a) => a.reshape(3, 2), () => [r([2, 3])]],
  ['permute', (a) => a.permute(2, 0, 1), () => [r([2, 3, 2])]],
  ['transpose', (a) => a.transpose(0, 1), () => [r([2, 3])]],
  ['expand', (a) => a.expand(2, 2, 3), () => [r([2, 1, 3])]],
  ['repeat', (a) => a.repeat(2, 1, 3), () => [r([2, 2])]],
  ['flip', (a) => a.flip([0, 1]), () => [r([2, 3])]],
  ['cast', (a) => a.to('float32').mul(2), () => [r([2, 3])]],
  ['cat', (a, b) => T.cat([a, b], 1), () => [r([2, 3]), r([2, 2])]],
  ['stack', (a, b) => T.stack([a, b], 1), () => [r([2, 3]), r([2, 3])]],
  ['split', (a) => T.cat(a.split(2, 1).map((p, i) => p.mul(i + 1)), 1), () => [r([2, 5])]],
  ['narrow', (a) => a.narrow(1, 1, 2), () => [r([2, 4])]],
  ['select', (a) => a.select(0, 1), () => [r([3, 2])]],
  ['index', (a) => a.index(':', '1:4:2'), () => [r([2, 5])]],
  ['index array', (a) => a.index([2, 0, 2]), () => [r([3, 2])]],
  ['gather', (a, i) => a.gather(1, i), () => [r([3, 4]), int([0, 3, 1, 1, 2, 0], [3, 2])]],
  ['indexSelect', (a, i) => a.indexSelect(0, i), () => [r([3, 2]), int([2, 0, 2])]],
  ['maskedFill', (a, m) => a.maskedFill(m, 0), () => [r([2, 3]), bool([true, false, true])]],
  ['scatterAdd', (a, i, s) => a.scatterAdd(1, i, s), () => [r([3, 4]), int([0, 3, 1, 1, 2, 0], [3, 2]), r([3, 3])]],
  ['indexAdd', (a, i, s) => a.indexAdd(0, i, s), () => [r([3, 2]), int([2, 0, 2]), r([3, 2])]],
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

describe('ties and kinks follow PyTorch', () => {
  it('maximum and minimum split the gradient at ties', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([1, 3, 2], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(a.grad!.tolist()).toEqual([0.5, 0, 1]);
    expect(b.grad!.tolist()).toEqual([0.5, 1, 0]);
  });
  it('amax splits evenly; max(dim) sends it to the returned index', () => {
    const x = tensor([[1, 3, 3], [2, 2, 0]], { requiresGrad: true });
    x.amax(1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0.5, 0.5], [0.5, 0.5, 0]]);
    const y = tensor([[1, 3, 3], [2, 2, 0]], { requiresGrad: true });
    const { values, indices } = y.max(1);
    values.sum().backward();
    const idx = indices.tolist() as number[];
    expect((y.grad!.tolist() as number[][]).map((row) => row.indexOf(1))).toEqual(idx);
  });
  it('relu and abs have gradient 0 at 0; clamp passes it at the bounds', () => {
    const gradOf = (f: (x: Tensor) => Tensor): unknown => {
      const x = tensor([-1, 0, 2], { requiresGrad: true });
      f(x).sum().backward();
      return x.grad!.tolist();
    };
    expect(gradOf((x) => x.relu())).toEqual([0, 0, 1]);
    expect(gradOf((x) => x.abs())).toEqual([-1, 0, 1]);
    expect(gradOf((x) => x.clamp(0, 2))).toEqual([0, 1, 1]);
  });
  it('pow masks 0^0 and the exponent gradient at base 0', () => {
    const x = tensor([0, 2], { requiresGrad: true });
    const y = tensor([0, 3], { requiresGrad: true });
    x.pow(y).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 12]);
    expect(y.grad!.tolist()[0]).toBe(0);
  });
});

describe('coverage', () => {
  const src = new URL('../../../tensor/src/', import.meta.url);
  const files = (dir: URL): URL[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [new URL(e.name, dir)] : [],
    );
  /** Op names passed as literals to `record` / `recordMany` or to the functions that record them, and their file. */
  const recorded = new Map<string, string>();
  for (const f of files(src)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.includes('differentiable: false')) continue;
      for (const m of line.matchAll(/\b(?:record|recordMany|binary|unary|alongDim|extreme|valuesIndices)\('([A-Za-z0-9_]+)'/g)) {
        recorded.set(m[1]!, f.pathname.split('/').pop()!);
      }
    }
  }
  const missing = [...recorded.keys()].filter((op) => !(op in formulas)).sort();

  it('finds the recorded ops', () => {
    expect(recorded.size).toBeGreaterThan(40);
    for (const op of ['add', 'mm', 'sum', 'softmax', 'cat', 'gather']) expect(recorded.has(op)).toBe(true);
  });
  it('has a formula for every op recorded in @flint/tensor', () => {
    expect(missing.map((op) => `${op} (${recorded.get(op)})`)).toEqual([]);
  });
});

describe('node names', () => {
  it('uses PyTorch names', () => {
    const x = r([2, 3]);
    const names: [Tensor, string][] = [
      [x.add(1), 'AddBackward0'],
      [x.mul(x), 'MulBackward0'],
      [x.mm(r([3, 2])), 'MmBackward0'],
      [x.sum(), 'SumBackward0'],
      [x.sum(1), 'SumBackward1'],
      [x.mean(), 'MeanBackward0'],
      [x.relu(), 'ReluBackward0'],
      [x.reshape(6), 'ViewBackward0'],
      [x.permute(1, 0), 'PermuteBackward0'],
      [x.pow(2), 'PowBackward0'],
      [x.pow(r([2, 3])), 'PowBackward1'],
      [x.logSoftmax(1), 'LogSoftmaxBackward0'],
      [T.cat([x, x]), 'CatBackward0'],
      [x.amax(), 'AmaxBackward0'],
      [x.max(1, true).values, 'MaxBackward0'],
      [linear(x, r([4, 3]), r([4])), 'AddmmBackward0'],
      [T.conv2d(r([1, 1, 4, 4]), r([2, 1, 3, 3])), 'ConvolutionBackward0'],
      [T.maxPool2d(r([1, 1, 4, 4]), 2), 'MaxPool2DWithIndicesBackward0'],
      [T.avgPool2d(r([1, 1, 4, 4]), 2), 'AvgPool2DBackward0'],
    ];
    for (const [t, name] of names) expect(t.gradFn!.name).toBe(name);
    expect(x.add(1).toString()).toContain('grad_fn=<AddBackward0>');
  });
});
