/**
 * Memory on webgpu follows the WASM rules: a training loop of a tiny MLP that awaits its loss
 * each step stays bounded in `memory()` (live backend tensors and bytes: they rise and fall with the sweeps
 * and the finalizers, and never grow), and so does inference under noGrad.
 * `FLINT_WEBGPU_SOAK_STEPS` sets the number of training steps (default 100: a step takes ~0.3 s on
 * SwiftShader on a 2-core machine; CI runs the full soak of 2000).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import '@flint/autograd';
import { noGrad } from '@flint/autograd';
import * as T from '@flint/tensor';
import { F, Linear, ReLU, Sequential } from '@flint/nn';
import { Adam, SGD } from '@flint/optim';
import { describeGpu, useWebGPU } from './test-utils/gpu.js';

const STEPS = Number(process.env['FLINT_WEBGPU_SOAK_STEPS'] ?? 100);

/** No growth: the later half of the samples never goes above the earlier half's peak. */
function expectBounded(samples: number[], what: string): void {
  const half = Math.floor(samples.length / 2);
  expect(Math.max(...samples.slice(half)), `${what}: ${samples.join(' ')}`).toBeLessThanOrEqual(Math.max(...samples.slice(0, half)));
}

describeGpu('memory on webgpu', () => {
  beforeAll(useWebGPU);
  afterAll(() => T.setBackend('wasm'));

  it(`${STEPS} training steps of a tiny MLP (Adam, cross-entropy): bounded memory(), the loss goes down`, async () => {
    T.manualSeed(0);
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const x = T.randn([16, 4]);
    const y = T.tensor(Array.from({ length: 16 }, (_, i) => i % 3), { dtype: 'int32' });
    const samples: { numTensors: number; numBytes: number }[] = [];
    let first = 0;
    let last = 0;
    for (let step = 0; step < STEPS; step++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model(x) as T.Tensor, y);
      loss.backward();
      opt.step();
      const v = await loss.itemAsync();
      if (step === 0) first = v;
      last = v;
      if (step >= 10 && step % 5 === 0) samples.push(T.memory());
    }
    expect(last).toBeLessThan(first);
    expectBounded(samples.map((s) => s.numTensors), 'live tensors');
    expectBounded(samples.map((s) => s.numBytes), 'live bytes');
    opt.dispose();
    model.dispose();
  }, 3_600_000);

  it('SGD with momentum and inference under noGrad, 100 steps each: bounded memory()', async () => {
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = T.randn([8, 4]);
    const y = T.randn([8, 1]);
    const seen: number[] = [];
    for (let step = 0; step < 100; step++) {
      opt.zeroGrad();
      const loss = F.mseLoss(model(x) as T.Tensor, y);
      loss.backward();
      opt.step();
      await loss.itemAsync();
      if (step >= 10 && step % 5 === 0) seen.push(T.memory().numTensors);
    }
    for (let step = 0; step < 100; step++) {
      const out = noGrad(() => model(x) as T.Tensor);
      await out.data();
      if (step % 5 === 0) seen.push(T.memory().numTensors);
    }
    expectBounded(seen, 'live tensors');
    opt.dispose();
    model.dispose();
  }, 600_000);
});
