/**
 * The public API contract (/work/shared/spec/API.md, "Modules" and "The seed's own examples"):
 * every name it lists for @flint/nn, imported from the package as an outside user would and used
 * once in the contract's calling style. A failure here is a breaking change.
 */
import { describe, expect, it } from 'vitest';
import {
  Module,
  Parameter,
  Linear,
  Sequential,
  ModuleList,
  ModuleDict,
  ReLU,
  Sigmoid,
  Tanh,
  GELU,
  LeakyReLU,
  Softmax,
  LogSoftmax,
  Identity,
  Dropout,
  Flatten,
  Embedding,
  LayerNorm,
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  L1Loss,
  BCELoss,
  BCEWithLogitsLoss,
  init,
  F,
  functional,
  utils,
} from '@flint/nn';
import { Tensor, manualSeed, ones, randn, tensor, zeros } from '@flint/tensor';

const flat = (t: Tensor): number[] => Array.from(t.dataSync());
const near = (t: Tensor, want: number, digits = 4): void => expect(t.item()).toBeCloseTo(want, digits);

describe('contract: Module', () => {
  class Block extends Module {
    fc = new Linear(4, 3);
    act = new ReLU();
    override forward(x: Tensor): Tensor {
      return this.act(this.fc(x));
    }
  }
  class Net extends Module {
    scale = new Parameter(ones([1]));
    block = new Block();
    head = new Linear(3, 2, { bias: false });
    bias: Parameter | null = null;
    constructor() {
      super();
      this.registerBuffer('steps', zeros([1]));
      this.registerBuffer('scratch', zeros([1]), { persistent: false });
    }
    override forward(x: Tensor): Tensor {
      return this.head(this.block(x)).mul(this.scale);
    }
  }

  it('a module instance is callable and runs hooks; forward() skips them', () => {
    const net = new Net();
    const y: Tensor = net(randn([5, 4]));
    expect(y.shape).toEqual([5, 2]);
    const calls: string[] = [];
    const pre = net.registerForwardPreHook(() => {
      calls.push('pre');
    });
    const post = net.registerForwardHook((_m, _args, out) => {
      calls.push('post');
      return (out as Tensor).mul(0);
    });
    expect(flat(net(randn([1, 4]))).map((v) => v + 0)).toEqual([0, 0]);
    expect(calls).toEqual(['pre', 'post']);
    net.forward(randn([1, 4]));
    expect(calls).toEqual(['pre', 'post']);
    pre.remove();
    post.remove();
    net(randn([1, 4]));
    expect(calls).toEqual(['pre', 'post']);
  });
  it('fields register in declaration order; null registers an absent parameter; traversal uses dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['scale', [1]],
      ['block.fc.weight', [3, 4]],
      ['block.fc.bias', [3]],
      ['head.weight', [2, 3]],
    ]);
    expect(net.namedParameters({ prefix: 'model' })[0]![0]).toBe('model.scale');
    expect(net.namedParameters({ recurse: false }).map(([n]) => n)).toEqual(['scale']);
    expect(net.parameters().length).toBe(4);
    expect(net.parameters()[0]).toBeInstanceOf(Parameter);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['steps', 'scratch']);
    expect(net.buffers().length).toBe(2);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['block', 'head']);
    expect(net.children().length).toBe(2);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'block', 'block.fc', 'block.act', 'head']);
    expect(net.modules().length).toBe(5);
    expect(Object.keys(net.stateDict())).toEqual(['scale', 'steps', 'block.fc.weight', 'block.fc.bias', 'head.weight']);
  });
  it('registerParameter and addModule register explicitly; a shared parameter is listed once', () => {
    const m = new Module();
    m.registerParameter('w', new Parameter(zeros([2])));
    m.registerParameter('b', null);
    const shared = new Linear(2, 2);
    m.addModule('a', shared);
    m.addModule('b2', shared);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w', 'a.weight', 'a.bias']);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'a.weight', 'a.bias', 'b2.weight', 'b2.bias']);
  });
  it('train(mode), eval(), training; zeroGrad({ setToNone }); apply(fn); requiresGrad_(flag)', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.training).toBe(false);
    expect(net.block.fc.training).toBe(false);
    net.train();
    expect(net.block.training).toBe(true);
    net.train(false);
    expect(net.head.training).toBe(false);
    net.train(true);

    net(randn([2, 4])).sum().backward();
    expect(net.head.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(flat(net.head.weight.grad!)).toEqual([0, 0, 0, 0, 0, 0]);
    net.zeroGrad();
    expect(net.head.weight.grad).toBeNull();

    const names: string[] = [];
    expect(net.apply((m) => names.push(m.constructor.name))).toBe(net);
    expect(names).toEqual(['Linear', 'ReLU', 'Block', 'Linear', 'Net']);

    net.requiresGrad_(false);
    expect(net.parameters().every((p) => !p.requiresGrad)).toBe(true);
    net.requiresGrad_();
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });
  it('stateDict() / loadStateDict(sd, { strict }) → { missingKeys, unexpectedKeys }; strict throws one error listing all and changes nothing', () => {
    const a = new Net();
    const b = new Net();
    const r = b.loadStateDict(a.stateDict());
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(flat(b.head.weight)).toEqual(flat(a.head.weight));

    const before = flat(b.block.fc.weight);
    const bad: Record<string, Tensor> = { ...a.stateDict(), extra: zeros([1]), 'block.fc.weight': zeros([9, 9]) };
    delete bad['head.weight'];
    let message = '';
    try {
      b.loadStateDict(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('head.weight');
    expect(message).toContain('extra');
    expect(message).toContain('block.fc.weight');
    expect(flat(b.block.fc.weight)).toEqual(before);

    const loose = { ...a.stateDict(), extra: zeros([1]) } as Record<string, Tensor>;
    delete loose['scale'];
    expect(b.loadStateDict(loose, { strict: false })).toEqual({ missingKeys: ['scale'], unexpectedKeys: ['extra'] });
  });
  it('toString() prints the module tree as PyTorch does', () => {
    expect(String(new Linear(4, 3))).toBe('Linear(in_features=4, out_features=3, bias=True)');
    expect(new Sequential(new Linear(4, 3), new ReLU()).toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): ReLU()\n)',
    );
  });
  it('Parameter(tensor, requiresGrad = true) is a tensor', () => {
    const p = new Parameter(randn([2, 2]));
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(new Parameter(zeros([1]), false).requiresGrad).toBe(false);
  });
});

