/**
 * Bad input gets a clear error and changes nothing: `loadStateDict` checks everything before it
 * writes, user-chosen names are safe as object keys, float targets where class indices belong say
 * how to make them, and `F.softplus` honours `beta` and `threshold` (values and gradient).
 */
import { gradcheck } from '@flint/autograd';
import { Tensor, manualSeed, randn, tensor, zeros } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, Embedding, F, Linear, Module, ModuleDict, NLLLoss, Parameter, Softplus } from './index.js';

const flat = (t: Tensor): number[] => Array.from(t.dataSync());

class Net extends Module {
  fc = new Linear(3, 2);
  head = new Linear(2, 1);
  constructor() {
    super();
    this.registerBuffer('running', zeros([2]));
  }
  override forward(x: Tensor): Tensor {
    return this.head(this.fc(x));
  }
}

/** Every value of the model's state, to compare before and after. */
const snapshot = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, flat(v)]);

describe('loadStateDict validates everything before writing', () => {
  it('strict: one error names every bad, missing and unexpected key; the weights are unchanged', () => {
    manualSeed(0);
    const m = new Net();
    const before = snapshot(m);
    const released = randn([1, 2]);
    released.dispose();
    const sd: Record<string, unknown> = Object.create(null);
    sd['fc.weight'] = randn([2, 3]); // valid: must not be copied either
    sd['fc.bias'] = randn([5]); // wrong shape
    sd['head.weight'] = released; // disposed
    sd['head.bias'] = 3; // not a tensor
    // 'running' missing
    sd['extra'] = zeros([1]);
    sd['__proto__'] = zeros([1]);
    sd['constructor'] = zeros([1]);
    let message = '';
    try {
      m.loadStateDict(sd as Record<string, Tensor>);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      [
        'Error(s) in loading state_dict for Net:',
        '\tMissing key(s) in state_dict: "running". ',
        '\tUnexpected key(s) in state_dict: "extra", "__proto__", "constructor". ',
        '\tsize mismatch for fc.bias: copying a param with shape [5] from checkpoint, the shape in current model is [2].',
        '\tWhile copying the parameter named "head.weight", the tensor from checkpoint has been disposed (released); its values are gone.',
        '\tWhile copying the parameter named "head.bias", expected torch.Tensor or Tensor-like object from checkpoint but received number',
      ].join('\n'),
    );
    expect(snapshot(m)).toEqual(before);
  });

  it('non-strict: missing / unexpected are reported; any bad value still throws and changes nothing', () => {
    const m = new Net();
    const before = snapshot(m);
    const good = new Net().stateDict();
    const bad = { ...good, 'fc.weight': zeros([2, 3], { dtype: 'int32' }) };
    expect(() => m.loadStateDict(bad, false)).toThrow('dtype mismatch for fc.weight: copying a param with dtype torch.int32 from checkpoint, the dtype in current model is torch.float32.');
    expect(() => m.loadStateDict({ ...good, running: [0, 0] as never }, { strict: false })).toThrow('While copying the parameter named "running"');
    expect(snapshot(m)).toEqual(before);
    // JSON.parse makes an own `__proto__` key: reported as unexpected, nothing else disturbed.
    const extra = JSON.parse('{"__proto__": 1, "constructor": 2}') as Record<string, Tensor>;
    const sd = Object.assign(Object.create(null) as Record<string, Tensor>, good);
    for (const k of Object.keys(extra)) Object.defineProperty(sd, k, { value: zeros([1]), enumerable: true });
    delete sd['head.bias'];
    expect(m.loadStateDict(sd, false)).toEqual({ missingKeys: ['head.bias'], unexpectedKeys: ['__proto__', 'constructor'] });
    expect(flat(m.fc.weight)).toEqual(flat(good['fc.weight']!));
  });

  it('inherited keys do not count: a plain {} has no "constructor" entry', () => {
    const m = new Net();
    expect(m.loadStateDict({}, false).missingKeys).toEqual(['running', 'fc.weight', 'fc.bias', 'head.weight', 'head.bias']);
  });

  it('accepts a Map (as load() returns) and a state dict of the model itself', () => {
    const src = new Net();
    const dst = new Net();
    expect(dst.loadStateDict(new Map(Object.entries(src.stateDict())))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(flat(dst.head.weight)).toEqual(flat(src.head.weight));
    expect(dst.loadStateDict(dst.stateDict({ keepVars: true }))).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('tensors of the model under crossed keys are read before anything is overwritten', () => {
    class Two extends Module {
      a = new Parameter(tensor([1, 2]));
      b = new Parameter(tensor([3, 4]));
    }
    const m = new Two();
    const live = m.stateDict({ keepVars: true });
    m.loadStateDict({ a: live.b!, b: live.a! });
    expect([flat(m.a), flat(m.b)]).toEqual([[3, 4], [1, 2]]);
  });

  it('a disposed model, a module or a non-object instead of a state dict: named errors', () => {
    const m = new Net();
    const sd = m.stateDict();
    m.dispose();
    expect(() => m.loadStateDict(sd)).toThrow('While copying the parameter named "fc.weight", the tensor in current model has been disposed');
    const n = new Net();
    expect(() => n.loadStateDict(null as never)).toThrow('loadStateDict: expected a state dict (an object or Map of name → Tensor), got null');
    expect(() => n.loadStateDict(new Net() as never)).toThrow('loadStateDict: expected a state dict, got the module Net; pass its stateDict()');
    expect(() => n.loadStateDict([] as never)).toThrow('got Array');
    expect(() => n.loadStateDict({}, 'no' as never)).toThrow("loadStateDict: strict must be a boolean (got string 'no')");
  });
});

describe('names that are special in JavaScript are safe keys', () => {
  it('stateDict() is a prototype-less object; a parameter named "constructor" is an ordinary key', () => {
    class Odd extends Module {
      constructor() {
        super();
        (this as unknown as Record<string, unknown>)['constructor'] = new Parameter(tensor([1, 2]));
      }
    }
    const m = new Odd();
    const sd = m.stateDict();
    expect(Object.getPrototypeOf(sd)).toBeNull();
    expect(Object.keys(sd)).toEqual(['constructor']);
    expect(flat(sd['constructor']!)).toEqual([1, 2]);
    expect(String(m)).toBe('Odd()');
    const other = new Odd();
    expect(other.loadStateDict({ constructor: tensor([5, 6]) } as Record<string, Tensor>)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(flat(other.stateDict()['constructor']!)).toEqual([5, 6]);
    expect(other.loadStateDict({}, false).missingKeys).toEqual(['constructor']);
  });

  it('registering "__proto__" or "constructor" is refused with a clear error, as PyTorch refuses existing attributes', () => {
    const m = new Module();
    expect(() => m.registerBuffer('__proto__', zeros([1]))).toThrow("attribute '__proto__' already exists");
    expect(() => m.registerParameter('constructor', new Parameter(zeros([1])))).toThrow("attribute 'constructor' already exists");
    expect(() => new ModuleDict(new Map([['__proto__', new Linear(1, 1)]]))).toThrow("attribute '__proto__' already exists");
    expect(() => {
      (m as unknown as Record<string, unknown>)['__proto__'] = new Linear(1, 1);
    }).toThrow("cannot assign a Module to '__proto__'");
    expect(Object.getPrototypeOf(m)).toBe(Module.prototype);
  });

  it('stateDict({ destination, prefix }) fills an object of yours', () => {
    const dest: Record<string, Tensor> = {};
    expect(new Linear(2, 1).stateDict({ destination: dest, prefix: 'enc.' })).toBe(dest);
    expect(Object.keys(dest)).toEqual(['enc.weight', 'enc.bias']);
    expect(() => new Linear(2, 1).stateDict({ keep_vars: true } as never)).toThrow("stateDict: got an unexpected option 'keep_vars' (did you mean 'keepVars'?)");
  });
});

describe('zeroGrad follows PyTorch 2.x (setToNone = true)', () => {
  it('drops gradients by default, zeroes them with setToNone false (positional or options)', () => {
    const fc = new Linear(2, 1);
    const step = () => fc(randn([3, 2])).sum().backward();
    step();
    fc.zeroGrad();
    expect(fc.weight.grad).toBeNull();
    step();
    fc.zeroGrad(false);
    expect(flat(fc.weight.grad!)).toEqual([0, 0]);
    step();
    fc.zeroGrad({ setToNone: false });
    expect(flat(fc.weight.grad!)).toEqual([0, 0]);
    expect(() => fc.zeroGrad({ set_to_none: true } as never)).toThrow("(did you mean 'setToNone'?)");
  });

  it('other Module methods take PyTorch’s positional form too', () => {
    const net = new Net();
    expect(net.parameters(false)).toEqual([]);
    expect(net.namedParameters('m', false)).toEqual([]);
    expect(net.namedParameters('m').map(([k]) => k)[0]).toBe('m.fc.weight');
    expect(net.namedBuffers({ prefix: 'x' }).map(([k]) => k)).toEqual(['x.running']);
    net.registerBuffer('tmp', zeros([1]), false);
    expect(Object.keys(net.stateDict())).not.toContain('tmp');
    expect(net.train(false).training).toBe(false);
    expect(net.train({ mode: true }).training).toBe(true);
    net.requiresGrad_(false);
    expect(net.fc.weight.requiresGrad).toBe(false);
  });
});

describe('float targets where class indices belong', () => {
  const logits = tensor([[1, 2, 3], [0.5, -1, 2]]);
  const floatTarget = tensor([2, 0]);
  const hint = "create it with { dtype: 'int32' }";

  it('crossEntropy / CrossEntropyLoss / nllLoss / NLLLoss name the op, the dtype and the fix', () => {
    expect(() => F.crossEntropy(logits, floatTarget)).toThrow(`crossEntropy: expected a target of class indices with dtype int32, got float32 with shape [2]; ${hint}`);
    expect(() => new CrossEntropyLoss()(logits, floatTarget)).toThrow(/crossEntropy: .*got float32.*\{ dtype: 'int32' \}/);
    expect(() => F.nllLoss(logits.logSoftmax(1), floatTarget)).toThrow(`nllLoss: expected a target of class indices with dtype int32, got float32 with shape [2]; ${hint}`);
    expect(() => new NLLLoss()(logits, tensor([true, false]))).toThrow(/nllLoss: .*got bool/);
    // Class probabilities (float, shaped like the input) are still accepted.
    expect(F.crossEntropy(logits, tensor([[0, 0, 1], [1, 0, 0]])).item()).toBeCloseTo(F.crossEntropy(logits, tensor([2, 0], { dtype: 'int32' })).item(), 5);
    // A float target of neither shape is a shape error.
    expect(() => F.crossEntropy(logits, tensor([[1, 0]]))).toThrow('crossEntropy: target shape [1, 2] must match input shape [2, 3]');
  });

  it('oneHot and Embedding', () => {
    expect(() => F.oneHot(floatTarget)).toThrow(`oneHot: one_hot is only applicable to index tensor: expected class indices of dtype int32, got float32 with shape [2]; ${hint}`);
    expect(() => new Embedding(4, 2)(floatTarget)).toThrow(/^Embedding: Expected tensor for argument #1 'indices' .* but got torch.float32 instead \(shape \[2\]\); create it with \{ dtype: 'int32' \}/);
    expect(() => F.embedding(floatTarget, randn([4, 2]))).toThrow(/^embedding: .*torch\.float32.*\{ dtype: 'int32' \}/);
  });
});

describe('F.softplus(x, { beta, threshold })', () => {
  const ref = (v: number, beta: number, threshold: number) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta);
  const xs = [-4, -0.3, 0, 0.4, 1, 2.5, 12];

  it('values as PyTorch: 1/beta·log(1 + exp(beta·x)), x above the threshold', () => {
    for (const [beta, threshold] of [[1, 20], [2, 3], [0.5, 1], [3, 20]] as const) {
      const got = flat(F.softplus(tensor(xs), { beta, threshold }));
      got.forEach((v, i) => expect(v, `beta=${beta} threshold=${threshold} x=${xs[i]}`).toBeCloseTo(ref(xs[i]!, beta, threshold), 5));
      expect(flat(F.softplus(tensor(xs), beta, threshold))).toEqual(got);
      expect(flat(new Softplus({ beta, threshold })(tensor(xs)))).toEqual(got);
    }
    // Linear above the threshold exactly (beta·x = 24 > 20), as PyTorch.
    expect(F.softplus(tensor([12]), { beta: 2 }).item()).toBe(12);
    expect(F.softplus(tensor([1]), { threshold: 0.5 }).item()).toBe(1);
  });

  it('gradient: σ(beta·x) below the threshold, 1 above; gradcheck passes', () => {
    const x = tensor(xs, { requiresGrad: true });
    F.softplus(x, { beta: 2, threshold: 3 }).sum().backward();
    flat(x.grad!).forEach((g, i) => expect(g).toBeCloseTo(2 * xs[i]! > 3 ? 1 : 1 / (1 + Math.exp(-2 * xs[i]!)), 5));
    const y = tensor([-2, -0.3, 0.4, 1.0, 2.5], { requiresGrad: true });
    expect(gradcheck((t: Tensor) => F.softplus(t, { beta: 2, threshold: 3 }), [y])).toBe(true);
    expect(gradcheck((t: Tensor) => F.softplus(t, 0.5), [y])).toBe(true);
  });

  it('bad options are named', () => {
    expect(() => F.softplus(tensor([1]), { beta: '2' } as never)).toThrow("softplus: beta must be a number (got string '2')");
    expect(() => F.softplus(tensor([1]), { alpha: 1 } as never)).toThrow("softplus: got an unexpected option 'alpha'; its options are beta, threshold");
  });
});
