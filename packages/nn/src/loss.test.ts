import { tensor, type Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, F, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss } from './index.js';

const logits = [
  [1, 2, 3],
  [0.5, -1, 2],
  [0, 0, 0],
];
const target = [2, 0, 1];
const logSoftmaxRow = (r: number[]) => {
  const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
  return r.map((v) => v - lse);
};
const lp = logits.map(logSoftmaxRow);
const idx = (xs: number[]) => tensor(xs, { dtype: 'int32' });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('CrossEntropyLoss / NLLLoss', () => {
  it('mean, sum and none', () => {
    const per = target.map((t, i) => -lp[i]![t]!);
    expect(new CrossEntropyLoss()(tensor(logits), idx(target)).item()).toBeCloseTo(mean(per), 5);
    expect(new CrossEntropyLoss({ reduction: 'sum' })(tensor(logits), idx(target)).item()).toBeCloseTo(per[0]! + per[1]! + per[2]!, 5);
    const none = new CrossEntropyLoss({ reduction: 'none' })(tensor(logits), idx(target));
    expect(none.shape).toEqual([3]);
    (none.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(per[i]!, 5));
    expect(new NLLLoss()(tensor(lp), idx(target)).item()).toBeCloseTo(mean(per), 5);
  });

  it('class weights and ignoreIndex follow PyTorch (weighted mean over kept targets)', () => {
    const w = [1, 2, 0.5];
    const ignore = [2, -100, 1];
    const kept = [0, 2];
    const num = kept.reduce((s, i) => s - w[ignore[i]!]! * lp[i]![ignore[i]!]!, 0);
    const den = kept.reduce((s, i) => s + w[ignore[i]!]!, 0);
    expect(F.crossEntropy(tensor(logits), idx(ignore), { weight: tensor(w) }).item()).toBeCloseTo(num / den, 5);
  });

  it('label smoothing', () => {
    const eps = 0.1;
    const per = target.map((t, i) => (1 - eps) * -lp[i]![t]! + (eps / 3) * -lp[i]!.reduce((a, b) => a + b, 0));
    expect(F.crossEntropy(tensor(logits), idx(target), { labelSmoothing: eps }).item()).toBeCloseTo(mean(per), 5);
  });

  it('probability targets', () => {
    const probs = [
      [0, 0, 1],
      [0.5, 0.5, 0],
      [0.2, 0.3, 0.5],
    ];
    const per = probs.map((p, i) => -p.reduce((s, v, c) => s + v * lp[i]![c]!, 0));
    expect(F.crossEntropy(tensor(logits), tensor(probs)).item()).toBeCloseTo(mean(per), 5);
  });

  it('[N, C, d] inputs with [N, d] targets', () => {
    // Two positions per sample: the class dim is 1.
    const x = tensor([logits.map((r) => [r[0]!, r[0]!]), logits.map((r) => [r[1]!, r[1]!])]).permute(0, 1, 2); // [2, 3, 2]
    const t = tensor([[0, 1], [2, 2]], { dtype: 'int32' });
    const manual = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ].map(([n, d]) => {
      const row = [0, 1, 2].map((c) => (x.tolist() as number[][][])[n!]![c]![d!]!);
      return -logSoftmaxRow(row)[(t.tolist() as number[][])[n!]![d!]!]!;
    });
    const loss = F.crossEntropy(x, t, { reduction: 'none' });
    expect(loss.shape).toEqual([2, 2]);
    (loss.flatten().tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(manual[i]!, 5));
  });

  it('errors name the loss and the shapes; out-of-range targets are caught', () => {
    expect(() => F.crossEntropy(tensor(logits), idx([1, 2]))).toThrow('crossEntropy: expected target shape [3] for input of shape [3, 3], got target shape [2]');
    expect(() => F.nllLoss(tensor(lp), idx([0, 1, 3]))).toThrow('nllLoss: Target 3 is out of bounds.');
    expect(() => new CrossEntropyLoss({ reduction: 'avg' as 'mean' })).toThrow('avg is not a valid value for reduction');
  });
});

describe('regression losses', () => {
  const a = tensor([0.5, -1, 3]);
  const b = tensor([1, 1, 1]);
  it('MSE, L1, SmoothL1, Huber', () => {
    expect(new MSELoss()(a, b).item()).toBeCloseTo((0.25 + 4 + 4) / 3, 5);
    expect(new L1Loss({ reduction: 'sum' })(a, b).item()).toBeCloseTo(0.5 + 2 + 2, 5);
    expect(new SmoothL1Loss()(a, b).item()).toBeCloseTo((0.125 + 1.5 + 1.5) / 3, 5);
    expect(new HuberLoss({ delta: 2 })(a, b).item()).toBeCloseTo((0.125 + 2 + 2) / 3, 5);
  });
  it('a target shape mismatch names the loss and both shapes', () => {
    expect(() => F.mseLoss(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow('mseLoss: target shape [3] must match input shape [1, 2]');
  });
});

describe('binary losses', () => {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const x = [-1, 0.5, 4];
  const t = [0, 1, 1];
  const bce = (p: number, y: number) => -(y * Math.max(Math.log(p), -100) + (1 - y) * Math.max(Math.log(1 - p), -100));
  it('BCELoss clamps the log at -100; BCEWithLogits matches sigmoid + BCE', () => {
    const probs = x.map(sig);
    expect(new BCELoss()(tensor(probs), tensor(t)).item()).toBeCloseTo(mean(probs.map((p, i) => bce(p, t[i]!))), 5);
    expect(new BCELoss()(tensor([0, 1]), tensor([1, 0])).item()).toBeCloseTo(100, 4);
    expect(new BCEWithLogitsLoss()(tensor(x), tensor(t)).item()).toBeCloseTo(mean(probs.map((p, i) => bce(p, t[i]!))), 5);
  });
  it('posWeight weighs the positive term', () => {
    const pw = 3;
    const per = x.map((v, i) => -(pw * t[i]! * Math.log(sig(v)) + (1 - t[i]!) * Math.log(1 - sig(v))));
    expect(new BCEWithLogitsLoss({ posWeight: tensor([pw]) })(tensor(x), tensor(t)).item()).toBeCloseTo(mean(per), 5);
  });
  it('gradients flow', () => {
    const input = tensor(x, { requiresGrad: true });
    F.binaryCrossEntropyWithLogits(input, tensor(t)).backward();
    (input.grad!.tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo((sig(x[i]!) - t[i]!) / 3, 5));
  });
});

describe('F: oneHot, linear, dropout, layerNorm, embedding', () => {
  it('oneHot, linear, dropout in eval, layerNorm, embedding', () => {
    expect(F.oneHot(tensor([0, 2], { dtype: 'int32' }), 3).tolist()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(F.oneHot(tensor([1], { dtype: 'int32' })).tolist()).toEqual([[0, 1]]);
    const y = F.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 10]));
    expect(y.tolist()).toEqual([[1, 2, 13]]);
    const z: Tensor = tensor([1, 2]);
    expect(F.dropout(z, 0.5, false)).toBe(z);
    expect(F.layerNorm(tensor([[1, 3]]), [2]).tolist()[0]).toHaveLength(2);
    expect(F.embedding(tensor([1], { dtype: 'int32' }), tensor([[1, 2], [3, 4]])).tolist()).toEqual([[3, 4]]);
    expect(F.relu(tensor([-1, 1])).tolist()).toEqual([0, 1]);
    expect(F.leakyRelu(tensor([-1]), 0.1).item()).toBeCloseTo(-0.1, 6);
    expect(F.gelu(tensor([0])).item()).toBe(0);
  });
});
