import { memory, ones, randn, tensor, zeros, type Tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { describe, expect, it } from 'vitest';
import { Linear, Module, Parameter, ReLU, Sequential } from './index.js';

class Net extends Module {
  features = new Sequential(new Linear(4, 3), new ReLU());
  head = new Linear(3, 2, { bias: false });
  scale = new Parameter(ones([2]));
  override forward(x: Tensor): Tensor {
    return this.head(this.features(x)).mul(this.scale);
  }
}

class WithBuffers extends Module {
  fc = new Linear(2, 2);
  constructor() {
    super();
    this.registerBuffer('running', zeros([2]));
    this.registerBuffer('scratch', zeros([2]), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    return this.fc(x);
  }
}

describe('Module: calling', () => {
  it('is callable, an instance of its class, and forward skips hooks', () => {
    const net = new Net();
    expect(typeof net).toBe('function');
    expect(net).toBeInstanceOf(Net);
    expect(net).toBeInstanceOf(Module);
    const x = randn([5, 4]);
    const y = net(x);
    expect(y.shape).toEqual([5, 2]);
    let calls = 0;
    net.registerForwardHook(() => void calls++);
    net(x);
    net.forward(x);
    expect(calls).toBe(1);
  });

  it('a pre-hook may replace the input, a hook the output; remove() unregisters', () => {
    const fc = new Linear(2, 2);
    const seen: number[][] = [];
    const pre = fc.registerForwardPreHook((_m, [x]) => [x.mul(0)]);
    const post = fc.registerForwardHook((_m, [x], out) => {
      seen.push([...x.shape]);
      return out.add(1);
    });
    const y = fc(randn([3, 2]));
    expect(seen).toEqual([[3, 2]]);
    // Zero input: the output is bias + 1.
    expect(y.sub(fc.bias!.add(1)).abs().max().item()).toBeLessThan(1e-6);
    pre.remove();
    post.remove();
    const x = randn([3, 2]);
    expect(fc(x).tolist()).toEqual(fc.forward(x).tolist());
  });

  it('a module without forward says so', () => {
    const m = new Module();
    expect(() => m()).toThrow('Module [Module] is missing the required "forward" function');
  });
});

describe('Module: registration and traversal', () => {
  it('registers fields in declaration order with dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n, p]) => [n, [...p.shape]])).toEqual([
      ['scale', [2]],
      ['features.0.weight', [3, 4]],
      ['features.0.bias', [3]],
      ['head.weight', [2, 3]],
    ]);
    expect(net.namedParameters({ recurse: false }).map(([n]) => n)).toEqual(['scale']);
    expect(net.namedParameters({ prefix: 'model' })[0]![0]).toBe('model.scale');
    expect(net.parameters()).toHaveLength(4);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['features', 'head']);
    expect(net.children()).toEqual([net.features, net.head]);
    expect(net.namedModules().map(([n, m]) => [n, m.constructor.name])).toEqual([
      ['', 'Net'],
      ['features', 'Sequential'],
      ['features.0', 'Linear'],
      ['features.1', 'ReLU'],
      ['head', 'Linear'],
    ]);
    expect(net.modules()).toHaveLength(5);
    expect(net.getSubmodule('features.0')).toBe(net.features.at(0));
    expect(net.getParameter('head.weight')).toBe(net.head.weight);
  });

  it('lists a shared parameter and a shared module once', () => {
    class Tied extends Module {
      a = new Linear(3, 3);
      b = new Linear(3, 3);
      again: Linear;
      constructor() {
        super();
        this.b.weight = this.a.weight;
        this.again = this.a;
      }
      override forward(x: Tensor): Tensor {
        return this.b(this.a(x));
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias', 'b.bias']);
    expect(m.namedParameters({ removeDuplicate: false }).map(([n]) => n)).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias', 'again.weight', 'again.bias']);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'a', 'b']);
    // The state dict has every key, as PyTorch's.
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias', 'again.weight', 'again.bias']);
  });

  it('null registers an absent parameter; wrong values fail clearly', () => {
    const fc = new Linear(2, 3);
    fc.bias = null;
    expect(fc.bias).toBeNull();
    expect(fc.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(String(fc)).toBe('Linear(in_features=2, out_features=3, bias=False)');
    expect(() => {
      (fc as unknown as { weight: number }).weight = 3;
    }).toThrow("cannot assign 'number' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(() => {
      (fc as unknown as { weight: Tensor }).weight = randn([3, 2]);
    }).toThrow("cannot assign 'Tensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    const seq = new Sequential(new ReLU());
    expect(() => (seq as unknown as Record<string, unknown>)['0'] = 'relu').toThrow("cannot assign 'string' as child module '0' (torch.nn.Module or None expected)");
    const m = new Module();
    m.registerParameter('w', null);
    expect(m.namedParameters()).toEqual([]);
    expect(() => m.registerParameter('a.b', null)).toThrow('parameter name can\'t contain "."');
    expect(() => m.registerParameter('forward', null)).toThrow("attribute 'forward' already exists");
    expect(() => m.registerBuffer('x', 3 as unknown as Tensor)).toThrow("cannot assign 'number' object to buffer 'x' (torch Tensor or None required)");
    expect(() => m.addModule('y', 3 as unknown as Module)).toThrow('number is not a Module subclass');
  });

  it('registerParameter, addModule, registerModule and plain fields', () => {
    const m = new Module();
    m.registerParameter('w', new Parameter(ones([2])));
    m.addModule('fc', new Linear(2, 2));
    m.registerModule('act', new ReLU());
    (m as unknown as { note: string }).note = 'not registered';
    (m as unknown as { t: Tensor }).t = zeros([1]);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['w', 'fc.weight', 'fc.bias']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['fc', 'act']);
    expect(Object.keys(m.stateDict())).toEqual(['w', 'fc.weight', 'fc.bias']);
    delete (m as unknown as { fc?: Module }).fc;
    expect(m.namedChildren().map(([n]) => n)).toEqual(['act']);
  });

  it('buffers: persistent ones are in the state dict; a replaced one stays valid for its holders', () => {
    const m = new WithBuffers();
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['running', 'scratch']);
    expect(m.buffers()).toHaveLength(2);
    expect(Object.keys(m.stateDict())).toEqual(['running', 'fc.weight', 'fc.bias']);
    const old = (m as unknown as { running: Tensor }).running;
    const before = old.tolist();
    (m as unknown as { running: Tensor }).running = ones([2]);
    expect(old.isReleased).toBe(false);
    expect(old.tolist()).toEqual(before);
    expect(m.getBuffer('running').tolist()).toEqual([1, 1]);
    expect(() => {
      (m as unknown as { running: number }).running = 1;
    }).toThrow("cannot assign 'number' as buffer 'running' (torch.Tensor or None expected)");
  });

  it('a replaced parameter is not disposed: another module (or a graph) may still hold it', () => {
    const a = new Linear(2, 2);
    const b = new Linear(2, 2);
    b.weight = a.weight;
    a.weight = new Parameter(zeros([2, 2]));
    expect(b.weight.isReleased).toBe(false);
    const w = b.weight;
    b.weight = new Parameter(zeros([2, 2]));
    expect(w.isReleased).toBe(false);
  });
});

