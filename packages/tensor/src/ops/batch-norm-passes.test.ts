/** Training-mode batch norm on the WASM heap against the same formulas in float64. */
import { afterEach, describe, expect, it } from 'vitest';
import { _batchNormTrainBackward as backward, _batchNormTrainForward as forward, manualSeed, randn, setBackend, tensor, Tensor } from '../index.js';

const values = (t: Tensor) => t.contiguous().flatten().tolist() as number[];

/** Per-channel float64 sums of `f(i, c)` over the flat indices `i` of `[N, C, S]`. */
function channelSums(shape: readonly number[], f: (i: number, c: number) => number): number[] {
  const [n, c, s] = shape as [number, number, number];
  const out = new Array<number>(c).fill(0);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let k = 0; k < s; k++) out[ch]! += f((b * c + ch) * s + k, ch);
  return out;
}
const channelOf = (shape: readonly number[], i: number) => Math.floor(i / shape[2]!) % shape[1]!;

const closeTo = (got: Tensor, want: number[], tol: number) => {
  const g = values(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
};

describe('training batch norm on the heap (WASM)', () => {
  afterEach(async () => setBackend('wasm'));

  it.each([
    ['S a multiple of 4', [4, 3, 64], true],
    ['a scalar tail', [2, 5, 7], true],
    ['S = 1 (BatchNorm1d)', [9, 6, 1], true],
    ['one sample, no affine', [1, 2, 130], false],
  ] as const)('%s: statistics, output and gradients as in float64', (_name, shape, affine) => {
    manualSeed(7);
    const c = shape[1];
    const x = randn([...shape]).mul(3).add(1.5);
    const g = randn([...shape]);
    const weight = affine ? randn([c]) : null;
    const bias = affine ? randn([c]) : null;
    const eps = 1e-5;
    const [xs, gs] = [values(x), values(g)];
    const [ws, bs] = [weight ? values(weight) : null, bias ? values(bias) : null];
    const m = shape[0] * shape[2];
    const mean = channelSums(shape, (i) => xs[i]!).map((v) => v / m);
    const variance = channelSums(shape, (i, ch) => (xs[i]! - mean[ch]!) ** 2).map((v) => v / m);
    const inv = variance.map((v) => 1 / Math.sqrt(v + eps));
    const gamma = (ch: number) => ws?.[ch] ?? 1;
    const got = forward(x, weight, bias, eps)!;
    closeTo(got.mean, mean, 1e-6);
    closeTo(got.variance, variance, 1e-5);
    closeTo(got.invStd, inv, 1e-5);
    closeTo(got.y, xs.map((v, i) => { const ch = channelOf(shape, i); return (v - mean[ch]!) * inv[ch]! * gamma(ch) + (bs?.[ch] ?? 0); }), 1e-5);

    const sumG = channelSums(shape, (i) => gs[i]!);
    const sumGD = channelSums(shape, (i, ch) => gs[i]! * (xs[i]! - mean[ch]!));
    const grads = backward(g, x, got.mean, got.invStd, weight)!;
    closeTo(grads.dBias, sumG, 1e-5);
    if (weight) closeTo(grads.dWeight!, sumGD.map((v, ch) => v * inv[ch]!), 1e-4);
    else expect(grads.dWeight).toBeNull();
    const dx = xs.map((v, i) => {
      const ch = channelOf(shape, i);
      const a = inv[ch]! * gamma(ch);
      return gs[i]! * a - (v - mean[ch]!) * a * inv[ch]! * (sumGD[ch]! * inv[ch]!) / m - a * sumG[ch]! / m;
    });
    closeTo(grads.dx, dx, 1e-4);
  });

  it('reads views (a permuted input) through their values', () => {
    manualSeed(5);
    const x = randn([6, 3, 2]).permute([2, 1, 0]); // [2, 3, 6], not contiguous
    const [got, want] = [forward(x, null, null, 1e-5)!, forward(x.contiguous(), null, null, 1e-5)!];
    expect(values(got.y)).toEqual(values(want.y));
    expect(values(got.variance)).toEqual(values(want.variance));
  });

  it('declines where it does not apply: other dtypes, empty tensors, other ranks, mismatched sizes, off WASM', async () => {
    expect(forward(tensor([[[1, 2]]], { dtype: 'int32' }), null, null, 1e-5)).toBeNull();
    expect(forward(randn([0, 3, 4]), null, null, 1e-5)).toBeNull();
    expect(forward(randn([2, 3]), null, null, 1e-5)).toBeNull();
    expect(forward(randn([2, 3, 4]), randn([4]), null, 1e-5)).toBeNull();
    const x = randn([2, 3, 4]);
    const f = forward(x, null, null, 1e-5)!;
    expect(backward(randn([2, 3, 5]), x, f.mean, f.invStd, null)).toBeNull();
    await setBackend('cpu');
    expect(forward(randn([2, 3, 4]), null, null, 1e-5)).toBeNull();
  });
});
