/**
 * The public API contract (/work/shared/spec/API.md, "Optim"): every name it lists for
 * @flint/optim, imported from the package as an outside user would and used once in the contract's
 * calling style. A failure here is a breaking change.
 */
import { describe, expect, it } from 'vitest';
import { Optimizer, SGD, Adam, AdamW, RMSprop, lrScheduler } from '@flint/optim';
import { Tensor, tensor, zeros } from '@flint/tensor';

/** A leaf parameter kept alive across steps, as an nn Parameter is. */
const param = (values: number[]): Tensor => tensor(values, { requiresGrad: true }).keep();
const lossOf = (ps: Tensor[]): Tensor => ps.map((p) => p.pow(2).sum()).reduce((a, b) => a.add(b));
const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('contract: optimizers', () => {
  it('new SGD(params, { lr, momentum, dampening, weightDecay, nesterov, maximize }) with an iterable of parameters; step()', () => {
    const w = param([1, 2]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, maximize: false });
    expect(opt).toBeInstanceOf(Optimizer);
    lossOf([w]).backward();
    opt.step();
    // nesterov: buf = g; update = g + 0.9·buf = 1.9·g, g = 2w
    expect(values(w)[0]).toBeCloseTo(1 - 0.1 * 1.9 * 2, 5);
    const gen = (function* () {
      yield w;
    })();
    expect(new SGD(gen, { lr: 0.1 }).paramGroups[0]!.params).toEqual([w]);
  });
  it('param groups { params, ...overrides }; paramGroups is readable and writable (lr)', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    expect(opt.paramGroups[0]!.momentum).toBe(0);
    opt.paramGroups[0]!.lr = 0.25;
    lossOf([a, b]).backward();
    opt.step();
    expect(values(a)[0]).toBeCloseTo(1 - 0.25 * 2, 6);
    expect(values(b)[0]).toBeCloseTo(1 - 0.5 * 2, 6);
  });
  it('zeroGrad({ setToNone = true })', () => {
    const w = param([1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    lossOf([w]).backward();
    opt.zeroGrad({ setToNone: false });
    expect(values(w.grad!)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });
  it('Adam(params, { lr, betas, eps, weightDecay, amsgrad }), AdamW, RMSprop(params, { lr, alpha, eps, weightDecay, momentum, centered })', () => {
    for (const make of [
      (p: Tensor[]) => new Adam(p, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true }),
      (p: Tensor[]) => new AdamW(p, { lr: 0.1, betas: [0.9, 0.999], weightDecay: 0.01 }),
      (p: Tensor[]) => new RMSprop(p, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.9, centered: true }),
    ]) {
      const w = param([1, -1]);
      const opt = make([w]);
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        lossOf([w]).backward();
        opt.step();
      }
      expect(Math.abs(values(w)[0]!)).toBeLessThan(1);
    }
    // Adam's first step moves each weight by lr (bias-corrected m/√v = sign(g)).
    const w = param([1, -1]);
    const adam = new Adam([w], { lr: 0.1 });
    lossOf([w]).backward();
    adam.step();
    expect(values(w)[0]).toBeCloseTo(0.9, 5);
    expect(values(w)[1]).toBeCloseTo(-0.9, 5);
  });
  it('stateDict() / loadStateDict() resume momentum exactly', () => {
    const run = (resume: boolean): number[] => {
      const w = param([1, 2]);
      let opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 4; i++) {
        if (i === 2 && resume) {
          const sd = opt.stateDict();
          opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
          opt.loadStateDict(sd);
        }
        opt.zeroGrad();
        lossOf([w]).backward();
        opt.step();
      }
      return values(w);
    };
    expect(run(true)).toEqual(run(false));
  });
  it('invalid hyperparameters throw at construction: Invalid learning rate: -1', () => {
    expect(() => new SGD([param([1])], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new Adam([param([1])], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new Adam([param([1])], { betas: [1.5, 0.999] })).toThrow(/Invalid beta parameter/);
    expect(() => new SGD([param([1])], { lr: 0.1, momentum: -1 })).toThrow(/Invalid momentum value/);
  });
});

describe('contract: lrScheduler', () => {
  const lrs = (make: (opt: SGD) => { step(): void; getLastLr(): number[] }, n: number): number[] => {
    const opt = new SGD([param([0])], { lr: 1 });
    const s = make(opt);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      opt.step();
      s.step();
      out.push(s.getLastLr()[0]!);
    }
    expect(opt.paramGroups[0]!.lr).toBe(out[n - 1]);
    return out;
  };
  const close = (got: number[], want: number[]): void => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));

  it('new lrScheduler.StepLR(opt, { stepSize, gamma }), .step(), .getLastLr()', () => {
    close(lrs((o) => new lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.1 }), 4), [1, 0.1, 0.1, 0.01]);
  });
  it('MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR', () => {
    close(lrs((o) => new lrScheduler.MultiStepLR(o, { milestones: [1, 3], gamma: 0.5 }), 3), [0.5, 0.5, 0.25]);
    close(lrs((o) => new lrScheduler.ExponentialLR(o, { gamma: 0.5 }), 2), [0.5, 0.25]);
    close(lrs((o) => new lrScheduler.CosineAnnealingLR(o, { TMax: 2 }), 2), [0.5, 0]);
    close(lrs((o) => new lrScheduler.CosineAnnealingLR(o, { tMax: 2, etaMin: 0.1 }), 1), [0.55]);
    close(lrs((o) => new lrScheduler.LinearLR(o, { startFactor: 0.5, totalIters: 2 }), 3), [0.75, 1, 1]);
  });
  it('OneCycleLR and ReduceLROnPlateau', () => {
    const opt = new SGD([param([0])], { lr: 1, momentum: 0.9 });
    const one = new lrScheduler.OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    expect(one.getLastLr()[0]).toBeCloseTo(0.04, 6);
    for (let i = 0; i < 2; i++) {
      opt.step();
      one.step();
    }
    expect(one.getLastLr()[0]).toBeCloseTo(1, 6); // the peak at step 0.3 · 10 − 1
    expect(opt.paramGroups[0]!.momentum).toBeCloseTo(0.85, 6);

    const opt2 = new SGD([param([0])], { lr: 1 });
    const plateau = new lrScheduler.ReduceLROnPlateau(opt2, { factor: 0.5, patience: 1 });
    for (const metric of [1, 1, 1]) plateau.step(metric);
    expect(opt2.paramGroups[0]!.lr).toBe(0.5);
    plateau.step(zeros([]).add(0.5));
    expect(plateau.getLastLr()).toEqual([0.5]);
  });
});
