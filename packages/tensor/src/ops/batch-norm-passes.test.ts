/** Batch norm's per-channel passes on the WASM heap against the same sums in float64, and the affine pass bit for bit against the ops. */
import { afterEach, describe, expect, it } from 'vitest';
import { _batchNormGradSums as gradSums, _batchNormStats as stats, _channelAffine as affine, manualSeed, randn, setBackend, tensor, Tensor } from '../index.js';

const values = (t: Tensor) => (t.contiguous().flatten().tolist() as number[]);
const bits = (t: Tensor) => [...new Uint32Array(new Float32Array(values(t)).buffer)];

/** Per-channel float64 sums of `f(n, c, s)` over `[N, C, S]`. */
function channelSums(shape: readonly number[], f: (i: number, c: number) => number): number[] {
  const [n, c, s] = shape as [number, number, number];
  const out = new Array<number>(c).fill(0);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let k = 0; k < s; k++) out[ch]! += f((b * c + ch) * s + k, ch);
  return out;
}

const closeTo = (got: Tensor, want: number[], tol: number) => values(got).forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));

describe('batch norm passes (WASM)', () => {
  afterEach(async () => setBackend('wasm'));

  it.each([
    ['S a multiple of 4', [4, 3, 64]],
    ['a scalar tail', [2, 5, 7]],
    ['S = 1 (BatchNorm1d)', [9, 6, 1]],
    ['one sample', [1, 2, 130]],
  ] as const)('%s: mean, biased variance and the backward sums as in float64', (_name, shape) => {
    manualSeed(7);
    const x = randn([...shape]).mul(3).add(1.5);
    const g = randn([...shape]);
    const xs = values(x);
    const gs = values(g);
    const m = shape[0] * shape[2];
    const mean = channelSums(shape, (i) => xs[i]!).map((v) => v / m);
    const variance = channelSums(shape, (i, c) => (xs[i]! - mean[c]!) ** 2).map((v) => v / m);
    const got = stats(x)!;
    closeTo(got.mean, mean, 1e-6);
    closeTo(got.variance, variance, 1e-5);
    const sums = gradSums(g, x, got.mean)!;
    closeTo(sums.sumG, channelSums(shape, (i) => gs[i]!), 1e-5);
    closeTo(sums.sumGD, channelSums(shape, (i, c) => gs[i]! * (xs[i]! - values(got.mean)[c]!)), 1e-5);
  });

  it.each([
    ['lanes only', [2, 3, 16]],
    ['a scalar tail', [3, 2, 5]],
    ['S = 1', [7, 4, 1]],
  ] as const)('%s: the affine pass has the bits of (g·a + (x − mean)·b) + k, and of (x − mean)·b + k', (_name, shape) => {
    manualSeed(3);
    const c = shape[1];
    const [x, g] = [randn([...shape]), randn([...shape])];
    const [mean, a, b, k] = [randn([c]), randn([c]), randn([c]), randn([c])];
    const ch = (t: Tensor) => t.reshape([1, -1, 1]);
    const d = x.sub(ch(mean));
    expect(bits(affine(x, g, mean, a, b, k)!)).toEqual(bits(g.mul(ch(a)).add(d.mul(ch(b))).add(ch(k))));
    expect(bits(affine(x, null, mean, null, b, k)!)).toEqual(bits(d.mul(ch(b)).add(ch(k))));
    expect(values(affine(x, null, mean, null, b, null)!)).toEqual(values(d.mul(ch(b))).map((v) => v + 0));
  });

  it('reads views (a permuted input) through their values', () => {
    manualSeed(5);
    const base = randn([6, 3, 2]);
    const x = base.permute([2, 1, 0]); // [2, 3, 6], not contiguous
    const want = stats(x.contiguous())!;
    const got = stats(x)!;
    expect(bits(got.mean)).toEqual(bits(want.mean));
    expect(bits(got.variance)).toEqual(bits(want.variance));
  });

  it('declines where it does not apply: off WASM, other dtypes, empty tensors, other ranks', async () => {
    expect(stats(tensor([[[1, 2]]], { dtype: 'int32' }))).toBeNull();
    expect(stats(randn([0, 3, 4]))).toBeNull();
    expect(stats(randn([2, 3]))).toBeNull();
    await setBackend('cpu');
    expect(stats(randn([2, 3, 4]))).toBeNull();
    expect(affine(randn([2, 3, 4]), null, randn([3]), null, randn([3]), null)).toBeNull();
  });
});
