/**
 * Every bad hyperparameter or optimizer state dict is a clear error (PyTorch 1.13's message plus
 * the bad value) and changes nothing: not the groups, not the state, and no tensor is left behind.
 */
import { describe, expect, it, vi } from 'vitest';
import '@flint/autograd';
import { memory, tensor, Tensor } from '@flint/tensor';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type OptimizerStateDict } from './index.js';

const leaf = (values: number[]): Tensor => tensor(values, { requiresGrad: true }).keep();
const bad = (x: unknown): any => x;

const ids = new Map<Tensor, number>();
const idOf = (t: Tensor): number => ids.get(t) ?? (ids.set(t, ids.size), ids.size - 1);

/** The groups' hyperparameters and parameters, and the state: keys, values, and which tensors hold them. */
function snapshot(opt: Optimizer<any>): unknown {
  return {
    groups: opt.paramGroups.map(({ params, ...h }) => ({ ...structuredClone(h), params: params.map(idOf) })),
    state: [...opt.state.entries()].map(([p, s]) => [
      idOf(p),
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? { tensor: idOf(v), values: v.tolist() } : v])),
    ]),
  };
}

/** Expects `fn` to throw `message` and to change neither `opt` (if given) nor the number of live tensors. */
function expectRefused(fn: () => unknown, message: string | RegExp, opt?: Optimizer<any>): void {
  const before = opt ? snapshot(opt) : undefined;
  const tensors = memory().numTensors;
  expect(fn).toThrow(message);
  expect(memory().numTensors).toBe(tensors);
  if (opt) expect(snapshot(opt)).toEqual(before);
}

