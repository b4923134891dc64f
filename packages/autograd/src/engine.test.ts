/** Graph and backward semantics, as PyTorch's test_autograd.py checks them. */
import { describe, expect, it } from 'vitest';
import { randn, tensor, tick, type Tensor } from '@flint/tensor';
import { backward, enableGrad, grad, isGradEnabled, noGrad, setGradEnabled } from './index.js';
import { expectClose } from './test-utils/checks.js';

const leaf = (data: number[] | number[][]): Tensor => tensor(data, { requiresGrad: true });

describe('backward', () => {
  it('accumulates into .grad of leaves, in place', () => {
    const x = leaf([1, 2, 3]);
    x.mul(x).sum().backward();
    const held = x.grad!;
    expect(held.tolist()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad).toBe(held);
    expect(held.tolist()).toEqual([5, 7, 9]);
  });

  it('needs a gradient for non-scalar roots', () => {
    const x = leaf([1, 2]);
    expect(() => x.mul(2).backward()).toThrow('grad can be implicitly created only for scalar outputs');
    x.mul(2).backward(tensor([1, 10]));
    expect(x.grad!.tolist()).toEqual([2, 20]);
    expect(() => x.mul(2).backward(tensor([1, 2, 3]))).toThrow(/Mismatch in shape: grad_output\[0\] has a shape of torch.Size\(\[3\]\)/);
  });

  it('refuses roots that do not require grad', () => {
    expect(() => tensor([1, 2]).sum().backward()).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it('frees the graph: a second backward is an error unless retainGraph', () => {
    const x = leaf([1, 2]);
    expect(() => x.mul(x).sum().backward({ retainGraph: true } as never)).toThrow('backward: gradient must be a Tensor');
    const z = x.exp().sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(() => z.backward()).toThrow(
      'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
    );
  });

  it('lets ops that save nothing run backward twice, as PyTorch', () => {
    const x = leaf([1, 2]);
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('reports tensors modified in place after being saved', () => {
    const w = leaf([1, 2]);
    const a = tensor([3, 4]);
    const y = w.mul(a).sum();
    a.mul_(2);
    expect(() => y.backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[torch.FloatTensor \[2\]\] is at version 1; expected version 0 instead/,
    );
    const e = w.exp();
    const s = e.sum();
    noGrad(() => e.add_(1));
    expect(() => s.backward()).toThrow(/which is output 0 of ExpBackward0/); // exp's gradient uses its result
    const m = w.mul(2);
    const s2 = m.sum();
    noGrad(() => m.add_(1));
    expect(() => s2.backward()).not.toThrow(); // sum needs nothing saved
    const e3 = w.exp();
    const s3 = e3.mul(e3).sum();
    noGrad(() => e3.mul_(2));
    expect(() => s3.backward()).toThrow(/\[torch.FloatTensor \[2\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0/);
  });

  it('accumulates through shared subexpressions and repeated inputs', () => {
    const x = leaf([2]);
    const y = x.mul(x).add(x).mul(x); // x³ + x²
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([3 * 4 + 2 * 2]);
  });

  it('functional backward takes several roots and gradients', () => {
    const x = leaf([1, 2]);
    backward([x.mul(2), x.mul(x).sum()], [tensor([1, 1]), null]);
    expect(x.grad!.tolist()).toEqual([4, 6]);
  });

  it('a leaf made after training started outlives any number of backward() calls, with its .grad', () => {
    tick();
    const w = tensor([1, 2]).requiresGrad_();
    for (let step = 0; step < 10; step++) {
      w.mul(w).sum().backward(); // each backward() ticks; each use refreshes w
    }
    expect(w.isReleased).toBe(false);
    expect(w.grad!.tolist()).toEqual([20, 40]);
  });

  it('a leaf root accumulates its own gradient', () => {
    const x = leaf([1, 2]);
    x.backward(tensor([3, 4]));
    expect(x.grad!.tolist()).toEqual([3, 4]);
  });

  it('exposes the graph: gradFn, nextFunctions, isLeaf, AccumulateGrad', () => {
    const x = leaf([1, 2]);
    const c = tensor([3, 4]);
    const y = x.mul(c).sum();
    expect(y.gradFn!.name).toBe('SumBackward0');
    const mul = y.gradFn!.nextFunctions[0]!;
    expect(mul.name).toBe('MulBackward0');
    expect(mul.nextFunctions.map((n) => n?.name ?? null)).toEqual(['AccumulateGrad', null]);
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(x.add(1).gradFn!.nextFunctions[0]).toBe(mul.nextFunctions[0]);
  });

  it('integer results are not differentiable', () => {
    const x = leaf([1.5, 2.5]);
    expect(x.int().requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false);
  });
});

describe('retainGrad, detach, grad mode', () => {
  it('retainGrad keeps a non-leaf gradient; others stay null', () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const k = h.exp();
    h.retainGrad();
    k.sum().backward();
    expectClose(h.grad, h.exp());
    expect(k.grad).toBeNull();
  });

  it('detach cuts the graph', () => {
    const x = leaf([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    x.mul(d).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 4]);
  });

  it('noGrad records nothing; enableGrad re-enables; setGradEnabled switches', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => x.mul(2).exp());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(noGrad(() => isGradEnabled())).toBe(false);
    expect(noGrad(() => enableGrad(() => x.mul(2).requiresGrad))).toBe(true);
    expect(isGradEnabled()).toBe(true);
    expect(setGradEnabled(false)).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(false);
    setGradEnabled(true);
    expect(() => noGrad(async () => 1)).toThrow(/synchronous/);
    expect(isGradEnabled()).toBe(true);
  });

  it('formulas run without recording unless createGraph', () => {
    const x = leaf([1, 2]);
    x.exp().sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    const y = leaf([1, 2]);
    y.exp().sum().backward(undefined, { createGraph: true });
    expect(y.grad!.requiresGrad).toBe(true);
    expect(y.grad!.gradFn).not.toBeNull();
  });
});

describe('hooks', () => {
  it('sees the gradient and may replace it; remove() unregisters', () => {
    const x = leaf([1, 2]);
    const h = x.mul(2);
    const seen: number[][] = [];
    const handle = h.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(x.grad!.tolist()).toEqual([20, 20]);
    handle.remove();
    x.grad = null;
    x.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  it('runs on leaves before accumulation; the retained grad is the hooked one', () => {
    const x = leaf([1, 2]);
    x.registerHook((g) => g.mul(-1));
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([-3, -3]);
    const y = leaf([1]);
    const h = y.mul(2);
    h.retainGrad();
    h.registerHook((g) => g.add(1));
    h.sum().backward();
    expect(h.grad!.tolist()).toEqual([2]);
    expect(y.grad!.tolist()).toEqual([4]);
  });

  it('a hook that returns nothing keeps the gradient, which stays readable', () => {
    const x = leaf([1, 2]);
    let kept: Tensor | null = null;
    const h = x.exp();
    h.registerHook((g) => {
      kept = g;
    });
    h.mul(h).sum().backward();
    expectClose(kept, h.mul(2));
  });
});

describe('grad()', () => {
  it('returns gradients without touching .grad', () => {
    const x = leaf([1, 2]);
    const w = leaf([3, 4]);
    const [gx, gw] = grad(x.mul(w).sum(), [x, w]);
    expect(gx!.tolist()).toEqual([3, 4]);
    expect(gw!.tolist()).toEqual([1, 2]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('takes gradients of non-leaves and gradOutputs', () => {
    const x = leaf([1, 2]);
    const h = x.mul(x);
    const [gh, gx] = grad(h.mul(3), [h, x], { gradOutputs: tensor([1, 2]) });
    expect(gh!.tolist()).toEqual([3, 6]);
    expect(gx!.tolist()).toEqual([6, 24]);
  });

  it('unused inputs: an error, or null with allowUnused', () => {
    const x = leaf([1]);
    const u = leaf([1]);
    expect(() => grad(x.mul(2).sum(), [x, u])).toThrow(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    );
    const [gx, gu] = grad(x.mul(2).sum(), [x, u], { allowUnused: true });
    expect(gx!.tolist()).toEqual([2]);
    expect(gu).toBeNull();
  });

  it('retainGraph defaults to createGraph', () => {
    const x = leaf([1, 2]);
    const y = x.exp().sum();
    grad(y, x);
    expect(() => grad(y, x)).toThrow(/second time/);
    const z = x.exp().sum();
    grad(z, x, { createGraph: true });
    expect(() => grad(z, x)).not.toThrow();
  });

  it('only runs the part of the graph that leads to the inputs', () => {
    const x = leaf([1, 2]);
    const w = leaf([3, 4]);
    const y = x.sin().mul(w).sum();
    noGrad(() => x.add_(1)); // sin saved x: only a gradient through sin notices
    expect(() => grad(y, w, { retainGraph: true })).not.toThrow();
    expect(() => grad(y, x)).toThrow(/modified by an inplace operation/);
  });
});

describe('higher-order gradients (createGraph)', () => {
  /** Hessian-vector product by autograd vs central differences of the gradient. */
  function hvp(f: (x: Tensor) => Tensor, x0: Tensor, v: Tensor): [Tensor, Tensor] {
    const x = x0.detach().requiresGrad_();
    const [g] = grad(f(x), x, { createGraph: true });
    const [hv] = grad(g!.mul(v).sum(), x);
    const eps = 1e-2;
    const gradAt = (t: Tensor): Tensor => {
      const xe = t.detach().requiresGrad_();
      return grad(f(xe), xe)[0]!;
    };
    const fd = gradAt(x0.add(v.mul(eps))).sub(gradAt(x0.sub(v.mul(eps)))).div(2 * eps);
    return [hv!, fd];
  }
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ['elementwise', (x) => x.tanh().mul(x.exp()).add(x.sigmoid().pow(3)).sum(), [4]],
    ['reductions', (x) => x.softmax(1).mul(x).sum().add(x.logSoftmax(0).pow(2).mean()).add(x.prod(1).sum()), [2, 3]],
    ['matmul', (x) => x.mm(x.t()).tanh().mm(x).pow(2).sum(), [2, 3]],
    ['broadcast', (x) => x.mul(x.sum(0, true)).div(x.square().add(1)).sum(), [3, 2]],
  ];
  it.each(cases)('%s: Hessian-vector product matches finite differences', (_, f, shape) => {
    const [hv, fd] = hvp(f, randn(shape).mul(0.5), randn(shape));
    expectClose(hv, fd, { atol: 5e-3, rtol: 2e-2 });
  });

  it('x³: second and third derivatives', () => {
    const x = leaf([2]);
    const [d1] = grad(x.pow(3).sum(), x, { createGraph: true });
    const [d2] = grad(d1!.sum(), x, { createGraph: true });
    const [d3] = grad(d2!.sum(), x);
    expect([d1!.item(), d2!.item(), d3!.item()]).toEqual([12, 12, 6]);
  });

  it('backward with createGraph puts a differentiable gradient in .grad', () => {
    const x = leaf([1, 2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 12]);
  });
});

