/**
 * Every bad scheduler option or state dict is a clear error, and nothing is written into the
 * optimizer (no `initialLr`, no learning rate or momentum) or the scheduler before it passes.
 */
import { describe, expect, it } from 'vitest';
import { zeros } from '@flint/tensor';
import { Adagrad, Adam, SGD, lrScheduler, type Optimizer } from '../index.js';

const { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR, ReduceLROnPlateau, LambdaLR, MultiplicativeLR, SequentialLR, ChainedScheduler } =
  lrScheduler;
const bad = (x: unknown): any => x;

function sgd(lrs: number[] = [0.1], momentum = 0.9): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [zeros([2], { requiresGrad: true }).keep()], lr })),
    { lr: lrs[0]!, momentum },
  );
}

/** The groups' hyperparameters (without the tensors). */
const groupsOf = (opt: Optimizer<any>): unknown => opt.paramGroups.map(({ params: _, ...h }) => structuredClone(h));

/** Expects `fn` to throw `message` with the optimizer's groups (and the scheduler's state, if given) unchanged. */
function expectRefused(opt: Optimizer<any>, fn: () => unknown, message: string | RegExp, sched?: { stateDict(): unknown }): void {
  const groups = groupsOf(opt);
  const state = sched ? structuredClone(sched.stateDict()) : undefined;
  expect(fn).toThrow(message);
  expect(groupsOf(opt)).toEqual(groups);
  if (sched) expect(sched.stateDict()).toEqual(state);
}

