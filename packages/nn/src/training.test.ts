/**
 * Memory over a training loop written the PyTorch way, with no dispose() or scope(): the number
 * of live backend tensors must stop growing (backward() ticks; eval calls tick).
 */
import { memory, manualSeed, randint, randn, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { expect, it } from 'vitest';
import { CrossEntropyLoss, Linear, ReLU, Sequential } from './index.js';

it('a 1,000-step training loop does not leak, and learns', () => {
  manualSeed(0);
  const model = new Sequential(new Linear(8, 32), new ReLU(), new Linear(32, 4));
  const criterion = new CrossEntropyLoss();
  const x = randn([64, 8]);
  const y = x.narrow(1, 0, 4).argmax(1); // a learnable labelling
  const lr = 0.1;
  let at100 = 0;
  let firstLoss = 0;
  let lastLoss = 0;
  let accuracy = 0;
  for (let step = 1; step <= 1000; step++) {
    model.zeroGrad();
    const out = model(x);
    const loss = criterion(out, y);
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(lr));
    });
    lastLoss = loss.item();
    if (step === 1) firstLoss = lastLoss;
    accuracy = out.argmax(1).eq(y).sum().item() / 64;
    if (step === 100) at100 = memory().numTensors;
  }
  expect(memory().numTensors).toBe(at100);
  expect(lastLoss).toBeLessThan(firstLoss / 2);
  expect(accuracy).toBeGreaterThan(0.8);
});

it('eval-mode inference under noGrad does not leak', () => {
  const model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 3)).eval();
  const batches: Tensor[] = [randn([32, 8]).keep(), randn([32, 8]).keep()];
  const labels = randint(0, 3, [32]).keep();
  let at100 = 0;
  let correct = 0;
  for (let step = 1; step <= 1000; step++) {
    noGrad(() => {
      const out = model(batches[step % 2]!);
      correct += out.argmax(1).eq(labels).sum().item();
    });
    if (step === 100) at100 = memory().numTensors;
  }
  expect(memory().numTensors).toBe(at100);
  expect(correct).toBeGreaterThan(0);
});