describe('contract: layers and containers', () => {
  it('Linear(inFeatures, outFeatures, { bias }) with weight [out, in] and PyTorch default init', () => {
    manualSeed(0);
    const fc = new Linear(100, 50);
    expect(fc.weight.shape).toEqual([50, 100]);
    expect(fc.bias!.shape).toEqual([50]);
    const bound = 1 / Math.sqrt(100); // kaiming-uniform a=√5 gives U(±1/√fan_in) too
    expect(fc.weight.abs().max().item()).toBeLessThanOrEqual(bound + 1e-6);
    expect(fc.weight.abs().max().item()).toBeGreaterThan(bound * 0.9);
    expect(fc.bias!.abs().max().item()).toBeLessThanOrEqual(bound + 1e-6);
    expect(new Linear(3, 2, { bias: false }).bias).toBeNull();
    expect(fc(randn([7, 100])).shape).toEqual([7, 50]);
  });
  it('ReLU Sigmoid Tanh GELU LeakyReLU Softmax LogSoftmax Identity Dropout Flatten Embedding LayerNorm', () => {
    const x = tensor([[-1, 0, 2]]);
    expect(flat(new ReLU()(x))).toEqual([0, 0, 2]);
    expect(new Sigmoid()(tensor([0])).item()).toBe(0.5);
    expect(new Tanh()(tensor([0])).item()).toBe(0);
    near(new GELU()(tensor([1])), 0.8413447);
    near(new LeakyReLU(0.1)(tensor([-1])), -0.1);
    near(new Softmax(1)(x).sum(), 1);
    near(new LogSoftmax(1)(x).exp().sum(), 1);
    expect(flat(new Identity()(x))).toEqual([-1, 0, 2]);
    const drop = new Dropout(0.5);
    expect(drop(ones([1000])).eq(0).sum().item()).toBeGreaterThan(300);
    drop.eval();
    expect(flat(drop(ones([4])))).toEqual([1, 1, 1, 1]);
    expect(new Flatten()(zeros([2, 3, 4])).shape).toEqual([2, 12]);
    const emb = new Embedding(10, 3);
    expect(emb.weight.shape).toEqual([10, 3]);
    expect(emb(tensor([[1, 2]], { dtype: 'int32' })).shape).toEqual([1, 2, 3]);
    const ln = new LayerNorm(3);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    near(ln(tensor([[1, 2, 3]])).mean(), 0);
  });
  it('Sequential(...modules) with keys 0, 1, …; ModuleList; ModuleDict', () => {
    const seq = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq(randn([2, 4])).shape).toEqual([2, 1]);
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    expect(list.length).toBe(2);
    expect(list.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    const dict = new ModuleDict({ enc: new Linear(2, 3), dec: new Linear(3, 2) });
    expect(dict.namedParameters().map(([n]) => n)).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
  });
});

