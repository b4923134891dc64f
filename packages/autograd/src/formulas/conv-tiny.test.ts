/** Gradients of convolutions on tiny inputs (1×1 ones take conv2d's matMul path), against finite differences. */
import { describe, expect, it } from 'vitest';
import { conv2d, manualSeed, randn, setBackend, tensor, type Tensor } from '@flint/tensor';
import { gradcheck, noGrad } from '../index.js';

describe('conv2d gradients on tiny inputs', () => {
  it.each([
    [[2, 3, 1, 1], { padding: 1 }],
    [[2, 3, 2, 2], { stride: 2, padding: 1 }],
    [[1, 2, 4, 4], { padding: 2, dilation: 2 }],
    [[2, 2, 3, 3], { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number] }],
  ] as const)('input %j, %j', (shape, opts) => {
    manualSeed(5);
    const x = randn([...shape], { requiresGrad: true });
    const w = randn([3, shape[1], 3, 3], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    expect(gradcheck((xi, wi, bi) => conv2d(xi, wi, bi, opts), [x, w, b], { eps: 1e-2, atol: 2e-2, rtol: 2e-2 })).toBe(true);
  });
});

/**
 * A backward without `createGraph` takes conv2d's fast gradients (outside autograd: one-pixel
 * outputs as matMuls, few output positions as matMuls over columns, the weight gradient with 2-D
 * transposes only); with it, the recorded
 * formulas. Both must give the same gradients.
 */
describe('conv2d fast gradients match the recorded ones', () => {
  it.each([
    ['1×1 input, 3×3 pad 1 (one tap lands)', [4, 5, 1, 1], [6, 5, 3, 3], { padding: 1 }],
    ['2×2 input, 3×3 stride 2 pad 1 (four taps)', [3, 4, 2, 2], [5, 4, 3, 3], { stride: 2, padding: 1 }],
    ['2×2 input, 1×1 stride 2 (downsample)', [3, 4, 2, 2], [5, 4, 1, 1], { stride: 2 }],
    ['3×3 input, 3×3 valid (every tap)', [2, 3, 3, 3], [4, 3, 3, 3], {}],
    ['1×2 input, asymmetric taps', [2, 3, 1, 2], [4, 3, 3, 3], { padding: [1, 1] as [number, number] }],
    ['5×6 input, 3×3 stride 2 pad 1', [2, 3, 5, 6], [4, 3, 3, 3], { stride: 2, padding: 1 }],
    ['7×7 input, 5×5 dilation 2 pad 2', [2, 2, 7, 7], [3, 2, 5, 5], { padding: 2, dilation: 2 }],
    ['6×5 input, 2×3 stride [2, 1]', [2, 3, 6, 5], [4, 3, 2, 3], { stride: [2, 1] as [number, number] }],
    ['8×8 input, 3×3 stride 2 pad 1 (ResNet)', [2, 4, 8, 8], [5, 4, 3, 3], { stride: 2, padding: 1 }],
    ['9×7 input, 5×4 stride 3 pad [2, 1]', [2, 3, 9, 7], [4, 3, 5, 4], { stride: 3, padding: [2, 1] as [number, number] }],
    ['7×7 input, 7×7 stride 2 pad 3 (stem)', [2, 3, 7, 7], [4, 3, 7, 7], { stride: 2, padding: 3 }],
    ['8×6 input, 1×1 stride 2 (downsample)', [2, 4, 8, 6], [3, 4, 1, 1], { stride: 2 }],
    ['5×5 input, 2×2 stride 3 (taps miss a phase)', [1, 2, 5, 5], [3, 2, 2, 2], { stride: 3 }],
    // No more output positions than output channels: matMuls over the input's columns.
    ['2×2 input, 3×3 pad 1, 12 channels out (columns)', [2, 3, 2, 2], [12, 3, 3, 3], { padding: 1 }],
    ['4×4 input, 3×3 stride 2 pad 1 (columns)', [2, 3, 4, 4], [10, 3, 3, 3], { stride: 2, padding: 1 }],
    ['3×3 input, 3×3 dilation 2 pad 2 (columns)', [1, 2, 3, 3], [10, 2, 3, 3], { padding: 2, dilation: 2 }],
    ['4×3 input, 2×3 stride [2, 1] pad [0, 1] (columns)', [1, 2, 4, 3], [8, 2, 2, 3], { stride: [2, 1] as [number, number], padding: [0, 1] as [number, number] }],
    ['4×4 input, 1×1 stride 2 (columns downsample)', [2, 3, 4, 4], [9, 3, 1, 1], { stride: 2 }],
  ] as const)('%s', async (_name, xs, ws, opts) => {
    manualSeed(7);
    const x = randn([...xs], { requiresGrad: true });
    const w = randn([...ws], { requiresGrad: true });
    const b = randn([ws[0]], { requiresGrad: true });
    const g = randn([...conv2d(x.detach(), w.detach(), b.detach(), opts).shape]);
    conv2d(x, w, b, opts).backward(g);
    const fast = [x.grad!, w.grad!, b.grad!].map((t) => t.clone());
    for (const t of [x, w, b]) t.grad = null;
    conv2d(x, w, b, opts).backward(g, { createGraph: true });
    const recorded = [x.grad!, w.grad!, b.grad!];
    fast.forEach((f, i) => expect(f.sub(recorded[i]!.detach()).abs().max().item(), ['input', 'weight', 'bias'][i]).toBeLessThan(1e-5));
    // The cpu backend takes the paths that do not read the WASM heap.
    const host = [x, w, b, g].map((t) => t.detach().tolist());
    const wantInput = fast[0]!.tolist();
    await setBackend('cpu');
    try {
      const [xc, wc, bc, gc] = host.map((v, i) => (i === 0 || i === 3 ? tensor(v as number[][][][]) : i === 1 ? tensor(v as number[][][][]) : tensor(v as number[])));
      xc!.requiresGrad_();
      conv2d(xc!, wc!, bc!, opts).backward(gc!);
      const diff = xc!.grad!.sub(tensor(wantInput as number[][][][])).abs().max().item();
      expect(diff, 'input on cpu').toBeLessThan(1e-5);
    } finally {
      await setBackend('wasm');
    }
  });
});