describe('Module: modes and gradients', () => {
  it('train / eval set training on the whole tree', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(() => net.train('yes' as unknown as boolean)).toThrow('training mode is expected to be boolean');
  });

  it('zeroGrad drops or zeroes gradients; requiresGrad_; apply visits children first', () => {
    const net = new Net();
    net(randn([2, 4])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad({ setToNone: false });
    expect(net.head.weight.grad!.abs().sum().item()).toBe(0);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
    const order: string[] = [];
    net.apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential', 'Linear', 'Net']);
  });
});

describe('Module: state dict', () => {
  it('has PyTorch keys; values are detached copies of the current values', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(['scale', 'features.0.weight', 'features.0.bias', 'head.weight']);
    expect(sd['head.weight']!.requiresGrad).toBe(false);
    expect(sd['head.weight']!.tolist()).toEqual(net.head.weight.tolist());
    expect(net.stateDict({ keepVars: true })['head.weight']).toBe(net.head.weight);
  });

  it('loads in place (the same tensors, new values)', () => {
    const src = new Net();
    const dst = new Net();
    const weight = dst.head.weight;
    expect(dst.loadStateDict(src.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(dst.head.weight).toBe(weight);
    expect(dst.head.weight.tolist()).toEqual(src.head.weight.tolist());
    expect(dst.head.weight.requiresGrad).toBe(true);
  });

  it('strict: one error listing every problem, in PyTorch format, and nothing changed', () => {
    class Small extends Module {
      fc = new Linear(4, 3);
      override forward(x: Tensor): Tensor {
        return this.fc(x);
      }
    }
    const m = new Small();
    const before = m.fc.weight.tolist();
    const sd = { 'fc.weight': randn([3, 5]), x: zeros([1]) };
    expect(() => m.loadStateDict(sd)).toThrow(
      'Error(s) in loading state_dict for Small:\n' +
        '\tMissing key(s) in state_dict: "fc.bias". \n' +
        '\tUnexpected key(s) in state_dict: "x". \n' +
        '\tsize mismatch for fc.weight: copying a param with shape [3, 5] from checkpoint, the shape in current model is [3, 4].',
    );
    expect(m.fc.weight.tolist()).toEqual(before);
  });

  it('non-strict reports missing and unexpected keys; a wrong dtype names the key', () => {
    const m = new Linear(2, 2);
    const w = randn([2, 2]);
    expect(m.loadStateDict({ weight: w, extra: zeros([1]) }, { strict: false })).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(m.weight.tolist()).toEqual(w.tolist());
    expect(() => m.loadStateDict({ weight: zeros([2, 2], { dtype: 'int32' }), bias: zeros([2]) })).toThrow(
      'dtype mismatch for weight: copying a param with dtype torch.int32 from checkpoint, the dtype in current model is torch.float32.',
    );
  });
});

describe('Module: printing', () => {
  it('prints the tree as PyTorch', () => {
    expect(String(new Net())).toBe(
      [
        'Net(',
        '  (features): Sequential(',
        '    (0): Linear(in_features=4, out_features=3, bias=True)',
        '    (1): ReLU()',
        '  )',
        '  (head): Linear(in_features=3, out_features=2, bias=False)',
        ')',
      ].join('\n'),
    );
  });

  it('Parameter prints as PyTorch', () => {
    const p = new Parameter(tensor([1, 2]));
    expect(String(p)).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
    expect(p.isLeaf).toBe(true);
    expect(p).toBeInstanceOf(Parameter);
  });
});

describe('Module: memory', () => {
  it('an eval-mode call ticks, so an inference loop does not grow', () => {
    const net = new Net().eval();
    const x = randn([8, 4]);
    let at10 = 0;
    for (let i = 0; i < 100; i++) {
      net(x).sum().item();
      if (i === 10) at10 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at10);
  });

  it('a noGrad call in train mode ticks too', () => {
    const net = new Net();
    const x = randn([8, 4]);
    (net(x) as Tensor).sum().backward(); // a training step: no graph waits for its backward
    let at10 = 0;
    for (let i = 0; i < 100; i++) {
      noGrad(() => net(x)).argmax(1);
      if (i === 10) at10 = memory().numTensors;
    }
    expect(memory().numTensors).toBe(at10);
  });
});

describe('Module: what registration cannot see', () => {
  it('refuses modules or parameters hidden in plain arrays and objects', () => {
    class Bad extends Module {
      layers = [new Linear(2, 2)];
    }
    expect(() => new Bad()).toThrow("cannot assign an array holding a Module to 'layers': its contents would not be registered (not in parameters() or stateDict()); use ModuleList");
    const m = new Module();
    expect(() => ((m as unknown as { ps: unknown }).ps = { a: new Parameter(zeros([1])) })).toThrow(/use registerParameter\(\) for each/);
    (m as unknown as { sizes: number[] }).sizes = [1, 2];
  });
});