describe('optimizer hyperparameters: finite numbers in PyTorch ranges, with its messages', () => {
  const p = () => [leaf([1, 2])];
  const cases: [string, (q: Tensor[]) => unknown, string][] = [
    // SGD
    ['SGD lr < 0', (q) => new SGD(q, { lr: -1 }), 'Invalid learning rate: -1'],
    ['SGD lr NaN', (q) => new SGD(q, { lr: NaN }), 'Invalid learning rate: NaN'],
    ['SGD lr Infinity', (q) => new SGD(q, { lr: Infinity }), 'Invalid learning rate: Infinity'],
    ['SGD lr string', (q) => new SGD(q, { lr: bad('0.1') }), 'Invalid learning rate: "0.1" (expected a finite number, got a string)'],
    ['SGD lr null', (q) => new SGD(q, { lr: bad(null) }), 'Invalid learning rate: null'],
    ['SGD lr missing', (q) => new SGD(q, { lr: bad(undefined) }), "didn't specify a value of required optimization parameter lr"],
    ['SGD momentum NaN', (q) => new SGD(q, { lr: 0.1, momentum: NaN }), 'Invalid momentum value: NaN'],
    ['SGD momentum < 0', (q) => new SGD(q, { lr: 0.1, momentum: -0.5 }), 'Invalid momentum value: -0.5'],
    ['SGD dampening NaN', (q) => new SGD(q, { lr: 0.1, dampening: NaN }), 'Invalid dampening value: NaN'],
    ['SGD dampening string', (q) => new SGD(q, { lr: 0.1, dampening: bad('0') }), 'Invalid dampening value: "0"'],
    ['SGD weightDecay Infinity', (q) => new SGD(q, { lr: 0.1, weightDecay: Infinity }), 'Invalid weight_decay value: Infinity'],
    ['SGD weightDecay < 0', (q) => new SGD(q, { lr: 0.1, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['SGD nesterov not boolean', (q) => new SGD(q, { lr: 0.1, momentum: 0.9, nesterov: bad('yes') }), 'Invalid nesterov value: "yes" (expected true or false'],
    ['SGD maximize not boolean', (q) => new SGD(q, { lr: 0.1, maximize: bad(1) }), 'Invalid maximize value: 1'],
    ['SGD nesterov without momentum', (q) => new SGD(q, { lr: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
    ['SGD nesterov with dampening', (q) => new SGD(q, { lr: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
    // Adam / AdamW
    ['Adam beta1 = 1', (q) => new Adam(q, { betas: [1, 0.999] }), 'Invalid beta parameter at index 0: 1.0'],
    ['Adam beta2 NaN', (q) => new Adam(q, { betas: [0.9, NaN] }), 'Invalid beta parameter at index 1: NaN'],
    ['Adam beta1 < 0', (q) => new Adam(q, { betas: [-0.1, 0.999] }), 'Invalid beta parameter at index 0: -0.1'],
    ['Adam beta1 string', (q) => new Adam(q, { betas: bad(['0.9', 0.999]) }), 'Invalid beta parameter at index 0: "0.9"'],
    ['Adam betas a number', (q) => new Adam(q, { betas: bad(0.9) }), 'Invalid betas value: 0.9 (expected two numbers'],
    ['Adam betas one value', (q) => new Adam(q, { betas: bad([0.9]) }), 'Invalid betas value: [0.9] (expected two numbers [beta1, beta2], got 1 values)'],
    ['Adam betas null', (q) => new Adam(q, { betas: bad(null) }), 'Invalid betas value: null'],
    ['Adam lr NaN', (q) => new Adam(q, { lr: NaN }), 'Invalid learning rate: NaN'],
    ['Adam eps < 0', (q) => new Adam(q, { eps: -1 }), 'Invalid epsilon value: -1'],
    ['Adam eps null', (q) => new Adam(q, { eps: bad(null) }), 'Invalid epsilon value: null'],
    ['Adam weightDecay NaN', (q) => new Adam(q, { weightDecay: NaN }), 'Invalid weight_decay value: NaN'],
    ['Adam amsgrad not boolean', (q) => new Adam(q, { amsgrad: bad('true') }), 'Invalid amsgrad value: "true"'],
    ['AdamW lr Infinity', (q) => new AdamW(q, { lr: Infinity }), 'Invalid learning rate: Infinity'],
    ['AdamW weightDecay < 0', (q) => new AdamW(q, { weightDecay: -0.01 }), 'Invalid weight_decay value: -0.01'],
    ['AdamW beta2 = 1', (q) => new AdamW(q, { betas: [0.9, 1] }), 'Invalid beta parameter at index 1: 1.0'],
    // RMSprop
    ['RMSprop lr < 0', (q) => new RMSprop(q, { lr: -0.5 }), 'Invalid learning rate: -0.5'],
    ['RMSprop alpha NaN', (q) => new RMSprop(q, { alpha: NaN }), 'Invalid alpha value: NaN'],
    ['RMSprop alpha < 0', (q) => new RMSprop(q, { alpha: -0.1 }), 'Invalid alpha value: -0.1'],
    ['RMSprop eps Infinity', (q) => new RMSprop(q, { eps: Infinity }), 'Invalid epsilon value: Infinity'],
    ['RMSprop momentum null', (q) => new RMSprop(q, { momentum: bad(null) }), 'Invalid momentum value: null'],
    ['RMSprop weightDecay string', (q) => new RMSprop(q, { weightDecay: bad('0') }), 'Invalid weight_decay value: "0"'],
    ['RMSprop centered not boolean', (q) => new RMSprop(q, { centered: bad(1) }), 'Invalid centered value: 1'],
    // Adagrad
    ['Adagrad lr string', (q) => new Adagrad(q, { lr: bad('a') }), 'Invalid learning rate: "a"'],
    ['Adagrad lrDecay NaN', (q) => new Adagrad(q, { lrDecay: NaN }), 'Invalid lr_decay value: NaN'],
    ['Adagrad lrDecay < 0', (q) => new Adagrad(q, { lrDecay: -1 }), 'Invalid lr_decay value: -1'],
    ['Adagrad weightDecay Infinity', (q) => new Adagrad(q, { weightDecay: Infinity }), 'Invalid weight_decay value: Infinity'],
    ['Adagrad initialAccumulatorValue Infinity', (q) => new Adagrad(q, { initialAccumulatorValue: Infinity }), 'Invalid initial_accumulator_value value: Infinity'],
    ['Adagrad initialAccumulatorValue < 0', (q) => new Adagrad(q, { initialAccumulatorValue: -1 }), 'Invalid initial_accumulator_value value: -1'],
    ['Adagrad eps < 0', (q) => new Adagrad(q, { eps: -1 }), 'Invalid epsilon value: -1'],
  ];
  for (const [name, make, message] of cases) {
    it(`constructor defaults: ${name}`, () => {
      const params = p();
      expectRefused(() => make(params), message);
    });
  }

  it('out-of-range numbers are RangeErrors, other types TypeErrors', () => {
    expect(() => new SGD(p(), { lr: -1 })).toThrow(RangeError);
    expect(() => new SGD(p(), { lr: NaN })).toThrow(RangeError);
    expect(() => new SGD(p(), { lr: bad('1') })).toThrow(TypeError);
    expect(() => new Adam(p(), { betas: bad(0.9) })).toThrow(TypeError);
  });

  it('the defaults are checked even when every group overrides them', () => {
    const a = leaf([1]);
    expectRefused(() => new SGD([{ params: [a], lr: 0.1 }], { lr: -1 }), 'Invalid learning rate: -1');
  });

  it('every param group given at construction is checked (nothing is created for the good ones)', () => {
    const [a, b] = [leaf([1]), leaf([2])];
    const groups = (h: Record<string, unknown>) => [{ params: [a] }, { params: [b], ...h }];
    expectRefused(() => new SGD(groups({ lr: -1 }), { lr: 0.1 }), 'Invalid learning rate: -1');
    expectRefused(() => new SGD(groups({ momentum: NaN }), { lr: 0.1 }), 'Invalid momentum value: NaN');
    expectRefused(() => new SGD(groups({ lr: null }), { lr: 0.1 }), 'Invalid learning rate: null');
    // Nesterov is checked per group: this group turns the momentum off.
    expectRefused(() => new SGD(groups({ momentum: 0 }), { lr: 0.1, momentum: 0.9, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening');
    expectRefused(() => new SGD(groups({ dampening: 0.1 }), { lr: 0.1, momentum: 0.9, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening');
    expectRefused(() => new Adam(groups({ betas: [0.9, 1] }), {}), 'Invalid beta parameter at index 1: 1.0');
    expectRefused(() => new AdamW(groups({ eps: Infinity }), {}), 'Invalid epsilon value: Infinity');
    expectRefused(() => new RMSprop(groups({ alpha: '0.9' }), {}), 'Invalid alpha value: "0.9"');
    // Adagrad creates state for each group it adds: the bad second group must stop the first's.
    expectRefused(() => new Adagrad(groups({ initialAccumulatorValue: -1 }), {}), 'Invalid initial_accumulator_value value: -1');
    expectRefused(() => new Adagrad(groups({ lrDecay: NaN }), {}), 'Invalid lr_decay value: NaN');
  });

  it('a group value of undefined takes the default, as a missing key', () => {
    const opt = new SGD([{ params: [leaf([1])], momentum: undefined }], { lr: 0.1, momentum: 0.5 });
    expect(opt.paramGroups[0]!.momentum).toBe(0.5);
  });

  for (const [name, make, badGroup, message] of [
    ['SGD', (q: Tensor[]) => new SGD(q, { lr: 0.1, momentum: 0.9 }), { lr: NaN }, 'Invalid learning rate: NaN'],
    ['SGD nesterov', (q: Tensor[]) => new SGD(q, { lr: 0.1, momentum: 0.9, nesterov: true }), { dampening: 0.5 }, 'Nesterov momentum requires'],
    ['Adam', (q: Tensor[]) => new Adam(q), { betas: [1, 0.5] }, 'Invalid beta parameter at index 0: 1.0'],
    ['AdamW', (q: Tensor[]) => new AdamW(q), { weightDecay: -1 }, 'Invalid weight_decay value: -1'],
    ['RMSprop', (q: Tensor[]) => new RMSprop(q), { momentum: Infinity }, 'Invalid momentum value: Infinity'],
    ['Adagrad', (q: Tensor[]) => new Adagrad(q), { initialAccumulatorValue: NaN }, 'Invalid initial_accumulator_value value: NaN'],
  ] as const) {
    it(`${name}.addParamGroup checks the group before storing it: paramGroups and state unchanged`, () => {
      const a = leaf([1, 2]);
      const opt = make([a]);
      a.grad = tensor([0.5, -0.5]);
      opt.step();
      const b = leaf([3]);
      expectRefused(() => opt.addParamGroup(bad({ params: [b], ...badGroup })), message, opt);
      expect(opt.paramGroups).toHaveLength(1);
      expect(opt.state.has(b)).toBe(false);
      // The same parameter then goes in with good values.
      opt.addParamGroup({ params: [b] });
      expect(opt.paramGroups).toHaveLength(2);
    });
  }

  it('duplicate parameters in a group: a warning, as PyTorch 1.13', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const b = leaf([2]);
    const opt = new SGD([b, b], { lr: 0.1 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('optimizer contains a parameter group with duplicate parameters'));
    expect(opt.paramGroups[0]!.params).toHaveLength(2);
    warn.mockRestore();
  });

  it('addParamGroup: other bad groups are refused with nothing stored', () => {
    const a = leaf([1]);
    const opt = new Adagrad([a]);
    const b = leaf([2]);
    expectRefused(() => opt.addParamGroup({ params: [a] }), 'some parameters appear in more than one parameter group', opt);
    expectRefused(() => opt.addParamGroup({ params: bad(5) }), 'addParamGroup: params must be a Tensor or an iterable of Tensors (got a number)', opt);
    expectRefused(() => opt.addParamGroup({ params: [b], lr: bad('0.1') }), 'Invalid learning rate: "0.1"', opt);
    expectRefused(() => opt.addParamGroup(bad(null)), 'param group must be an object with a `params` field', opt);
    const sgd = new SGD([a], { lr: 0.1 });
    expectRefused(() => sgd.addParamGroup({ params: [b], lr: bad(undefined), momentum: -1 }), 'Invalid momentum value: -1', sgd);
    expect(() => new SGD(bad(5), { lr: 0.1 })).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts, but got a number');
  });
});

describe('zeroGrad follows PyTorch 2.x: setToNone defaults to true', () => {
  it('zeroGrad() and zeroGrad({}) set .grad to null; setToNone: false zeroes in place', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    opt.zeroGrad({});
    expect(a.grad).toBeNull();
    a.grad = tensor([1, 1]);
    opt.zeroGrad({ setToNone: undefined });
    expect(a.grad).toBeNull();
    a.grad = tensor([3, 4]);
    const g = a.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
  });

  it('a setToNone that is not a boolean is refused, with the gradient left alone', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([3, 4]);
    expect(() => opt.zeroGrad({ setToNone: bad('no') })).toThrow('zeroGrad: setToNone must be true or false (got "no")');
    expect(a.grad!.tolist()).toEqual([3, 4]);
  });
});

describe('optimizer.loadStateDict refuses what is not its own, changing nothing and leaking nothing', () => {
  /** An optimizer after one step on two parameters of shapes [2] and [1]. */
  function stepped<O extends Optimizer<any>>(make: (p: Tensor[]) => O): { opt: O; params: Tensor[] } {
    const params = [leaf([1, 2]), leaf([3])];
    const opt = make(params);
    params[0]!.grad = tensor([0.5, -1]);
    params[1]!.grad = tensor([2]);
    opt.step();
    return { opt, params };
  }
  const sgdState = () => stepped((p) => new SGD(p, { lr: 0.1, momentum: 0.9 })).opt.stateDict();
  const adamState = (amsgrad = false) => stepped((p) => new Adam(p, { lr: 0.01, amsgrad })).opt.stateDict();
  /** `sd` with its param_groups[0] changed. */
  const withGroup = (sd: OptimizerStateDict, h: Record<string, unknown>): OptimizerStateDict => ({
    state: sd.state,
    param_groups: [{ ...sd.param_groups[0]!, ...h }],
  });

  it("SGD's state (momentum_buffer) into Adam: names Adam and the keys", () => {
    const { opt } = stepped((p) => new Adam(p));
    const sd = sgdState();
    expectRefused(() => opt.loadStateDict(sd), /state\[0\] has momentum_buffer, which Adam does not keep and lacks step, exp_avg, exp_avg_sq: this is not the state of Adam .*Adam keeps step, exp_avg, exp_avg_sq \(and maybe max_exp_avg_sq\)/, opt);
    // With Adam's groups but SGD's state, the state is still refused.
    const mixed: OptimizerStateDict = { state: sd.state, param_groups: opt.stateDict().param_groups };
    expectRefused(() => opt.loadStateDict(mixed), 'which Adam does not keep', opt);
    // With Adam's state but SGD's groups, the groups are refused.
    const groups: OptimizerStateDict = { state: opt.stateDict().state, param_groups: sd.param_groups };
    expectRefused(() => opt.loadStateDict(groups), /param_groups\[0\] lacks betas, eps, amsgrad: these are not the param groups of Adam/, opt);
  });

  it("Adam's state into SGD, RMSprop, Adagrad and AdamW's into Adam's own kind works", () => {
    const sd = adamState();
    const sgd = stepped((p) => new SGD(p, { lr: 0.1, momentum: 0.9 })).opt;
    expectRefused(() => sgd.loadStateDict(sd), /state\[0\] has step, exp_avg, exp_avg_sq, which SGD does not keep.*SGD keeps momentum_buffer \(optional\)/, sgd);
    const rms = stepped((p) => new RMSprop(p)).opt;
    expectRefused(() => rms.loadStateDict(sd), /state\[0\] has exp_avg, exp_avg_sq, which RMSprop does not keep and lacks square_avg/, rms);
    const ada = stepped((p) => new Adagrad(p)).opt;
    expectRefused(() => ada.loadStateDict(sd), /state\[0\] has exp_avg, exp_avg_sq, which Adagrad does not keep and lacks sum/, ada);
    const adamw = stepped((p) => new AdamW(p)).opt;
    adamw.loadStateDict(sd); // same state keys and hyperparameters: Adam's state dict fits AdamW, as in PyTorch
    expect(adamw.paramGroups[0]!.weightDecay).toBe(0);
  });

  it('required keys depend on the hyperparameters: amsgrad needs max_exp_avg_sq, momentum a buffer', () => {
    const { opt } = stepped((p) => new Adam(p, { amsgrad: true }));
    const plainAdam = withGroup(adamState(false), { amsgrad: true });
    expectRefused(() => opt.loadStateDict(plainAdam), 'state[0] lacks max_exp_avg_sq', opt);
    const rms = stepped((p) => new RMSprop(p, { momentum: 0.9, centered: true })).opt;
    const plain = stepped((p) => new RMSprop(p)).opt.stateDict();
    expectRefused(() => rms.loadStateDict(withGroup(plain, { momentum: 0.9, centered: true })), 'state[0] lacks momentum_buffer, grad_avg', rms);
  });

  it('hyperparameters in param_groups are checked as the constructor checks them', () => {
    const { opt } = stepped((p) => new Adam(p));
    const sd = opt.stateDict();
    const cases: [Record<string, unknown>, string][] = [
      [{ lr: -1 }, 'loadStateDict: param_groups[0]: Invalid learning rate: -1'],
      [{ lr: NaN }, 'loadStateDict: param_groups[0]: Invalid learning rate: NaN'],
      [{ lr: '0.1' }, 'loadStateDict: param_groups[0]: Invalid learning rate: "0.1"'],
      [{ lr: null }, 'loadStateDict: param_groups[0]: Invalid learning rate: null'],
      [{ betas: [1, 0.999] }, 'loadStateDict: param_groups[0]: Invalid beta parameter at index 0: 1.0'],
      [{ betas: [0.9] }, 'loadStateDict: param_groups[0]: Invalid betas value'],
      [{ eps: Infinity }, 'loadStateDict: param_groups[0]: Invalid epsilon value: Infinity'],
      [{ weight_decay: -1 }, 'loadStateDict: param_groups[0]: Invalid weight_decay value: -1'],
      [{ amsgrad: 'no' }, 'loadStateDict: param_groups[0]: Invalid amsgrad value: "no"'],
    ];
    for (const [h, message] of cases) expectRefused(() => opt.loadStateDict(withGroup(sd, h)), message, opt);
    const sgd = stepped((p) => new SGD(p, { lr: 0.1, momentum: 0.9 })).opt;
    const ssd = sgd.stateDict();
    expectRefused(() => sgd.loadStateDict(withGroup(ssd, { nesterov: true, dampening: 0.5 })), 'param_groups[0]: Nesterov momentum requires a momentum and zero dampening', sgd);
    expectRefused(() => sgd.loadStateDict(withGroup(ssd, { momentum: -0.9 })), 'param_groups[0]: Invalid momentum value: -0.9', sgd);
    const ada = stepped((p) => new Adagrad(p)).opt;
    expectRefused(() => ada.loadStateDict(withGroup(ada.stateDict(), { lr_decay: NaN })), 'param_groups[0]: Invalid lr_decay value: NaN', ada);
    const rms = stepped((p) => new RMSprop(p)).opt;
    expectRefused(() => rms.loadStateDict(withGroup(rms.stateDict(), { alpha: -1 })), 'param_groups[0]: Invalid alpha value: -1', rms);
  });

  it('wrong shapes, parameter counts, ids and steps are refused', () => {
    const { opt } = stepped((p) => new Adam(p));
    const sd = opt.stateDict();
    const other = stepped((p) => new Adam(p)).opt.stateDict();
    const swapped: OptimizerStateDict = { state: { 0: other.state[1]!, 1: other.state[0]! }, param_groups: other.param_groups };
    expectRefused(() => opt.loadStateDict(swapped), "loadStateDict: state 'exp_avg' of parameter 0 has shape [1] but the parameter has shape [2]", opt);
    const one = new Adam([leaf([1, 2])]).stateDict();
    expectRefused(() => opt.loadStateDict(one), "doesn't match the size of optimizer's group (group 0: 1 parameters, expected 2)", opt);
    const two = new Adam([{ params: [leaf([1, 2])] }, { params: [leaf([3])] }]).stateDict();
    expectRefused(() => opt.loadStateDict(two), 'different number of parameter groups (2, expected 1)', opt);
    expectRefused(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, params: [0, 0] }] }), 'parameter id 0 appears more than once', opt);
    const stepOf = (step: unknown): OptimizerStateDict => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0]!, step: step as number } } });
    expectRefused(() => opt.loadStateDict(stepOf(-1)), 'state[0].step must be a non-negative integer', opt);
    expectRefused(() => opt.loadStateDict(stepOf(1.5)), 'state[0].step must be a non-negative integer or a one-element tensor holding one (got 1.5)', opt);
    const twoSteps = stepOf(tensor([1, 2]));
    expectRefused(() => opt.loadStateDict(twoSteps), 'state[0].step must be a non-negative integer', opt);
    const expAvgNumber: OptimizerStateDict = { ...sd, state: { ...sd.state, 1: { ...sd.state[1]!, exp_avg: 0 } } };
    expectRefused(() => opt.loadStateDict(expAvgNumber), 'state[1].exp_avg must be a Tensor (got 0.0)', opt);
  });

  it('a failure while copying frees the copies already made', () => {
    const { opt } = stepped((p) => new Adam(p));
    const sd = opt.stateDict();
    const broken = tensor([7]);
    // Passes every check, then fails when copied (after the other tensors were).
    (broken as unknown as { detach: () => never }).detach = () => {
      throw new Error('copy failed');
    };
    const state = { 0: sd.state[0]!, 1: { ...sd.state[1]!, exp_avg_sq: broken } };
    expectRefused(() => opt.loadStateDict({ state, param_groups: sd.param_groups }), 'copy failed', opt);
  });

  it('a good state dict still loads after refused ones', () => {
    const { opt, params } = stepped((p) => new Adam(p));
    const sd = adamState();
    expect(() => opt.loadStateDict(withGroup(sd, { lr: -1 }))).toThrow('Invalid learning rate');
    opt.loadStateDict(withGroup(sd, { lr: 0.5 }));
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
    expect(opt.state.get(params[0]!)!.step).toBe(1);
    expect(opt.state.get(params[0]!)!.exp_avg).not.toBe(sd.state[0]!.exp_avg);
    // SGD without momentum keeps momentum_buffer: null, which loads.
    const sgd = stepped((p) => new SGD(p, { lr: 0.1 })).opt;
    sgd.loadStateDict(sgd.stateDict());
    expect(sgd.state.get(sgd.paramGroups[0]!.params[0]!)!.momentum_buffer).toBeNull();
  });
});
