/**
 * Ordinary PyTorch programs, translated line by line: tensors the program still holds stay
 * valid however many steps pass, views alias, dropped models are freed, and memory stays bounded
 * with no dispose() or scope() in the loops.
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../tests/collect-garbage.js';
import { arange, loadSafetensors, memory, ones, randint, randn, saveSafetensors, stack, tensor, tick, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { F, Linear, Module, ReLU, Sequential } from '@flint/nn';
import { Adam, SGD } from './index.js';

const mlp = (): Module => new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 3));
const batch = (n = 16): [Tensor, Tensor] => [randn([n, 8]), randint(0, 3, [n])];

function step(model: Module, opt: SGD | Adam, x: Tensor, y: Tensor): Tensor {
  opt.zeroGrad();
  const loss = F.crossEntropy(model(x) as Tensor, y);
  loss.backward();
  opt.step();
  return loss;
}

describe('tensors kept across steps stay valid', () => {
  it('early stopping: clones of the state dict keep their values while training goes on', () => {
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) step(model, opt, ...batch());
    const best = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
    const snapshot = Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.tolist()]));
    for (let i = 0; i < 20; i++) step(model, opt, ...batch());
    for (const [k, v] of Object.entries(best)) expect(v.tolist()).toEqual(snapshot[k]);
    model.loadStateDict(best);
    expect(model.stateDict()['0.weight']!.tolist()).toEqual(snapshot['0.weight']);
  });

  it('a list of loss.detach() stacked at the end; a validation batch made mid-training', () => {
    const model = mlp();
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const losses: Tensor[] = [];
    let val: [Tensor, Tensor] | null = null;
    for (let i = 0; i < 30; i++) {
      if (i === 5) val = batch(32);
      losses.push(step(model, opt, ...batch()).detach());
    }
    const all = stack(losses);
    expect(all.shape).toEqual([30]);
    expect(all.isnan().any().item()).toBe(0);
    const valLoss = noGrad(() => F.crossEntropy(model(val![0]) as Tensor, val![1]));
    expect(Number.isFinite(valLoss.item())).toBe(true);
  });

  it('tensors loaded from a safetensors file after training started', () => {
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    step(model, opt, ...batch());
    const loaded = loadSafetensors(saveSafetensors(model.stateDict()));
    const w = loaded['0.weight']!.tolist();
    for (let i = 0; i < 10; i++) step(model, opt, ...batch());
    expect(loaded['0.weight']!.tolist()).toEqual(w);
  });

  it('gradient accumulation over chunks of a batch', () => {
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const [x, y] = batch(32);
    const xs = x.chunk(4);
    const ys = y.chunk(4);
    opt.zeroGrad();
    for (let i = 0; i < 4; i++) F.crossEntropy(model(xs[i]!) as Tensor, ys[i]!).div(4).backward();
    const accumulated = model.parameters().map((p) => p.grad!.clone());
    opt.zeroGrad();
    F.crossEntropy(model(x) as Tensor, y).backward();
    model.parameters().forEach((p, i) => {
      const diff = p.grad!.sub(accumulated[i]!).abs().max().item();
      expect(diff).toBeLessThan(1e-5);
    });
  });

  it('a causal-mask cache in a Map, eval batches and predictions stored, rollouts under noGrad', () => {
    const model = mlp();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const masks = new Map<number, Tensor>();
    const mask = (n: number): Tensor => {
      if (!masks.has(n)) masks.set(n, arange(n).unsqueeze(0).gt(arange(n).unsqueeze(1)));
      return masks.get(n)!;
    };
    const evalBatches = [batch(), batch()];
    const predictions: Tensor[] = [];
    const rollouts: Tensor[] = [];
    for (let i = 0; i < 12; i++) {
      mask(4);
      step(model, opt, ...batch());
      model.eval();
      noGrad(() => {
        for (const [x] of evalBatches) predictions.push((model(x) as Tensor).argmax(1));
        rollouts.push((model(randn([4, 8])) as Tensor).softmax(1));
      });
      model.train();
    }
    expect(mask(4).sum().item()).toBe(6);
    expect(predictions.every((p) => p.shape[0] === 16)).toBe(true);
    expect(stack(rollouts).sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-5);
  });

  it('three eval batches between steps, and three noGrad teachers between forward and loss', () => {
    const student = mlp();
    const teachers = [mlp(), mlp(), mlp()].map((t) => t.eval());
    const opt = new SGD(student.parameters(), { lr: 0.1 });
    for (let i = 0; i < 5; i++) {
      const [x, y] = batch();
      const out = student(x) as Tensor;
      const soft = noGrad(() => teachers.map((t) => (t(x) as Tensor).softmax(1)));
      student.eval();
      noGrad(() => [batch(), batch(), batch()].forEach(([vx]) => student(vx)));
      student.train();
      const loss = F.crossEntropy(out, y).add(soft.reduce((a, b) => a.add(b)).sum().mul(0));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  });

  it('a training function works the second time in the same process', () => {
    const train = (): number => {
      const model = mlp();
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const data = [batch(), batch()];
      let last = 0;
      for (let i = 0; i < 10; i++) last = step(model, opt, ...data[i % 2]!).item();
      return last;
    };
    expect(Number.isFinite(train())).toBe(true);
    expect(Number.isFinite(train())).toBe(true);
  });

  it('a buffer replaced while the graph still needs the old one: backward works', () => {
    class Scaled extends Module {
      fc = new Linear(4, 4);
      declare scale: Tensor;
      constructor() {
        super();
        this.registerBuffer('scale', ones([4]));
      }
      forward(x: Tensor): Tensor {
        return this.fc(x).mul(this.scale);
      }
    }
    const m = new Scaled();
    const x = randn([2, 4]).requiresGrad_();
    const out = m(x) as Tensor;
    m.scale = ones([4]).mul(2);
    out.sum().backward();
    expect(x.grad!.shape).toEqual([2, 4]);
  });
});

describe('gradients and optimizer state', () => {
  it('a .grad the program read stays valid after zeroGrad(); one it never read is freed at once', () => {
    const lin = new Linear(64, 64);
    const opt = new SGD(lin.parameters(), { lr: 0.1 });
    lin(randn([4, 64])).sum().backward();
    const g = lin.weight.grad!;
    const values = g.tolist();
    opt.zeroGrad();
    expect(g.tolist()).toEqual(values);
    lin(randn([4, 64])).sum().backward(); // nobody reads these grads
    const before = memory().numBytes;
    opt.zeroGrad();
    expect(memory().numBytes).toBeLessThanOrEqual(before - (64 * 64 + 64) * 4);
  });

  it('the momentum buffer is a storage of its own: zeroing grads in place leaves it alone', () => {
    const lin = new Linear(3, 2);
    const opt = new SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
    lin(randn([4, 3])).sum().backward();
    const g = lin.weight.grad!.tolist();
    opt.step();
    expect(lin.weight.grad!.tolist()).toEqual(g);
    const buf = opt.state.get(lin.weight)!['momentum_buffer'] as Tensor;
    opt.zeroGrad({ setToNone: false });
    expect(buf.tolist()).toEqual(g);
  });
});

describe('views alias the parameters', () => {
  it('stateDict()[k].copy_(w) changes the weight; p.detach().zero_() changes p', () => {
    const lin = new Linear(3, 2);
    const w = randn([2, 3]);
    lin.stateDict()['weight']!.copy_(w);
    expect(lin.weight.tolist()).toEqual(w.tolist());
    lin.bias!.detach().zero_();
    expect(lin.bias!.tolist()).toEqual([0, 0]);
  });

  it('a state dict taken before opt.step() shows the update', () => {
    const lin = new Linear(3, 2);
    const opt = new SGD(lin.parameters(), { lr: 0.5 });
    const sd = lin.stateDict();
    const before = lin.weight.tolist() as number[][];
    lin(randn([4, 3])).sum().backward();
    const g = lin.weight.grad!.tolist() as number[][];
    opt.step();
    const after = sd['weight']!.tolist() as number[][];
    after.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(before[i]![j]! - 0.5 * g[i]![j]!, 5)));
  });

  it('an in-place change of a saved tensor through a view is refused by backward, as PyTorch', () => {
    const a = randn([3]).requiresGrad_();
    const b = randn([2, 3]);
    const y = a.mul(b);
    b.select(0, 1).fill_(0);
    expect(() => y.sum().backward()).toThrow('one of the variables needed for gradient computation has been modified by an inplace operation');
  });
});

describe('memory is bounded without dispose()', () => {
  it('a loop of plain tensor ops that never ticks stays bounded', () => {
    const x = randn([256, 256]);
    let peak = 0;
    let metric = 0;
    for (let i = 0; i < 1000; i++) {
      metric += x.mul(i).relu().mean().item();
      peak = Math.max(peak, memory().numBytes);
    }
    expect(Number.isFinite(metric)).toBe(true);
    // 1,000 iterations allocate ~750 MB of temporaries; the sweeps keep a few 64 MB budgets live.
    expect(peak).toBeLessThan(400 * 2 ** 20);
  });

  it('a 50-model sweep with an await between models stays within a few models of memory', async () => {
    const make = (): Module => new Sequential(new Linear(256, 256), new ReLU(), new Linear(256, 10));
    const modelBytes = (256 * 256 + 256 + 2560 + 10) * 4;
    tick();
    const base = memory().numBytes;
    let peak = 0;
    for (let m = 0; m < 50; m++) {
      const model = make();
      const opt = new Adam(model.parameters(), { lr: 1e-3 });
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        F.crossEntropy(model(randn([32, 256])) as Tensor, randint(0, 10, [32])).backward();
        opt.step();
      }
      await new Promise((r) => setTimeout(r, 0));
      peak = Math.max(peak, memory().numBytes - base);
    }
    expect(peak).toBeLessThan(16 * modelBytes);
  });

  it('a dropped model is freed once the garbage collector and the event loop have had a turn', async () => {
    await collectGarbage(); // what earlier tests dropped goes first
    const before = memory().numBytes;
    (() => {
      for (let i = 0; i < 5; i++) new Linear(256, 256);
    })();
    expect(memory().numBytes).toBeGreaterThan(before + 5 * 256 * 256 * 4);
    await collectGarbage();
    expect(memory().numBytes).toBe(before);
  });

  it('Module.dispose() frees a model now; toJSON refuses', () => {
    const before = memory().numBytes;
    const model = new Linear(128, 128);
    expect(memory().numBytes).toBeGreaterThan(before);
    model.dispose();
    expect(memory().numBytes).toBe(before);
    expect(() => JSON.stringify({ t: tensor([1]) })).toThrow('cannot be serialised with JSON.stringify');
  });

  it('optimizer.loadStateDict names what is wrong in a JSON round trip and changes nothing', () => {
    const lin = new Linear(3, 2);
    const opt = new Adam(lin.parameters(), { lr: 1e-3 });
    lin(randn([4, 3])).sum().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(() => JSON.stringify(sd)).toThrow('Tensor.toJSON: a Tensor of shape [2, 3] cannot be serialised with JSON.stringify');
    // What a JSON round trip would have made of the tensors: plain objects.
    const json = { state: { 0: { step: 1, exp_avg: {}, exp_avg_sq: {} } }, param_groups: JSON.parse(JSON.stringify(sd.param_groups)) };
    const before = (opt.stateDict().state[0]!['exp_avg'] as Tensor).tolist();
    expect(() => opt.loadStateDict(json)).toThrow('loadStateDict: state[0].exp_avg must be a Tensor or a number');
    expect(() => opt.loadStateDict({ state: {}, param_groups: 'x' } as never)).toThrow("'param_groups' must be an array");
    expect((opt.stateDict().state[0]!['exp_avg'] as Tensor).tolist()).toEqual(before);
  });
});