describe('scheduler options', () => {
  it('the optimizer must be an Optimizer, lastEpoch an integer >= -1', () => {
    expect(() => new StepLR(bad({ paramGroups: [] }), { stepSize: 1 })).toThrow('Object is not an Optimizer');
    expect(() => new ReduceLROnPlateau(bad(null))).toThrow('null is not an Optimizer');
    expect(() => new LambdaLR(bad(undefined), { lrLambda: () => 1 })).toThrow('undefined is not an Optimizer');
    const opt = sgd();
    expectRefused(opt, () => new StepLR(opt, { stepSize: 1, lastEpoch: -2 }), 'StepLR: lastEpoch must be an integer >= -1 (got -2)');
    expectRefused(opt, () => new ExponentialLR(opt, { gamma: 0.5, lastEpoch: 1.5 }), 'ExponentialLR: lastEpoch must be an integer >= -1 (got 1.5)');
    expectRefused(opt, () => new LinearLR(opt, { lastEpoch: bad('0') }), 'LinearLR: lastEpoch must be an integer >= -1 (got "0", a string)');
  });

  it('StepLR: stepSize a positive integer, gamma finite and > 0', () => {
    const opt = sgd();
    for (const stepSize of [0, -1, 1.5, NaN, Infinity]) {
      expectRefused(opt, () => new StepLR(opt, { stepSize }), `StepLR: stepSize must be a positive integer (got ${stepSize})`);
    }
    expectRefused(opt, () => new StepLR(opt, { stepSize: bad('2') }), 'StepLR: stepSize must be a positive integer (got "2", a string)');
    expectRefused(opt, () => new StepLR(opt, bad({})), 'StepLR: stepSize must be a positive integer (got undefined)');
    expectRefused(opt, () => new StepLR(opt, bad(undefined)), 'StepLR: stepSize must be a positive integer');
    for (const gamma of [0, -0.1, NaN, Infinity]) {
      expectRefused(opt, () => new StepLR(opt, { stepSize: 2, gamma }), `StepLR: gamma must be a finite number > 0 (got ${gamma})`);
    }
    expectRefused(opt, () => new StepLR(opt, { stepSize: 2, gamma: bad(null) }), 'StepLR: gamma must be a finite number > 0 (got null)');
    expect(opt.paramGroups[0]!.initialLr).toBeUndefined();
  });

  it('MultiStepLR: milestones an increasing list of non-negative integers (repeats decay twice)', () => {
    const opt = sgd();
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: [5, 3] }), 'MultiStepLR: milestones must be an increasing (non-decreasing) list of non-negative integers (got [5, 3])');
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: [1.5] }), 'MultiStepLR: milestones must be an increasing (non-decreasing) list of non-negative integers (got 1.5 at index 0)');
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: [2, -1] }), '(got -1 at index 1)');
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: [2, NaN] }), '(got NaN at index 1)');
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: bad('3') }), 'MultiStepLR: milestones must be an increasing (non-decreasing) list of non-negative integers (got a string)');
    expectRefused(opt, () => new MultiStepLR(opt, bad({ gamma: 0.5 })), '(got undefined)');
    expectRefused(opt, () => new MultiStepLR(opt, { milestones: [2], gamma: NaN }), 'MultiStepLR: gamma must be a finite number > 0 (got NaN)');
    const s = new MultiStepLR(opt, { milestones: [1, 1], gamma: 0.5 });
    s.step();
    expect(s.getLastLr()[0]).toBeCloseTo(0.025, 12);
  });

  it('ExponentialLR: gamma required, finite and > 0', () => {
    const opt = sgd();
    expectRefused(opt, () => new ExponentialLR(opt, bad({})), 'ExponentialLR: gamma must be a finite number > 0 (got undefined)');
    expectRefused(opt, () => new ExponentialLR(opt, { gamma: NaN }), 'ExponentialLR: gamma must be a finite number > 0 (got NaN)');
    expectRefused(opt, () => new ExponentialLR(opt, { gamma: -2 }), 'ExponentialLR: gamma must be a finite number > 0 (got -2)');
  });

  it('CosineAnnealingLR: TMax a positive number, etaMin finite and >= 0', () => {
    const opt = sgd();
    expectRefused(opt, () => new CosineAnnealingLR(opt, {}), 'CosineAnnealingLR: TMax must be a positive number of epochs (got undefined');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { TMax: 0 }), 'CosineAnnealingLR: TMax must be a positive number of epochs (got 0)');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { tMax: Infinity }), 'CosineAnnealingLR: TMax must be a positive number of epochs (got Infinity)');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { TMax: NaN }), '(got NaN)');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { TMax: 5, tMax: 7 }), 'CosineAnnealingLR: TMax (5) and tMax (7) disagree');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { TMax: 5, etaMin: -0.1 }), 'CosineAnnealingLR: etaMin must be a finite number >= 0 (got -0.1)');
    expectRefused(opt, () => new CosineAnnealingLR(opt, { TMax: 5, etaMin: NaN }), 'CosineAnnealingLR: etaMin must be a finite number >= 0 (got NaN)');
  });

  it('LinearLR: startFactor in (0, 1], endFactor in [0, 1], totalIters a positive integer', () => {
    const opt = sgd();
    for (const startFactor of [0, -0.5, 1.5, NaN]) {
      expectRefused(opt, () => new LinearLR(opt, { startFactor }), `Starting multiplicative factor expected to be between 0 and 1. It must be greater than 0 and less or equal to 1; got ${startFactor}.`);
    }
    expectRefused(opt, () => new LinearLR(opt, { startFactor: bad('0.5') }), 'Starting multiplicative factor expected to be between 0 and 1.');
    for (const endFactor of [-0.1, 1.5, Infinity]) {
      expectRefused(opt, () => new LinearLR(opt, { endFactor }), `Ending multiplicative factor expected to be between 0 and 1. Got ${endFactor}.`);
    }
    for (const totalIters of [0, 2.5, NaN]) {
      expectRefused(opt, () => new LinearLR(opt, { totalIters }), `LinearLR: totalIters must be a positive integer (got ${totalIters})`);
    }
    // The edges are allowed.
    new LinearLR(sgd(), { startFactor: 1, endFactor: 0, totalIters: 1 });
  });

  it('OneCycleLR: step counts, pctStart, annealStrategy, maxLr, factors and momenta; nothing written before', () => {
    const opt = sgd([0.1, 0.2]);
    const cases: [Record<string, unknown>, string][] = [
      [{ maxLr: 1 }, 'You must define either total_steps OR (epochs AND steps_per_epoch)'],
      [{ maxLr: 1, totalSteps: 0 }, 'Expected positive integer total_steps, but got 0'],
      [{ maxLr: 1, totalSteps: 2.5 }, 'Expected positive integer total_steps, but got 2.5'],
      [{ maxLr: 1, totalSteps: NaN }, 'Expected positive integer total_steps, but got NaN'],
      [{ maxLr: 1, epochs: 2 }, 'Expected positive integer steps_per_epoch, but got undefined'],
      [{ maxLr: 1, epochs: -1, stepsPerEpoch: 3 }, 'Expected positive integer epochs, but got -1'],
      [{ maxLr: 1, totalSteps: 10, pctStart: 1.5 }, 'Expected float between 0 and 1 pct_start, but got 1.5'],
      [{ maxLr: 1, totalSteps: 10, pctStart: NaN }, 'Expected float between 0 and 1 pct_start, but got NaN'],
      [{ maxLr: 1, totalSteps: 10, pctStart: '0.3' }, 'Expected float between 0 and 1 pct_start, but got "0.3"'],
      [{ maxLr: 1, totalSteps: 10, annealStrategy: 'exp' }, `anneal_strategy must by one of 'cos' or 'linear', instead got "exp"`],
      [{ maxLr: NaN, totalSteps: 10 }, 'OneCycleLR: maxLr must be a finite number >= 0 (got NaN)'],
      [{ maxLr: [1, -1], totalSteps: 10 }, 'OneCycleLR: maxLr[1] must be a finite number >= 0 (got -1)'],
      [{ maxLr: [1], totalSteps: 10 }, 'expected 2 values for max_lr, got 1'],
      [{ totalSteps: 10 }, 'OneCycleLR: maxLr must be a finite number >= 0 (got undefined'],
      [{ maxLr: 1, totalSteps: 10, divFactor: 0 }, 'OneCycleLR: divFactor must be a finite number > 0 (got 0)'],
      [{ maxLr: 1, totalSteps: 10, finalDivFactor: Infinity }, 'OneCycleLR: finalDivFactor must be a finite number > 0 (got Infinity)'],
      [{ maxLr: 1, totalSteps: 10, baseMomentum: NaN }, 'OneCycleLR: baseMomentum must be a finite number >= 0 (got NaN)'],
      [{ maxLr: 1, totalSteps: 10, maxMomentum: [0.9] }, 'expected 2 values for max_momentum, got 1'],
      [{ maxLr: 1, totalSteps: 10, cycleMomentum: 'yes' }, 'OneCycleLR: cycleMomentum must be true or false'],
      [{ maxLr: 1, totalSteps: 10, lastEpoch: 3 }, 'OneCycleLR: param_groups[0].initialLr (needed to resume at lastEpoch 3) must be a finite number >= 0 (got undefined'],
    ];
    for (const [options, message] of cases) expectRefused(opt, () => new OneCycleLR(opt, bad(options)), message);
    const adam = new Adam([zeros([1], { requiresGrad: true }).keep()]);
    expectRefused(adam, () => new OneCycleLR(adam, { maxLr: 1, totalSteps: 10, maxMomentum: 1 }), 'OneCycleLR: maxMomentum must be a finite number in [0, 1) (it becomes beta1) (got 1)');
    const ada = new Adagrad([zeros([1], { requiresGrad: true }).keep()]);
    expectRefused(ada, () => new OneCycleLR(ada, { maxLr: 1, totalSteps: 10 }), 'optimizer must support momentum with `cycle_momentum` option enabled');
    new OneCycleLR(ada, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
  });

  it('ReduceLROnPlateau: mode, factor < 1, patience >= 0, threshold, cooldown, minLr, eps', () => {
    const opt = sgd([0.1, 0.2]);
    const cases: [Record<string, unknown>, string][] = [
      [{ mode: 'avg' }, 'mode avg is unknown!'],
      [{ factor: 1 }, 'Factor should be < 1.0.'],
      [{ factor: Infinity }, 'Factor should be < 1.0.'],
      [{ factor: -0.1 }, 'ReduceLROnPlateau: factor must be a finite number in [0, 1) (got -0.1)'],
      [{ factor: NaN }, 'ReduceLROnPlateau: factor must be a finite number in [0, 1) (got NaN)'],
      [{ patience: -1 }, 'ReduceLROnPlateau: patience must be a non-negative integer (got -1)'],
      [{ patience: 1.5 }, 'ReduceLROnPlateau: patience must be a non-negative integer (got 1.5)'],
      [{ threshold: NaN }, 'ReduceLROnPlateau: threshold must be a finite number >= 0 (got NaN)'],
      [{ threshold: -1 }, 'ReduceLROnPlateau: threshold must be a finite number >= 0 (got -1)'],
      [{ thresholdMode: 'relative' }, 'threshold mode relative is unknown!'],
      [{ cooldown: -1 }, 'ReduceLROnPlateau: cooldown must be a non-negative integer (got -1)'],
      [{ minLr: [0.1] }, 'expected 2 min_lrs, got 1'],
      [{ minLr: NaN }, 'ReduceLROnPlateau: minLr[0] must be a finite number >= 0 (got NaN)'],
      [{ minLr: [0, -1] }, 'ReduceLROnPlateau: minLr[1] must be a finite number >= 0 (got -1)'],
      [{ eps: -1 }, 'ReduceLROnPlateau: eps must be a finite number >= 0 (got -1)'],
    ];
    for (const [options, message] of cases) expectRefused(opt, () => new ReduceLROnPlateau(opt, bad(options)), message);
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    expectRefused(opt, () => s.step(bad('0.5')), 'ReduceLROnPlateau.step: the metric must be a number or a one-element tensor (got a string)', s);
    expect(s.lastEpoch).toBe(0);
  });

  it('LambdaLR / MultiplicativeLR: functions, one per group; a bad factor is refused and the step not taken', () => {
    const opt = sgd([0.1, 0.2]);
    expectRefused(opt, () => new LambdaLR(opt, { lrLambda: bad(0.5) }), 'LambdaLR: lrLambda must be a function or an array of one function per param group (got a number)');
    expectRefused(opt, () => new LambdaLR(opt, { lrLambda: [() => 1] }), 'Expected 2 lr_lambdas, but got 1');
    expectRefused(opt, () => new MultiplicativeLR(opt, { lrLambda: [() => 1, bad(null)] }), 'MultiplicativeLR: lrLambda[1] must be a function (got null)');
    // The first factor is computed by the constructor: a bad one leaves the groups as they were (no initialLr).
    expectRefused(opt, () => new LambdaLR(opt, { lrLambda: () => NaN }), 'LambdaLR: lrLambda(0) for param group 0 returned NaN; the factor must be a finite number >= 0');
    expectRefused(opt, () => new LambdaLR(opt, { lrLambda: bad(() => '1') }), 'LambdaLR: lrLambda(0) for param group 0 returned "1"');
    expect(opt.paramGroups[0]!.initialLr).toBeUndefined();
    const s = new MultiplicativeLR(opt, { lrLambda: (e) => (e >= 2 ? -1 : 0.5) });
    s.step();
    expectRefused(opt, () => s.step(), 'MultiplicativeLR: lrLambda(2) for param group 0 returned -1', s);
    expect(s.lastEpoch).toBe(1);
    expect(s.getLastLr()).toEqual([0.05, 0.1]);
  });

  it('SequentialLR: LRSchedulers of this optimizer, increasing integer milestones; nothing reset before', () => {
    const opt = sgd();
    const a = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    const c = new StepLR(opt, { stepSize: 2 });
    opt.paramGroups[0]!.lr = 0.123; // SequentialLR resets it to initialLr, only once everything is valid
    const epochs = [a, b, c].map((s) => s.lastEpoch);
    const seq = (options: Record<string, unknown>) => () => new SequentialLR(opt, bad(options));
    expectRefused(opt, seq({ schedulers: [a, b, c], milestones: [5, 3] }), 'SequentialLR: milestones must be an increasing list of non-negative integers (got [5, 3])');
    expectRefused(opt, seq({ schedulers: [a, b, c], milestones: [3, 3] }), '(got [3, 3])');
    expectRefused(opt, seq({ schedulers: [a, b], milestones: [2.5] }), '(got 2.5 at index 0)');
    expectRefused(opt, seq({ schedulers: [a, b], milestones: [2, 4] }), 'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points');
    expectRefused(opt, seq({ schedulers: [], milestones: [] }), 'SequentialLR: schedulers must be a non-empty array of schedulers (got an empty array)');
    const plateau = new ReduceLROnPlateau(opt);
    expectRefused(opt, seq({ schedulers: [a, plateau], milestones: [2] }), 'SequentialLR: schedulers[1] must be an LRScheduler (got ReduceLROnPlateau)');
    const other = new StepLR(sgd(), { stepSize: 1 });
    expectRefused(opt, seq({ schedulers: [a, other], milestones: [2] }), 'Sequential Schedulers expects all schedulers to belong to the same optimizer');
    expectRefused(opt, seq({ schedulers: [a, b], milestones: [2], lastEpoch: -3 }), 'SequentialLR: lastEpoch must be an integer >= -1 (got -3)');
    expect([a, b, c].map((s) => s.lastEpoch)).toEqual(epochs);
    expect(opt.paramGroups[0]!.lr).toBe(0.123);
  });

  it('ChainedScheduler: a non-empty array of LRSchedulers of one optimizer', () => {
    const opt = sgd();
    const a = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new ChainedScheduler(bad(a))).toThrow('ChainedScheduler: expects an array of schedulers (got an object)');
    expect(() => new ChainedScheduler([])).toThrow('ChainedScheduler expects at least one scheduler');
    expect(() => new ChainedScheduler([a, bad(new ReduceLROnPlateau(opt))])).toThrow('ChainedScheduler: schedulers[1] must be an LRScheduler (got ReduceLROnPlateau)');
    expect(() => new ChainedScheduler([a, new ExponentialLR(sgd(), { gamma: 0.9 })])).toThrow('ChainedScheduler expects all schedulers to belong to the same optimizer');
  });
});

