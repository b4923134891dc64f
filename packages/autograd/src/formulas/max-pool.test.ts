/**
 * The `maxPool2d` backward (PyTorch's `max_pool2d_with_indices_backward`): ties go to the first
 * maximum of each window in row-major order, padding never receives a gradient, and overlapping
 * windows add up, for tiling and overlapping windows alike (a scatter to the saved positions).
 * Expected values follow PyTorch's CPU kernel (`val > maxval || isnan(val)` from `maxval = -inf`,
 * `maxindex` = the window's first real element).
 */
import { describe, expect, it } from 'vitest';
import { full, getBackend, manualSeed, maxPool2d, maxPool2dBackward, memory, randn, randperm, setBackend, tensor, zeros, type MaxPool2dOptions, type Pool2dAttrs, type Tensor } from '@flint/tensor';
import { gradcheck, noGrad } from '../index.js';

/** dL/dx of `maxPool2d(x).sum()`, as nested arrays of the single `[1, 1, H, W]` plane. */
function gradOfSum(x: Tensor, kernel: number, options: MaxPool2dOptions = {}): number[][] {
  const leaf = x.detach().requiresGrad_();
  maxPool2d(leaf, kernel, options).sum().backward();
  return (leaf.grad!.squeeze([0, 1]).tolist() as number[][]).map((row) => row.map((v) => v + 0)); // -0 → 0
}