/** conv2d by its definition, in plain JS: input [N, C, H, W], weight [O, C, kh, kw], padding p, stride s. */
function naiveConv(x: number[][][][], w: number[][][][], b: number[], s: number, p: number): number[][][][] {
  const [h, wd, kh, kw] = [x[0]![0]!.length, x[0]![0]![0]!.length, w[0]![0]!.length, w[0]![0]![0]!.length];
  const ho = Math.floor((h + 2 * p - kh) / s) + 1;
  const wo = Math.floor((wd + 2 * p - kw) / s) + 1;
  return x.map((xn) =>
    w.map((wo_, o) =>
      Array.from({ length: ho }, (_, r) =>
        Array.from({ length: wo }, (_, q) => {
          let sum = b[o]!;
          xn.forEach((plane, c) => {
            for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) sum += (plane[r * s - p + i]?.[q * s - p + j] ?? 0) * wo_[c]![i]![j]!;
          });
          return sum;
        }),
      ),
    ),
  );
}

describe('conv2d with a one-pixel output (the matMul path) equals the definition', () => {
  it.each([
    [[3, 4, 1, 1], [5, 4, 3, 3], 1, 1],
    [[3, 4, 2, 2], [5, 4, 3, 3], 2, 1],
    [[3, 4, 2, 2], [5, 4, 1, 1], 2, 0],
    [[2, 3, 3, 3], [4, 3, 3, 3], 1, 0],
  ] as const)("input %j, weight %j, stride %d, padding %d (WASM heap taps, and the cpu backend's matMul taps)", async (xs, ws, s, p) => {
    manualSeed(8);
    const x = randn([...xs]);
    const w = randn([...ws]);
    const b = randn([ws[0]]);
    const host = [x, w, b].map((t) => t.tolist());
    const want = naiveConv(host[0] as number[][][][], host[1] as number[][][][], host[2] as number[], s, p).flat(3);
    const check = (got: Tensor) => {
      expect(got.shape).toEqual([xs[0], ws[0], 1, 1]);
      (got.tolist() as number[][][][]).flat(3).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
    };
    check(conv2d(x, w, b, { stride: s, padding: p }));
    await setBackend('cpu');
    try {
      check(conv2d(tensor(host[0] as number[][][][]), tensor(host[1] as number[][][][]), tensor(host[2] as number[]), { stride: s, padding: p }));
    } finally {
      await setBackend('wasm');
    }
  });
});

describe('conv2d on empty tensors (no kernel runs: tfjs-wasm fails on empty tensors)', () => {
  it.each([
    ['1×1 input, 3×3 pad 1 (the one-pixel geometry)', [0, 3, 1, 1], [4, 3, 3, 3], { padding: 1 }],
    ['8×8 input, 3×3 stride 2 (the conv kernel path)', [0, 3, 8, 8], [4, 3, 3, 3], { stride: 2 }],
    ['2×2 input, 3×3 pad 1, 12 channels out (the columns geometry)', [0, 3, 2, 2], [12, 3, 3, 3], { padding: 1 }],
    ['5×5 input, zero input channels', [2, 0, 5, 5], [4, 0, 3, 3], { padding: 1 }],
  ] as const)('%s: the output shape, and gradients of zeros, fast and recorded', (_name, xs, ws, opts) => {
    const x = randn([...xs], { requiresGrad: true });
    const w = randn([...ws], { requiresGrad: true });
    const b = tensor([1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].slice(0, ws[0]), { requiresGrad: true });
    const want = [xs[0], ws[0], ...conv2d(randn([1, ws[1], xs[2], xs[3]]), randn([...ws]), null, opts).shape.slice(2)];
    for (const createGraph of [false, true]) {
      for (const t of [x, w, b]) t.grad = null;
      const y = conv2d(x, w, b, opts);
      expect(y.shape).toEqual(want);
      // A sum over no products is 0: the output is the bias.
      if (y.numel() > 0) expect(y.sub(b.reshape([1, -1, 1, 1])).abs().max().item()).toBe(0);
      y.sum().backward(undefined, { createGraph });
      expect(x.grad!.shape).toEqual([...xs]);
      expect(w.grad!.shape).toEqual([...ws]);
      expect(w.grad!.abs().sum().item()).toBe(0);
      expect(b.grad!.tolist()).toEqual(Array(ws[0]).fill(y.numel() / ws[0]));
    }
  });
  it('with channelsLast and the fused ReLU (inference): the ReLU of the bias, channels last', () => {
    const y = noGrad(() => conv2d(randn([2, 5, 5, 0]), randn([3, 0, 3, 3]), tensor([1, -2, 3]), { padding: 1, channelsLast: true, relu: true }));
    expect(y.shape).toEqual([2, 5, 5, 3]);
    expect(y.tolist()[1][4][4]).toEqual([1, 0, 3]);
    expect(noGrad(() => conv2d(randn([0, 5, 5, 3]), randn([4, 3, 3, 3]), null, { channelsLast: true })).shape).toEqual([0, 3, 3, 4]);
  });
  it('rejects a weight with no output channels, as PyTorch does', () => {
    expect(() => conv2d(randn([2, 3, 8, 8]), randn([0, 3, 3, 3]))).toThrow('conv2d: Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 3, 3, 3] instead');
  });
});
