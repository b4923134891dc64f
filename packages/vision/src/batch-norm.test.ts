import { describe, expect, it } from 'vitest';
import { enableGrad, grad, gradcheck, noGrad } from '@flint/autograd';
import { manualSeed, randn, setBackend, type Tensor } from '@flint/tensor';
import { BatchNorm1d, BatchNorm2d, F } from './index.js';

describe('BatchNorm', () => {
  it('prints as PyTorch and has PyTorch state-dict keys', () => {
    const bn = new BatchNorm2d(64);
    expect(String(bn)).toBe('BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new BatchNorm1d(3, { momentum: null, affine: false }))).toBe('BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=True)');
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(sd.num_batches_tracked!.dtype).toBe('int32');
    expect(sd.num_batches_tracked!.shape).toEqual([]);
    expect(Object.keys(new BatchNorm2d(2, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
  });

  it('updates running stats in place with the unbiased variance; eval uses them', () => {
    manualSeed(0);
    const bn = new BatchNorm1d(3, { momentum: 0.5 });
    const mean = bn.running_mean!;
    const x = randn([6, 3]);
    bn(x);
    expect(bn.running_mean).toBe(mean);
    expect(bn.num_batches_tracked!.item()).toBe(1);
    const expectedMean = x.mean(0).mul(0.5).tolist() as number[];
    const expectedVar = x.var(0).mul(0.5).add(0.5).tolist() as number[];
    (bn.running_mean!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expectedMean[i]!, 5));
    (bn.running_var!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expectedVar[i]!, 5));
    bn.eval();
    const y = noGrad(() => bn(x));
    const ref = x.sub(bn.running_mean!).div(bn.running_var!.add(1e-5).sqrt());
    expect(y.sub(ref).abs().max().item()).toBeLessThan(1e-5);
  });

  it('momentum=null keeps a cumulative average', () => {
    manualSeed(1);
    const bn = new BatchNorm1d(2, { momentum: null });
    const a = randn([4, 2]);
    const b = randn([4, 2]);
    bn(a);
    bn(b);
    const expected = a.mean(0).add(b.mean(0)).div(2).tolist() as number[];
    (bn.running_mean!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('training mode passes gradcheck (input, weight, bias; 2-D and 4-D input), and a second backward through it', () => {
    manualSeed(5);
    for (const shape of [[6, 3], [3, 2, 3, 2]]) {
      const x = randn(shape).requiresGrad_();
      const w = randn([shape[1]!]).requiresGrad_();
      const b = randn([shape[1]!]).requiresGrad_();
      const fn = (xi: Tensor, wi: Tensor, bi: Tensor) => F.batchNorm(xi, null, null, { weight: wi, bias: bi, training: true });
      expect(gradcheck(fn, [x, w, b], { eps: 1e-2, atol: 2e-2, rtol: 2e-2 })).toBe(true);
    }
    // d/dx of Σ (dL/dx)² with L = Σ y³: the statistics' dependence on x must reach the second backward.
    const x = randn([5, 2]).requiresGrad_();
    const loss = (xi: Tensor) =>
      enableGrad(() => {
        const xr = xi.requiresGrad ? xi : xi.detach().requiresGrad_(); // gradcheck's finite differences run without grad
        const [gx] = grad([F.batchNorm(xr, null, null, { training: true }).pow(3).sum()], [xr], { createGraph: true });
        return gx!.square().sum();
      });
    expect(gradcheck(loss, [x], { eps: 1e-2, atol: 3e-2, rtol: 3e-2 })).toBe(true);
  });

  it.each([
    ['BatchNorm2d, S a multiple of 4', [4, 3, 4, 4]],
    ['BatchNorm2d, a scalar tail', [3, 2, 3, 3]],
    ['BatchNorm1d on [N, C]', [7, 5]],
  ] as const)("%s: the WASM heap passes give the ops' values (cpu backend), forward, gradients and running stats", async (_name, shape) => {
    const run = async (backend: 'wasm' | 'cpu') => {
      await setBackend(backend);
      manualSeed(11);
      const bn = shape.length === 4 ? new BatchNorm2d(shape[1]) : new BatchNorm1d(shape[1]);
      noGrad(() => bn.weight!.uniform_(0.5, 1.5));
      const x = randn([...shape]).mul(2).add(0.5).requiresGrad_();
      const y = bn(x);
      y.mul(randn([...shape])).sum().backward();
      const flat = (t: Tensor) => t.flatten().tolist() as number[];
      return [flat(y), flat(x.grad!), flat(bn.weight!.grad!), flat(bn.bias!.grad!), flat(bn.runningMean!), flat(bn.runningVar!)];
    };
    const heap = await run('wasm');
    const ops = await run('cpu');
    await setBackend('wasm');
    heap.forEach((values, k) => values.forEach((v, i) => expect(Math.abs(v - ops[k]![i]!), `result ${k} [${i}]`).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(ops[k]![i]!)))));
  });

  it('rejects wrong input ranks and channel counts naming the layer', () => {
    expect(() => new BatchNorm2d(3)(randn([2, 3, 4]))).toThrow('BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True): expected 4D input (got 3D input)');
    expect(() => new BatchNorm1d(3)(randn([2, 3, 4, 5]))).toThrow('expected 2D or 3D input (got 4D input)');
    expect(() => new BatchNorm2d(3)(randn([2, 4, 5, 5]))).toThrow('expected input with 3 channels');
    expect(() => new BatchNorm1d(3)(randn([1, 3]))).toThrow('Expected more than 1 value per channel when training, got input size [1, 3]');
  });
});
