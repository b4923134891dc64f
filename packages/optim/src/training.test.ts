/**
 * The canonical training loop on an @flint/nn model, with no dispose or scope calls:
 * zeroGrad, forward, loss, backward, step, loss.item(). Memory must stay flat.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, memory, randint, randn } from '@flint/tensor';
import { F, Linear, ReLU, Sequential, Tanh } from '@flint/nn';
import { Adam, AdamW, SGD, RMSprop, lrScheduler, type Optimizer } from './index.js';

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
});
