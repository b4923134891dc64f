/** The `Optimizer` base: groups, validation, zeroGrad, closures, state dicts, memory. */
import { describe, expect, it } from 'vitest';
import '@flint/autograd';
import { enableGrad, isGradEnabled } from '@flint/autograd';
import { memory, randn, manualSeed, tensor, zeros, Tensor } from '@flint/tensor';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type OptimizerStateDict } from './index.js';

const leaf = (values: number[]): Tensor => tensor(values, { requiresGrad: true }).keep();

/** A small least-squares problem on raw tensors: loss = mean((x·w + b − y)²). */
function problem(seed = 0) {
  manualSeed(seed);
  const x = randn([8, 3]).keep();
  const y = randn([8, 1]).keep();
  const w = randn([3, 1], { requiresGrad: true }).keep();
  const b = zeros([1], { requiresGrad: true }).keep();
  const loss = (): Tensor => x.mm(w).add(b).sub(y).square().mean();
  return { x, y, w, b, params: [w, b], loss };
}

describe('Optimizer construction', () => {
  it('accepts parameters or groups with overrides, filling in defaults', () => {
    const [a, b] = [leaf([1, 2]), leaf([3])];
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups).toHaveLength(2);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9 });
    expect(opt.paramGroups[1]!.params).toEqual([b]);
    expect(opt.defaults.lr).toBe(0.1);
  });

  it('addParamGroup adds a group; a parameter in two groups is an error', () => {
    const [a, b] = [leaf([1]), leaf([2])];
    const opt = new Adam([a]);
    opt.addParamGroup({ params: [b], lr: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.9, 0.999], eps: 1e-8 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 1 })).toThrow('some parameters appear in more than one parameter group');
  });

  it('rejects an empty parameter list, a bare tensor, non-leaves and a missing lr', () => {
    const a = leaf([1]);
    expect(() => new SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
    expect(() => new SGD(a as any, { lr: 0.1 })).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts');
    expect(() => new SGD([enableGrad(() => a.mul(2))], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new SGD([a], {} as any)).toThrow("parameter group didn't specify a value of required optimization parameter lr");
  });

  it('validates hyperparameters with PyTorch messages', () => {
    const p = [leaf([1])];
    const cases: [() => unknown, string][] = [
      [() => new SGD(p, { lr: -1 }), 'Invalid learning rate: -1'],
      [() => new SGD(p, { lr: 0.1, momentum: -0.5 }), 'Invalid momentum value: -0.5'],
      [() => new SGD(p, { lr: 0.1, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
      [() => new SGD(p, { lr: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
      [() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
      [() => new Adam(p, { lr: -1 }), 'Invalid learning rate: -1'],
      [() => new Adam(p, { eps: -1 }), 'Invalid epsilon value: -1'],
      [() => new Adam(p, { betas: [1.5, 0.999] }), 'Invalid beta parameter at index 0: 1.5'],
      [() => new AdamW(p, { betas: [0.9, 1] }), 'Invalid beta parameter at index 1: 1'],
      [() => new AdamW(p, { weightDecay: -1 }), 'Invalid weight_decay value: -1'],
      [() => new RMSprop(p, { alpha: -0.1 }), 'Invalid alpha value: -0.1'],
      [() => new RMSprop(p, { momentum: -0.5 }), 'Invalid momentum value: -0.5'],
      [() => new Adagrad(p, { lrDecay: -1 }), 'Invalid lr_decay value: -1'],
      [() => new Adagrad(p, { initialAccumulatorValue: -1 }), 'Invalid initial_accumulator_value value: -1'],
    ];
    const before = memory().numTensors;
    for (const [make, message] of cases) expect(make).toThrow(message);
    expect(memory().numTensors).toBe(before);
  });

  it('AdamW defaults weightDecay to 1e-2, Adam to 0', () => {
    expect(new AdamW([leaf([1])]).defaults.weightDecay).toBe(1e-2);
    expect(new Adam([leaf([1])]).defaults.weightDecay).toBe(0);
  });
});

describe('Optimizer.step and zeroGrad', () => {
  it('skips parameters without a gradient', () => {
    const [a, b] = [leaf([1, 2]), leaf([3])];
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, -1]);
    opt.step();
    expect(b.tolist()).toEqual([3]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)!.step).toBe(1);
    expect(a.tolist()).toEqual([expect.closeTo(0.9, 6), expect.closeTo(2.1, 6)]);
  });

  it('reads lr from paramGroups at each step', () => {
    const a = leaf([1]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([1]);
    opt.paramGroups[0]!.lr = 0.5;
    opt.step();
    expect(a.item()).toBeCloseTo(0.5, 6);
  });

  it('zeroGrad sets .grad to null by default, or zeroes it in place', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([3, 4]);
    const g = a.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('step(closure) re-evaluates the loss with grad enabled and returns it', () => {
    const { params, loss } = problem();
    const opt = new SGD(params, { lr: 0.1 });
    let sawGrad = false;
    const l0 = opt.step(() => {
      sawGrad = isGradEnabled();
      opt.zeroGrad();
      const l = loss();
      l.backward();
      return l.item();
    });
    expect(sawGrad).toBe(true);
    expect(typeof l0).toBe('number');
    const l1 = opt.step(() => {
      opt.zeroGrad();
      const l = loss();
      l.backward();
      return l.item();
    })!;
    expect(l1).toBeLessThan(l0!);
  });

  it('Adagrad creates its state at construction, as PyTorch', () => {
    const a = leaf([1, 2]);
    const opt = new Adagrad([a], { initialAccumulatorValue: 0.5 });
    expect(opt.state.get(a)!.step).toBe(0);
    expect((opt.state.get(a)!.sum as Tensor).tolist()).toEqual([0.5, 0.5]);
  });

  it('toString prints the groups as PyTorch', () => {
    const opt = new SGD([leaf([1])], { lr: 0.1, momentum: 0.9 });
    expect(opt.toString()).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weight_decay: 0\n)',
    );
  });
});

describe('stateDict / loadStateDict', () => {
  it("has PyTorch's structure: state by index, snake_case groups with param indices", () => {
    const { params, loss, w, b } = problem();
    const extra = leaf([1, 2]);
    const opt = new Adam([{ params }, { params: [extra], lr: 0.5 }], { lr: 0.01, betas: [0.9, 0.99], weightDecay: 0.1, amsgrad: true });
    loss().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(sd.state[0]!.step).toBe(1);
    expect((sd.state[0]!.exp_avg as Tensor).shape).toEqual(w.shape);
    expect((sd.state[1]!.exp_avg as Tensor).shape).toEqual(b.shape);
    expect(sd.param_groups).toEqual([
      { lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weight_decay: 0.1, amsgrad: true, maximize: false, params: [0, 1] },
      { lr: 0.5, betas: [0.9, 0.99], eps: 1e-8, weight_decay: 0.1, amsgrad: true, maximize: false, params: [2] },
    ]);
  });

  it('SGD with momentum stores momentum_buffer, a clone of the first gradient', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([0.5, -1]);
    opt.step();
    expect((opt.stateDict().state[0]!.momentum_buffer as Tensor).tolist()).toEqual([0.5, -1]);
  });

  it('validates group count and sizes', () => {
    const [a, b] = [leaf([1]), leaf([2])];
    const opt = new SGD([a, b], { lr: 0.1 });
    const two = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 }).stateDict();
    expect(() => opt.loadStateDict(two)).toThrow('loaded state dict has a different number of parameter groups');
    const one = new SGD([a], { lr: 0.1 }).stateDict();
    expect(() => opt.loadStateDict(one)).toThrow("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
  });

  it('loads hyperparameters and accepts step as a 0-d tensor (PyTorch 1.13 files)', () => {
    const a = leaf([1, 2]);
    const opt = new Adam([a], { lr: 0.1 });
    const sd: OptimizerStateDict = {
      state: { 0: { step: tensor(3), exp_avg: tensor([0.1, 0.2]), exp_avg_sq: tensor([0.01, 0.04]) } },
      param_groups: [{ lr: 0.05, betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, params: [0] }],
    };
    opt.loadStateDict(sd);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.05, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0 });
    expect(opt.state.get(a)!.step).toBe(3);
    const expAvg = opt.state.get(a)!.exp_avg as Tensor;
    expect(expAvg).not.toBe(sd.state[0]!.exp_avg);
    expect(expAvg.dataSync()[1]).toBeCloseTo(0.2, 7);
  });

  for (const [name, make] of [
    ['SGD', (p: Tensor[]) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
    ['Adam', (p: Tensor[]) => new Adam(p, { lr: 0.01, amsgrad: true })],
    ['AdamW', (p: Tensor[]) => new AdamW(p, { lr: 0.01 })],
    ['RMSprop', (p: Tensor[]) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
    ['Adagrad', (p: Tensor[]) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01 })],
  ] as const) {
    it(`${name}: save after 3 steps, resume in a fresh optimizer: bit-identical`, () => {
      const run = (opt: Optimizer<any>, loss: () => Tensor, steps: number): void => {
        for (let i = 0; i < steps; i++) {
          opt.zeroGrad();
          loss().backward();
          opt.step();
        }
      };
      const a = problem(1);
      const optA = make(a.params);
      run(optA, a.loss, 3);
      // Snapshot: the parameters' values and a JSON-able copy of the optimizer state.
      const savedParams = a.params.map((p) => Array.from(p.dataSync()));
      const live = optA.stateDict();
      const saved = {
        param_groups: structuredClone(live.param_groups),
        state: Object.fromEntries(
          Object.entries(live.state).map(([k, s]) => [
            k,
            Object.fromEntries(Object.entries(s).map(([key, v]) => [key, v instanceof Tensor ? Array.from(v.dataSync()) : v])),
          ]),
        ),
      };
      run(optA, a.loss, 3);

      const b = problem(1);
      b.params.forEach((p, i) => p.requiresGrad_(false).copy_(tensor(savedParams[i]!, { shape: p.shape })).requiresGrad_(true));
      const optB = make(b.params);
      const restored: OptimizerStateDict = {
        param_groups: saved.param_groups,
        state: Object.fromEntries(
          Object.entries(saved.state).map(([k, s]) => [
            k,
            Object.fromEntries(
              Object.entries(s).map(([key, v]) => [key, Array.isArray(v) ? tensor(v as number[], { shape: b.params[Number(k)]!.shape }) : v]),
            ),
          ]),
        ) as OptimizerStateDict['state'],
      };
      optB.loadStateDict(restored);
      run(optB, b.loss, 3);
      a.params.forEach((p, i) => expect(Array.from(b.params[i]!.dataSync())).toEqual(Array.from(p.dataSync())));
    });
  }
});

describe('memory', () => {
  for (const [name, make] of [
    ['SGD with momentum', (p: Tensor[]) => new SGD(p, { lr: 0.01, momentum: 0.9 })],
    ['Adam', (p: Tensor[]) => new Adam(p, { lr: 0.001, amsgrad: true })],
    ['RMSprop centered', (p: Tensor[]) => new RMSprop(p, { lr: 0.001, momentum: 0.9, centered: true })],
  ] as const) {
    it(`${name}: 1,000 steps of the canonical loop leave memory flat`, () => {
      const { params, loss } = problem(2);
      const opt = make(params);
      let at100 = 0;
      let last = 0;
      for (let i = 1; i <= 1000; i++) {
        opt.zeroGrad();
        const l = loss();
        l.backward();
        opt.step();
        last = l.item();
        if (i === 100) at100 = memory().numTensors;
      }
      expect(memory().numTensors).toBe(at100);
      expect(Number.isFinite(last)).toBe(true);
    });
  }
});