describe('scheduler loadStateDict', () => {
  it("refuses another scheduler's state, naming the keys, and changes nothing", () => {
    const opt = sgd();
    const cos = new CosineAnnealingLR(opt, { TMax: 10 });
    const step = new StepLR(sgd(), { stepSize: 3 });
    expectRefused(opt, () => cos.loadStateDict(step.stateDict()), /CosineAnnealingLR.loadStateDict: step_size, gamma are not in the state of CosineAnnealingLR .*saves .*T_max, eta_min/, cos);
    const s = new StepLR(opt, { stepSize: 3 });
    const exp = new ExponentialLR(sgd(), { gamma: 0.5 });
    expectRefused(opt, () => s.loadStateDict(exp.stateDict()), 'StepLR.loadStateDict: the state dict lacks step_size, so it is not the state of StepLR', s);
    expectRefused(opt, () => s.loadStateDict(bad(null)), 'StepLR.loadStateDict: expected a state dict object (got null)', s);
    expectRefused(opt, () => s.loadStateDict(bad([1])), 'StepLR.loadStateDict: expected a state dict object (got an array)', s);
  });

  it('checks the values as the constructor does', () => {
    const opt = sgd([0.1, 0.2]);
    const s = new StepLR(opt, { stepSize: 3 });
    const sd = s.stateDict();
    const cases: [Record<string, unknown>, string][] = [
      [{ step_size: 0 }, 'StepLR.loadStateDict: stepSize must be a positive integer (got 0)'],
      [{ gamma: NaN }, 'StepLR.loadStateDict: gamma must be a finite number > 0 (got NaN)'],
      [{ gamma: '0.1' }, 'StepLR.loadStateDict: gamma must be a finite number > 0 (got "0.1", a string)'],
      [{ last_epoch: 1.5 }, 'StepLR.loadStateDict: lastEpoch must be an integer >= -1 (got 1.5)'],
      [{ base_lrs: [0.1] }, 'StepLR.loadStateDict: baseLrs must have one value per param group: expected 2, got 1'],
      [{ base_lrs: [0.1, null] }, 'StepLR.loadStateDict: baseLrs[1] must be a finite number >= 0 (got null)'],
      [{ _step_count: -1 }, 'StepLR.loadStateDict: _stepCount must be a non-negative integer (got -1)'],
      [{ _last_lr: 'x' }, 'StepLR.loadStateDict: _lastLr must be an array of 2 numbers, one per param group (got a string)'],
    ];
    for (const [change, message] of cases) expectRefused(opt, () => s.loadStateDict({ ...sd, ...change }), message, s);
    const lin = new LinearLR(opt, { totalIters: 4 });
    expectRefused(opt, () => lin.loadStateDict({ ...lin.stateDict(), start_factor: 0 }), 'LinearLR.loadStateDict: Starting multiplicative factor expected to be between 0 and 1.', lin);
    expectRefused(opt, () => lin.loadStateDict({ ...lin.stateDict(), total_iters: 0 }), 'LinearLR.loadStateDict: totalIters must be a positive integer (got 0)', lin);
    const multi = new MultiStepLR(opt, { milestones: [2, 4] });
    expectRefused(opt, () => multi.loadStateDict({ ...multi.stateDict(), milestones: [4, 2] }), 'MultiStepLR.loadStateDict: milestones must be an increasing', multi);
    const cos = new CosineAnnealingLR(opt, { TMax: 5 });
    expectRefused(opt, () => cos.loadStateDict({ ...cos.stateDict(), T_max: -5 }), 'CosineAnnealingLR.loadStateDict: TMax must be a positive number of epochs (got -5)', cos);
    const one = new OneCycleLR(sgd([0.1, 0.2]), { maxLr: 1, totalSteps: 10 });
    expectRefused(opt, () => one.loadStateDict({ ...one.stateDict(), total_steps: 0 }), 'OneCycleLR.loadStateDict: totalSteps must be a positive integer (got 0)', one);
    expectRefused(opt, () => one.loadStateDict({ ...one.stateDict(), anneal_strategy: 'exp' }), "OneCycleLR.loadStateDict: anneal_strategy must by one of 'cos' or 'linear'", one);
    expectRefused(opt, () => one.loadStateDict({ ...one.stateDict(), schedule_phases: [] }), 'OneCycleLR.loadStateDict: schedulePhases must be the 2 or 3 phases', one);
    const plateau = new ReduceLROnPlateau(opt);
    const psd = plateau.stateDict();
    expectRefused(opt, () => plateau.loadStateDict({ ...psd, factor: 2 }), 'ReduceLROnPlateau.loadStateDict: Factor should be < 1.0.', plateau);
    expectRefused(opt, () => plateau.loadStateDict({ ...psd, mode: 'avg' }), 'ReduceLROnPlateau.loadStateDict: mode avg is unknown!', plateau);
    expectRefused(opt, () => plateau.loadStateDict({ ...psd, min_lrs: [0] }), 'ReduceLROnPlateau.loadStateDict: minLr must have one value per param group: expected 2, got 1', plateau);
    expectRefused(opt, () => plateau.loadStateDict({ ...psd, num_bad_epochs: -1 }), 'ReduceLROnPlateau.loadStateDict: numBadEpochs must be a non-negative integer (got -1)', plateau);
    expectRefused(opt, () => plateau.loadStateDict({ ...psd, step_size: 3 }), 'ReduceLROnPlateau.loadStateDict: step_size is not in the state of ReduceLROnPlateau', plateau);
  });

  it('loads its own state (JSON round trips included), with _step_count and T_max as PyTorch names them', () => {
    const optA = sgd();
    const a = new CosineAnnealingLR(optA, { TMax: 7, etaMin: 0.01 });
    for (let i = 0; i < 3; i++) a.step();
    const saved = JSON.parse(JSON.stringify(a.stateDict())) as Record<string, unknown>;
    expect(saved).toMatchObject({ T_max: 7, eta_min: 0.01, _step_count: 4, last_epoch: 3 });
    const b = new CosineAnnealingLR(sgd(), { TMax: 3 });
    b.loadStateDict(saved);
    expect(b.TMax).toBe(7);
    expect(b._stepCount).toBe(4);
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(Object.keys(b)).not.toContain('StepCount');
    // The key earlier versions saved for TMax still loads.
    const { T_max: _, ...rest } = saved;
    b.loadStateDict({ ...rest, _t_max: 9 });
    expect(b.TMax).toBe(9);
  });

  it("takes PyTorch's extras: verbose, MultiStepLR's Counter milestones, LambdaLR's lr_lambdas, ReduceLROnPlateau's best: null (JSON's Infinity)", () => {
    const opt = sgd();
    const multi = new MultiStepLR(opt, { milestones: [1] });
    multi.loadStateDict({ ...multi.stateDict(), milestones: { 2: 1, 5: 2 }, verbose: false, _get_lr_called_within_step: false });
    expect(multi.milestones).toEqual([2, 5, 5]);
    expectRefused(opt, () => multi.loadStateDict({ ...multi.stateDict(), milestones: { 2: 0 } }), 'MultiStepLR.loadStateDict: milestones must be', multi);
    const lambda = new LambdaLR(opt, { lrLambda: (e) => 0.5 ** e });
    lambda.loadStateDict({ ...lambda.stateDict(), lr_lambdas: [null] });
    expect(typeof lambda.lrLambdas[0]).toBe('function');
    const plateau = new ReduceLROnPlateau(opt, { mode: 'max' });
    plateau.loadStateDict(JSON.parse(JSON.stringify(plateau.stateDict())) as Record<string, unknown>);
    expect(plateau.best).toBe(-Infinity);
    expect(plateau.modeWorse).toBe(-Infinity);
  });

  it('composite schedulers check every inner state before loading any', () => {
    const opt = sgd();
    const a = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    const seq = new SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    for (let i = 0; i < 3; i++) seq.step();
    const sd = seq.stateDict() as { _schedulers: Record<string, unknown>[] } & Record<string, unknown>;
    const inner = [a, b].map((s) => structuredClone(s.stateDict()));
    const broken = { ...sd, _schedulers: [{ ...sd._schedulers[0]!, last_epoch: 0 }, { ...sd._schedulers[1]!, gamma: -1 }] };
    expectRefused(opt, () => seq.loadStateDict(broken), 'SequentialLR.loadStateDict: _schedulers[1]: ExponentialLR.loadStateDict: gamma must be a finite number > 0 (got -1)', seq);
    expect([a, b].map((s) => s.stateDict())).toEqual(inner);
    expectRefused(opt, () => seq.loadStateDict({ ...sd, milestones: [1, 2] }), 'SequentialLR.loadStateDict: milestones must have 1 values, one fewer than the schedulers (got 2)', seq);
    expectRefused(opt, () => seq.loadStateDict({ ...sd, _schedulers: [sd._schedulers[0]] }), 'SequentialLR.loadStateDict: _schedulers holds the state of 1 schedulers, but this SequentialLR has 2', seq);
    // PyTorch's key for the milestones.
    const { milestones, ...rest } = sd;
    seq.loadStateDict({ ...rest, _milestones: milestones });
    const chained = new ChainedScheduler([a, b]);
    const csd = chained.stateDict() as { _schedulers: Record<string, unknown>[] } & Record<string, unknown>;
    expectRefused(opt, () => chained.loadStateDict({ ...csd, _schedulers: 'x' }), 'ChainedScheduler.loadStateDict: _schedulers must be an array', chained);
    expectRefused(opt, () => chained.loadStateDict({ ...csd, _schedulers: [csd._schedulers[1], csd._schedulers[0]] }), 'ChainedScheduler.loadStateDict: _schedulers[0]: LinearLR.loadStateDict: gamma is not in the state of LinearLR', chained);
    chained.loadStateDict(csd);
  });
});
