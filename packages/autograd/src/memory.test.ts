/**
 * Leak tests: training and inference loops written with raw tensors and no dispose()/scope()
 * keep a constant number of live backend tensors. Temporaries are freed by the step boundaries
 * of lifetime.ts: `backward()` ticks; an inference loop under `noGrad` (which does not tick)
 * calls `tick()` once per iteration.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, manualSeed, memory, randn, setBackend, tick, type Tensor } from '@flint/tensor';
import { grad, noGrad } from './index.js';

function net() {
  manualSeed(1);
  const w1 = randn([4, 16], { requiresGrad: true }).keep();
  const w2 = randn([16, 1], { requiresGrad: true }).keep();
  const x = randn([32, 4]).keep();
  const y = randn([32, 1]).keep();
  return { w1, w2, x, y };
}

/** Runs `iterations` SGD steps and returns the live tensor count after the 100th and the last. */
function train(iterations: number): { at100: number; atEnd: number; losses: number[] } {
  const { w1, w2, x, y } = net();
  const lr = 0.01;
  let at100 = 0;
  const losses: number[] = [];
  for (let i = 1; i <= iterations; i++) {
    const pred = x.mm(w1).relu().mm(w2);
    const loss = pred.sub(y).pow(2).mean();
    if (i === 1 || i === iterations) losses.push(loss.item());
    loss.backward();
    noGrad(() => {
      for (const w of [w1, w2]) {
        w.sub_(w.grad!.mul(lr));
        w.grad = null;
      }
    });
    if (i === 100) at100 = memory().numTensors;
  }
  return { at100, atEnd: memory().numTensors, losses };
}

describe('no leaks', () => {
  it('1,000 training iterations: constant live tensors, and the loss goes down', () => {
    const { at100, atEnd, losses } = train(1000);
    expect(atEnd).toBe(at100);
    expect(losses[1]!).toBeLessThan(losses[0]!);
  });

  it('1,000 inference iterations under noGrad, ticking once per iteration', () => {
    const { w1, w2, x } = net();
    let at100 = 0;
    for (let i = 1; i <= 1000; i++) {
      const out: Tensor = noGrad(() => x.mm(w1).relu().mm(w2).sigmoid());
      expect(out.requiresGrad).toBe(false);
      tick();
      if (i === 100) at100 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at100);
  });

  it('gradient-penalty loop with createGraph (double backward)', () => {
    const { w1, w2, x } = net();
    let at50 = 0;
    for (let i = 1; i <= 200; i++) {
      const xi = x.detach().requiresGrad_();
      const out = xi.mm(w1).tanh().mm(w2).sum();
      const [gx] = grad(out, xi, { createGraph: true });
      gx!.pow(2).mean().add(out.mul(1e-3)).backward();
      noGrad(() => {
        for (const w of [w1, w2]) {
          w.sub_(w.grad!.mul(1e-3));
          w.grad = null;
        }
      });
      if (i === 50) at50 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at50);
  });

  it('hooks and retained grads do not leak', () => {
    const { w1, w2, x } = net();
    const h1 = w1.registerHook((g) => g.mul(0.5));
    let at50 = 0;
    for (let i = 1; i <= 200; i++) {
      const h = x.mm(w1);
      h.retainGrad();
      h.relu().mm(w2).mean().backward();
      noGrad(() => {
        w1.grad = null;
        w2.grad = null;
      });
      if (i === 50) at50 = memory().numTensors;
    }
    h1.remove();
    expect(memory().numTensors).toBe(at50);
  });

  it("the same training loop on the 'cpu' backend", async () => {
    const before = getBackend();
    await setBackend('cpu');
    try {
      const { at100, atEnd } = train(300);
      expect(atEnd).toBe(at100);
    } finally {
      await setBackend(before);
    }
  });
});
