/**
 * Leak tests: training and inference loops written with raw tensors and no dispose()/scope()/
 * keep() keep constant backend memory (tensors and bytes). Dead tensors' storages leave WASM
 * memory at the sweeps of storage.ts: `backward()` ticks; an inference loop under `noGrad` (which
 * does not tick) either calls `tick()` or is bounded by the allocation-volume sweeps.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, manualSeed, memory, randn, setBackend, tick, type Tensor } from '@flint/tensor';
import { grad, noGrad } from './index.js';

function net() {
  manualSeed(1);
  const w1 = randn([4, 16], { requiresGrad: true });
  const w2 = randn([16, 1], { requiresGrad: true });
  const x = randn([32, 4]);
  const y = randn([32, 1]);
  return { w1, w2, x, y };
}

type Mem = { numTensors: number; numBytes: number };

/** Runs `iterations` SGD steps and returns the live backend memory after the 100th and the last. */
function train(iterations: number): { at100: Mem; atEnd: Mem; losses: number[] } {
  const { w1, w2, x, y } = net();
  const lr = 0.01;
  let at100: Mem = { numTensors: 0, numBytes: 0 };
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
    if (i === 100) at100 = memory();
  }
  return { at100, atEnd: memory(), losses };
}

describe('no leaks', () => {
  it('1,000 training iterations: constant live tensors and bytes, and the loss goes down', () => {
    const { at100, atEnd, losses } = train(1000);
    expect(atEnd).toEqual(at100);
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

  it('1,000 inference iterations under noGrad with no tick() are bounded by the sweeps', () => {
    const { w1, w2 } = net();
    const x = randn([512, 4]);
    let peak = 0;
    for (let i = 1; i <= 1000; i++) {
      noGrad(() => x.mm(w1).relu().mm(w2).sigmoid()).sum().item();
      peak = Math.max(peak, memory().numBytes);
    }
    // ~44 MB of temporaries in all; no sweep is needed below the 64 MB budget, and the bound holds.
    expect(peak).toBeLessThan(3 * 64 * 2 ** 20);
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
      expect(atEnd).toEqual(at100);
    } finally {
      await setBackend(before);
    }
  });
});
