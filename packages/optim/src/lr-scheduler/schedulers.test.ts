/**
 * Learning-rate sequences against PyTorch 1.13 (test-fixtures/schedulers.json, from
 * scripts/fixtures/optim_cases.py): the rates after construction and after each of 30 steps.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeros } from '@flint/tensor';
import { Adam, SGD, lrScheduler, type Optimizer } from '../index.js';
import type { LRScheduler } from './lr-scheduler.js';

interface SchedulerCase {
  name: string;
  config: Record<string, any>;
  optimizer: 'sgd' | 'adam';
  lrs: number[];
  lr: number[][];
  momentum?: number[][];
  metrics?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../test-fixtures/schedulers.json', import.meta.url), 'utf8')) as {
  steps: number;
  cases: SchedulerCase[];
};

const lambdas: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inv1p: (e) => 1 / (e + 1),
  const09: () => 0.9,
};
const camel = (k: string): string => (k === 'T_max' ? 'TMax' : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

function makeOpt(kind: 'sgd' | 'adam', lrs: number[]): Optimizer<any> {
  const groups = lrs.map((lr) => ({ params: [zeros([2], { requiresGrad: true }).keep()], lr }));
  return kind === 'sgd' ? new SGD(groups, { lr: lrs[0]!, momentum: 0.9 }) : new Adam(groups, { lr: lrs[0]! });
}

function build(opt: Optimizer<any>, name: string, config: Record<string, any>): any {
  const o: Record<string, any> = Object.fromEntries(Object.entries(config).map(([k, v]) => [camel(k), v]));
  if (typeof o.lrLambda === 'string') o.lrLambda = lambdas[o.lrLambda];
  if (name === 'SequentialLR') {
    const schedulers = o.schedulers.map((s: any) => build(opt, s.name, s.config) as LRScheduler);
    return new lrScheduler.SequentialLR(opt, { schedulers, milestones: o.milestones });
  }
  if (name === 'ChainedScheduler') return new lrScheduler.ChainedScheduler(o.schedulers.map((s: any) => build(opt, s.name, s.config)));
  const Ctor = (lrScheduler as Record<string, any>)[name];
  return new Ctor(opt, o);
}

const close = (a: number, e: number): boolean => Math.abs(a - e) <= 1e-12 + 1e-9 * Math.abs(e);

function expectSeq(actual: number[][], expected: number[][], label: string): void {
  expected.forEach((row, t) =>
    row.forEach((e, g) => {
      if (!close(actual[t]![g]!, e)) expect.fail(`${label}: step ${t}, group ${g}: ${actual[t]![g]} vs PyTorch ${e}`);
    }),
  );
}

const momentumOf = (opt: Optimizer<any>): number[] =>
  opt.paramGroups.map((g) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number)));

describe('lrScheduler sequences match PyTorch 1.13', () => {
  for (const c of fixture.cases) {
    it(`${c.name} ${JSON.stringify(c.config)} on ${c.lrs.length} group(s)`, () => {
      const opt = makeOpt(c.optimizer, c.lrs);
      const sched = build(opt, c.name, c.config);
      const lrs: number[][] = [];
      const moms: number[][] = [];
      if (c.metrics) {
        for (const m of c.metrics) {
          sched.step(m);
          lrs.push(opt.paramGroups.map((g) => g.lr as number));
        }
      } else {
        lrs.push(sched.getLastLr());
        moms.push(momentumOf(opt));
        for (let i = 0; i < fixture.steps; i++) {
          opt.step();
          sched.step();
          lrs.push(sched.getLastLr());
          moms.push(momentumOf(opt));
        }
      }
      expectSeq(lrs, c.lr, c.name);
      if (c.momentum) expectSeq(moms, c.momentum, `${c.name} momentum`);
    });
  }
});

describe('LRScheduler', () => {
  it('records initialLr in the groups and exposes lastEpoch', () => {
    const opt = makeOpt('sgd', [0.1, 0.2]);
    const s = new lrScheduler.StepLR(opt, { stepSize: 2 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.2]);
    expect(s.lastEpoch).toBe(0);
    s.step();
    s.step();
    expect(s.lastEpoch).toBe(2);
    expect(s.getLastLr()[0]).toBeCloseTo(0.01, 12);
  });

  it('resuming needs initialLr in the groups, as PyTorch', () => {
    const opt = makeOpt('sgd', [0.1]);
    expect(() => new lrScheduler.ExponentialLR(opt, { gamma: 0.5, lastEpoch: 3 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
  });

  it('stateDict / loadStateDict continue a schedule exactly', () => {
    const optA = makeOpt('sgd', [0.1]);
    const a = new lrScheduler.CosineAnnealingLR(optA, { TMax: 7, etaMin: 0.01 });
    for (let i = 0; i < 4; i++) a.step();
    const saved = JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>;
    expect(saved.last_epoch).toBe(4);
    expect(saved.base_lrs).toEqual([0.1]);
    const optB = makeOpt('sgd', [0.1]);
    const b = new lrScheduler.CosineAnnealingLR(optB, { TMax: 7, etaMin: 0.01 });
    b.loadStateDict(saved);
    optB.paramGroups[0]!.lr = optA.paramGroups[0]!.lr;
    for (let i = 0; i < 10; i++) {
      a.step();
      b.step();
      expect(b.getLastLr()).toEqual(a.getLastLr());
    }
  });

  it('validates options with PyTorch messages', () => {
    const opt = makeOpt('sgd', [0.1]);
    expect(() => new lrScheduler.LinearLR(opt, { startFactor: 2 })).toThrow('Starting multiplicative factor expected to be between 0 and 1.');
    expect(() => new lrScheduler.OneCycleLR(opt, { maxLr: 1 })).toThrow('You must define either total_steps OR (epochs AND steps_per_epoch)');
    expect(() => new lrScheduler.ReduceLROnPlateau(opt, { factor: 1 })).toThrow('Factor should be < 1.0.');
    const s = new lrScheduler.OneCycleLR(opt, { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow('Tried to step 4 times. The specified number of total steps is 2');
  });
});