describe('maxPool2d backward', () => {
  it('gives each tiling window to its first maximum (all-equal windows: the top-left element)', () => {
    expect(gradOfSum(zeros([1, 1, 4, 5]), 2)).toEqual([
      [1, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    // Partial ties: the first maximum in row-major order wins.
    const x = tensor([[[[1, 3, 2, 2], [3, 0, 5, 2]]]]);
    expect(gradOfSum(x, 2)).toEqual([
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
  });

  it('gives overlapping windows to their first real maximum and adds them up', () => {
    // 3×3 stride 2 padding 1 (ResNet's stem): the padding never wins, even over an all -inf window.
    expect(gradOfSum(zeros([1, 1, 4, 4]), 3, { stride: 2, padding: 1 })).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(gradOfSum(full([1, 1, 3, 3], -Infinity), 3, { stride: 2, padding: 1 })).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    // Stride 1: every window's first element, summed where windows share it.
    expect(gradOfSum(zeros([1, 1, 3, 3]), 2, { stride: 1 })).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    const peak = tensor([[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]]);
    expect(gradOfSum(peak, 2, { stride: 1 })).toEqual([
      [0, 0, 0],
      [0, 4, 0],
      [0, 0, 0],
    ]);
    // Ceil mode: the last, partial window is clipped to the input; dilation skips taps.
    expect(gradOfSum(zeros([1, 1, 3, 3]), 2, { ceilMode: true })).toEqual([
      [1, 0, 1],
      [0, 0, 0],
      [1, 0, 1],
    ]);
    expect(gradOfSum(zeros([1, 1, 4, 4]), 2, { stride: 1, dilation: 2 })).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('propagates NaN as PyTorch does: the last NaN of a window wins (values from torch 1.13)', () => {
    const nan = Number.NaN;
    const inf = Number.POSITIVE_INFINITY;
    const x = tensor([[[[-inf, -inf, 1, 2], [-inf, -inf, 3, nan], [5, 5, 0, 0], [5, 5, nan, 0]]]]).requiresGrad_();
    const y = maxPool2d(x, 3, { stride: 2, padding: 1 });
    expect(y.detach().squeeze([0, 1]).tolist()).toEqual([[-inf, nan], [5, nan]]);
    y.backward(tensor([[[[1, 2], [3, 4]]]]));
    expect(x.grad!.squeeze([0, 1]).tolist()).toEqual([[1, 0, 0, 0], [0, 0, 0, 2], [3, 0, 0, 0], [0, 0, 4, 0]]);
    // torch: indices [[3, 1], [3, 4]] for k2 s1.
    const z = tensor([[[[1, nan, 2], [nan, 0, 0], [0, 0, 0]]]]);
    expect(maxPool2d(z.detach().requiresGrad_(), 2, { stride: 1 }).detach().squeeze([0, 1]).tolist()).toEqual([[nan, nan], [nan, 0]]);
    expect(gradOfSum(z, 2, { stride: 1 })).toEqual([[0, 1, 0], [2, 1, 0], [0, 0, 0]]);
  });

  it('passes gradcheck on tiling and overlapping windows, unbatched too', () => {
    manualSeed(1);
    const distinct = (shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return randperm(n).float().div(n).reshape(shape).detach().requiresGrad_();
    };
    const cases: [string, number[], (t: Tensor) => Tensor][] = [
      ['k2 tiling, floor leaves a row and a column', [2, 3, 7, 5], (t) => maxPool2d(t, 2)],
      ['k[2,3] tiling', [1, 2, 4, 6], (t) => maxPool2d(t, [2, 3])],
      ['k3 s2 p1', [2, 2, 6, 7], (t) => maxPool2d(t, 3, { stride: 2, padding: 1 })],
      ['k2 s2 p1 (padded)', [1, 2, 5, 4], (t) => maxPool2d(t, 2, { padding: 1 })],
      ['k3 s1 d2 unbatched', [2, 7, 6], (t) => maxPool2d(t, 3, { stride: 1, dilation: 2 })],
    ];
    for (const [name, shape, f] of cases) {
      const input = distinct(shape);
      const weights = randn([...f(input.detach()).shape]);
      expect(gradcheck((t) => f(t!).mul(weights).sum(), [input], { eps: 1e-3, atol: 2e-2, rtol: 2e-2 }), name).toBe(true);
    }
  });

  it('recomputes the indices when called without them', () => {
    manualSeed(2);
    const x = randn([2, 3, 9, 8]);
    for (const [k, o] of [[2, {}], [3, { stride: 2, padding: 1, ceilMode: true }]] as const) {
      const leaf = x.detach().requiresGrad_();
      const y = maxPool2d(leaf, k, o);
      const g = randn(y.shape);
      y.backward(g);
      expect(maxPool2dBackward(g, x, (y.gradFn as unknown as { attrs: Pool2dAttrs }).attrs).tolist()).toEqual(leaf.grad!.tolist());
    }
  });

  it('saves only the window indices and leaks nothing over training steps', () => {
    manualSeed(3);
    const x = randn([2, 4, 8, 8]).requiresGrad_().keep();
    for (const [k, o] of [[2, {}], [3, { stride: 2, padding: 1 }]] as const) {
      const plain = noGrad(() => maxPool2d(x, k, o));
      const start = memory().numTensors;
      const y = maxPool2d(x, k, o);
      // The recorded forward leaves the output and the saved indices, nothing else.
      expect(memory().numTensors - start, `k${k}`).toBe(2);
      expect(y.tolist()).toEqual(plain.tolist());
      // Steps without dispose() or scope(): backward's tick() frees the temporaries.
      const counts: number[] = [];
      for (let step = 0; step < 30; step++) {
        maxPool2d(x, k, o).sum().backward();
        counts.push(memory().numTensors);
      }
      expect(counts[29], `k${k}`).toBe(counts[9]);
    }
    x.grad!.dispose();
    x.dispose();
  });
});

describe('maxPool2d indices on each backend', () => {
  it("the WASM heap scan and the tfjs-op path (the cpu backend's) agree on values and gradients", async () => {
    expect(getBackend()).toBe('wasm');
    manualSeed(4);
    const nan = Number.NaN;
    const base = randn([2, 3, 9, 8]).mul(3).round(); // many ties
    const special = tensor([[[[-Infinity, -Infinity, 1, nan], [nan, -Infinity, 3, 3], [5, 5, nan, 0], [-Infinity, 5, 0, 0]]]]);
    const geometries: [number, MaxPool2dOptions][] = [
      [3, { stride: 2, padding: 1 }],
      [3, { stride: 2, padding: 1, ceilMode: true }],
      [2, {}],
      [2, { stride: 1, dilation: 2 }],
      [3, { stride: [1, 2] as [number, number], padding: [1, 0] as [number, number] }],
    ];
    const run = (x: Tensor, k: number, o: MaxPool2dOptions): [unknown, unknown] => {
      const leaf = x.detach().requiresGrad_();
      const y = maxPool2d(leaf, k, o);
      y.backward(y.detach().mul(0).add(1).cumsum(-1));
      return [y.detach().tolist(), leaf.grad!.tolist()];
    };
    const inputs = [base, special];
    const onWasm = inputs.flatMap((x) => geometries.map(([k, o]) => run(x, k, o)));
    const hosts = inputs.map((x) => x.tolist());
    await setBackend('cpu');
    try {
      const onCpu = hosts.flatMap((x) => geometries.map(([k, o]) => run(tensor(x as number[][][][]), k, o)));
      expect(onCpu).toEqual(onWasm);
    } finally {
      await setBackend('wasm');
    }
  });
});

describe('maxPool2d forward', () => {
  it('gives the same values with and without autograd recording (padding, ceil mode, strides)', () => {
    manualSeed(3);
    const x = randn([2, 3, 9, 10]);
    const geometries: [number, MaxPool2dOptions][] = [
      [3, { stride: 2, padding: 1 }],
      [3, { stride: 2, padding: 1, ceilMode: true }],
      [2, { stride: 2, ceilMode: true }],
      [3, { stride: 1, padding: 1 }],
      [2, {}],
    ];
    for (const [k, options] of geometries) {
      const plain = noGrad(() => maxPool2d(x, k, options));
      const recorded = maxPool2d(x.detach().requiresGrad_(), k, options);
      expect(plain.shape, JSON.stringify(options)).toEqual(recorded.shape);
      expect(plain.tolist(), JSON.stringify(options)).toEqual(recorded.detach().tolist());
    }
  });
});
