/**
 * The canonical training loop on an @flint/nn model, with no dispose or scope calls:
 * zeroGrad, forward, loss, backward, step, loss.item(). Memory must stay flat.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, memory, randint, randn, saveSafetensors, loadSafetensors, safetensorsMetadata, Tensor } from '@flint/tensor';
import { F, Linear, ReLU, Sequential, Tanh } from '@flint/nn';
import { Adam, AdamW, SGD, RMSprop, lrScheduler, type Optimizer, type OptimizerStateDict } from './index.js';

const makers: [string, (m: Sequential) => Optimizer<any>][] = [
  ['SGD with momentum', (m) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 })],
  ['Adam', (m) => new Adam(m.parameters(), { lr: 1e-3 })],
  ['AdamW', (m) => new AdamW(m.parameters(), { lr: 1e-3 })],
  ['RMSprop', (m) => new RMSprop(m.parameters(), { lr: 1e-3, momentum: 0.9 })],
];

describe('canonical training loop', () => {
  for (const [name, make] of makers) {
    it(`${name}: 1,000 steps leave memory().numTensors flat and the loss falls`, () => {
      manualSeed(0);
      const model = new Sequential(new Linear(6, 16), new Tanh(), new Linear(16, 3));
      const x = randn([32, 6]).keep();
      const y = randint(0, 3, [32]).keep();
      const opt = make(model);
      const sched = new lrScheduler.StepLR(opt, { stepSize: 300, gamma: 0.5 });
      let first = 0;
      let last = 0;
      let at100 = 0;
      for (let i = 1; i <= 1000; i++) {
        opt.zeroGrad();
        const loss = F.crossEntropy(model(x), y);
        loss.backward();
        opt.step();
        sched.step();
        last = loss.item();
        if (i === 1) first = last;
        if (i === 100) at100 = memory().numTensors;
      }
      expect(memory().numTensors).toBe(at100);
      expect(last).toBeLessThan(first);
      opt.dispose();
      x.dispose();
      y.dispose();
    });
  }

  it('zeroGrad({ setToNone: false }) keeps the same gradient tensors and memory flat', () => {
    manualSeed(1);
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
    const x = randn([16, 4]).keep();
    const y = randn([16, 1]).keep();
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    let at50 = 0;
    for (let i = 1; i <= 300; i++) {
      opt.zeroGrad({ setToNone: false });
      F.mseLoss(model(x), y).backward();
      opt.step();
      if (i === 50) at50 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at50);
  });

  it('train 3 steps, save to safetensors, resume in a fresh model and optimizer: bit-identical', () => {
    const build = () => {
      manualSeed(3);
      return new Sequential(new Linear(5, 8), new Tanh(), new Linear(8, 2));
    };
    manualSeed(4);
    const x = randn([12, 5]).keep();
    const y = randn([12, 2]).keep();
    const train = (model: Sequential, opt: Optimizer<any>, steps: number): number[] => {
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        const loss = F.mseLoss(model(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return losses;
    };
    const modelA = build();
    const optA = new Adam(modelA.parameters(), { lr: 0.01, amsgrad: true });
    train(modelA, optA, 3);
    // Checkpoint: model and optimizer tensors in one safetensors file, the rest as JSON.
    const sd = optA.stateDict();
    const tensors: Record<string, Tensor> = { ...Object.fromEntries(Object.entries(modelA.stateDict()).map(([k, v]) => [`model.${k}`, v])) };
    const meta: Record<string, Record<string, unknown>> = {};
    for (const [i, s] of Object.entries(sd.state)) {
      meta[i] = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) tensors[`optim.${i}.${k}`] = v;
        else meta[i]![k] = v;
      }
    }
    const bytes = saveSafetensors(tensors, { optim: JSON.stringify({ meta, param_groups: sd.param_groups }) });
    const lossesA = train(modelA, optA, 3);

    const loaded = loadSafetensors(bytes);
    const { meta: savedMeta, param_groups } = JSON.parse(safetensorsMetadata(bytes).optim!) as { meta: typeof meta; param_groups: OptimizerStateDict['param_groups'] };
    const modelB = build();
    modelB.loadStateDict(Object.fromEntries(Object.entries(loaded).filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v])));
    const optB = new Adam(modelB.parameters(), { lr: 0.5 });
    const state: OptimizerStateDict['state'] = {};
    for (const [i, m] of Object.entries(savedMeta)) {
      state[Number(i)] = { ...(m as Record<string, number>) };
      for (const [k, v] of Object.entries(loaded)) if (k.startsWith(`optim.${i}.`)) state[Number(i)]![k.slice(`optim.${i}.`.length)] = v;
    }
    optB.loadStateDict({ state, param_groups });
    expect(optB.paramGroups[0]!.lr).toBe(0.01);
    const lossesB = train(modelB, optB, 3);
    expect(lossesB).toEqual(lossesA);
    const a = modelA.stateDict();
    for (const [k, v] of Object.entries(modelB.stateDict())) expect(Array.from(v.dataSync())).toEqual(Array.from(a[k]!.dataSync()));
  });
});

