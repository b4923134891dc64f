/**
 * Empty tensors through the everyday layers, as PyTorch runs them: an empty batch (the last batch
 * of a filtered dataset) gives an empty output and gradients of zeros, and a contraction over an
 * empty axis gives zeros. tfjs-wasm's kernels fail on empty tensors, so these paths skip them.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, type Tensor } from '@flint/tensor';
import { Linear } from '@flint/nn';
import { AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool2d } from './index.js';

/** Runs `f` on a fresh leaf of `shape`, backward through the sum; the output and the input's gradient. */
function through(f: (x: Tensor) => Tensor, shape: number[]): { y: Tensor; grad: Tensor } {
  const x = randn(shape, { requiresGrad: true });
  const y = f(x);
  y.sum().backward();
  return { y, grad: x.grad! };
}

const absSum = (t: Tensor) => t.abs().sum().item();

describe('an empty batch through the layers', () => {
  manualSeed(3);
  it.each([
    ['Conv2d(3, 4, 3)', () => new Conv2d(3, 4, 3), [0, 3, 5, 5], [0, 4, 3, 3]],
    ['Conv2d(3, 8, 3, stride 2, padding 1)', () => new Conv2d(3, 8, 3, { stride: 2, padding: 1 }), [0, 3, 2, 2], [0, 8, 1, 1]],
    ['Conv1d(3, 4, 3)', () => new Conv1d(3, 4, 3), [0, 3, 10], [0, 4, 8]],
    ['ConvTranspose2d(3, 4, 3, stride 2)', () => new ConvTranspose2d(3, 4, 3, { stride: 2 }), [0, 3, 5, 5], [0, 4, 11, 11]],
    ['MaxPool2d(2)', () => new MaxPool2d(2), [0, 3, 4, 4], [0, 3, 2, 2]],
    ['AvgPool2d(2)', () => new AvgPool2d(2), [0, 3, 4, 4], [0, 3, 2, 2]],
    ['Linear(3, 4)', () => new Linear(3, 4), [0, 3], [0, 4]],
  ] as const)('%s', (_name, make, xs, ys) => {
    const layer = make();
    const { y, grad } = through((x) => layer(x), [...xs]);
    expect(y.shape).toEqual([...ys]);
    expect(grad.shape).toEqual([...xs]);
    for (const [name, p] of layer.namedParameters()) expect(absSum(p.grad!), name).toBe(0);
  });
});

describe('products with an empty axis', () => {
  it.each([
    ['[0, 3] @ [3, 4]', [0, 3], [3, 4], [0, 4]],
    ['[2, 0] @ [0, 4] (empty inner axis: zeros)', [2, 0], [0, 4], [2, 4]],
    ['[2, 3] @ [3, 0]', [2, 3], [3, 0], [2, 0]],
    ['[2, 3, 0] @ [0, 4]', [2, 3, 0], [0, 4], [2, 3, 4]],
    ['[2, 0, 3] @ [2, 3, 4]', [2, 0, 3], [2, 3, 4], [2, 0, 4]],
    ['[0] @ [0] (a dot product over nothing)', [0], [0], []],
  ] as const)('%s', (_name, as, bs, ys) => {
    const a = randn([...as], { requiresGrad: true });
    const b = randn([...bs], { requiresGrad: true });
    const y = a.matmul(b);
    expect(y.shape).toEqual([...ys]);
    expect(absSum(y)).toBe(0);
    y.sum().backward();
    expect(a.grad!.shape).toEqual([...as]);
    expect(b.grad!.shape).toEqual([...bs]);
    // The gradient of a's entries is a sum over b's (empty or not): only an empty axis makes it 0.
    if (as.includes(0) && bs.includes(0)) expect(absSum(a.grad!) + absSum(b.grad!)).toBe(0);
  });
  it('Linear(0, 4) gives its bias (0 after its init, as in PyTorch) and Linear(3, 0) an empty output', () => {
    const l = new Linear(0, 4);
    expect(l.weight.shape).toEqual([4, 0]);
    expect(l(randn([2, 0])).tolist()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0]]);
    const { y, grad } = through((x) => new Linear(3, 0)(x), [2, 3]);
    expect(y.shape).toEqual([2, 0]);
    expect(grad.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});