describe('contract: losses, F, init, utils', () => {
  const logits = (): Tensor => tensor([[2, 0.5, -1], [0.1, 0.2, 3]], { requiresGrad: true });
  const target = (): Tensor => tensor([0, 2], { dtype: 'int32' });
  // PyTorch: F.cross_entropy(logits, target) = 0.17546 (sum 0.35091)
  it("CrossEntropyLoss (class indices, labelSmoothing, reduction) and F.crossEntropy; loss.backward() works", () => {
    const x = logits();
    const loss = new CrossEntropyLoss()(x, target());
    near(loss, 0.1755, 3);
    loss.backward();
    expect(x.grad!.shape).toEqual([2, 3]);
    near(F.crossEntropy(logits(), target()), 0.1755, 3);
    expect(new CrossEntropyLoss({ reduction: 'none' })(logits(), target()).shape).toEqual([2]);
    near(new CrossEntropyLoss({ reduction: 'sum' })(logits(), target()), 0.3509, 3);
    expect(new CrossEntropyLoss({ labelSmoothing: 0.1 })(logits(), target()).item()).toBeGreaterThan(0.1755);
    expect(functional.crossEntropy).toBe(F.crossEntropy);
  });
  it('NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, and F.nllLoss, F.mseLoss, …', () => {
    const lp = logits().logSoftmax(1);
    near(new NLLLoss()(lp, target()), 0.1755, 3);
    near(F.nllLoss(lp, target()), 0.1755, 3);
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 0, 0]);
    near(new MSELoss()(a, b), 13 / 3);
    near(F.mseLoss(a, b, { reduction: 'sum' }), 13);
    near(new L1Loss()(a, b), 5 / 3);
    near(F.l1Loss(a, b), 5 / 3);
    const p = tensor([0.5, 0.5]);
    const y = tensor([1, 0]);
    near(new BCELoss()(p, y), Math.log(2));
    near(F.binaryCrossEntropy(p, y), Math.log(2));
    near(new BCEWithLogitsLoss()(tensor([0, 0]), y), Math.log(2));
    near(F.binaryCrossEntropyWithLogits(tensor([0, 0]), y), Math.log(2));
  });
  it('F activations and linear', () => {
    expect(flat(F.relu(tensor([-1, 1])))).toEqual([0, 1]);
    near(F.softmax(tensor([[0, 0]]), 1).sum(), 1);
    expect(F.linear(ones([1, 2]), ones([3, 2])).shape).toEqual([1, 3]);
  });
  it('init.kaimingUniform_ kaimingNormal_ xavierUniform_ xavierNormal_ uniform_ normal_ zeros_ ones_ constant_', () => {
    const w = new Parameter(zeros([64, 32]));
    expect(init.kaimingUniform_(w, { a: Math.sqrt(5) })).toBe(w);
    expect(w.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(32) + 1e-6);
    init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
    near(w.std(), Math.sqrt(2 / 64), 1);
    init.xavierUniform_(w);
    expect(w.abs().max().item()).toBeLessThanOrEqual(Math.sqrt(6 / 96) + 1e-6);
    init.xavierNormal_(w, 2);
    init.uniform_(w, -0.1, 0.1);
    expect(w.abs().max().item()).toBeLessThanOrEqual(0.1);
    init.normal_(w, 0, 0.02);
    init.zeros_(w);
    expect(w.abs().sum().item()).toBe(0);
    init.ones_(w);
    expect(w.sum().item()).toBe(64 * 32);
    init.constant_(w, 3);
    expect(w.mean().item()).toBe(3);
    expect(w.requiresGrad).toBe(true);
  });
  it('utils.clipGradNorm(parameters, maxNorm) scales grads and returns the total norm', () => {
    const p = new Parameter(zeros([2]));
    p.grad = tensor([3, 4]);
    const total = utils.clipGradNorm([p], 1);
    near(total, 5);
    near(p.grad.pow(2).sum().sqrt(), 1, 3);
  });
});

describe("contract: the seed's own examples", () => {
  class SeedLinear extends Module {
    w: Parameter;
    b: Parameter;
    constructor(inF: number, outF: number) {
      super();
      this.w = new Parameter(randn([inF, outF]));
      this.b = new Parameter(randn([outF]));
    }
    override forward(x: Tensor): Tensor {
      return x.mm(this.w).add(this.b);
    }
  }
  class Perceptron extends Module {
    layer1: SeedLinear;
    layer2: SeedLinear;
    constructor(inF: number, hidden: number, outF: number) {
      super();
      this.layer1 = new SeedLinear(inF, hidden);
      this.layer2 = new SeedLinear(hidden, outF);
    }
    override forward(x: Tensor): Tensor {
      return this.layer2(this.layer1(x).sigmoid()).sigmoid();
    }
  }
  it('a Perceptron of two custom Linears: namedParameters layer1.w [3,4], layer1.b [4], layer2.w [4,1], layer2.b [1]', () => {
    const model = new Perceptron(3, 4, 1);
    expect(model.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual([
      'layer1.w [3,4]',
      'layer1.b [4]',
      'layer2.w [4,1]',
      'layer2.b [1]',
    ]);
    const y = model(randn([2, 3]));
    expect(y.shape).toEqual([2, 1]);
    y.sum().backward();
    expect(model.layer1.w.grad!.shape).toEqual([3, 4]);
    expect(model.toString()).toBe('Perceptron(\n  (layer1): SeedLinear()\n  (layer2): SeedLinear()\n)');
  });
});
