/**
 * The public API contract (/work/shared/spec/API.md, "Autograd"): every name it lists for
 * @flint/autograd, imported from the package as an outside user would, used once in the contract's
 * calling style. A failure here is a breaking change.
 */
import { describe, expect, it } from 'vitest';
import { backward, grad, noGrad, enableGrad, isGradEnabled, Function, gradcheck, type FunctionCtx } from '@flint/autograd';
import { Tensor, ones, randn, tensor } from '@flint/tensor';

const list = (t: Tensor | null | undefined): unknown => t!.tolist();

describe('contract: autograd', () => {
  it('y.backward() accumulates into .grad of leaves with requiresGrad', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum();
    expect(y.gradFn).not.toBeNull();
    expect(y.isLeaf).toBe(false);
    y.backward();
    expect(list(x.grad)).toEqual([2, 4, 6]);
    x.mul(x).sum().backward();
    expect(list(x.grad)).toEqual([4, 8, 12]);
  });
  it('y.backward(gradient, { retainGraph }) and a second backward through a freed graph is a clear error', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3).exp().log();
    y.backward(tensor([1, 1]), { retainGraph: true });
    expect(list(x.grad)).toEqual([3, 3]);
    y.backward(tensor([1, 0]));
    expect(list(x.grad)).toEqual([6, 3]);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/second time|freed/);
  });
  it('backward(tensors, gradTensors) as a function', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    backward(x.mul(2), tensor([1, 1]));
    expect(list(x.grad)).toEqual([2, 2]);
  });
  it('grad(outputs, inputs, { gradOutputs, retainGraph, createGraph }) leaves .grad alone; createGraph gives higher order', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.pow(3);
    const [dy] = grad(y, [x], { gradOutputs: [ones([1])], retainGraph: true, createGraph: true });
    expect(list(dy)).toEqual([12]);
    expect(x.grad).toBeNull();
    const [d2y] = grad(dy!, x);
    expect(list(d2y)).toEqual([12]);
    expect(x.grad).toBeNull();
  });
  it('noGrad(fn), enableGrad(fn), isGradEnabled()', () => {
    const x = randn([2], { requiresGrad: true });
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => {
        expect(isGradEnabled()).toBe(true);
        return x.mul(2);
      });
      expect(inner.requiresGrad).toBe(true);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(noGrad(() => 42)).toBe(42);
    expect(isGradEnabled()).toBe(true);
  });
  it('t.detach(), t.requiresGrad_(flag), t.retainGrad()', () => {
    const x = tensor([1, 2]).requiresGrad_();
    expect(x.requiresGrad).toBe(true);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    const h = x.mul(2);
    h.retainGrad();
    h.sum().backward();
    expect(list(h.grad)).toEqual([1, 1]);
    expect(tensor([1]).requiresGrad_(true).requiresGrad_(false).requiresGrad).toBe(false);
  });
  it('t.registerHook(fn) returns a handle with remove()', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: unknown[] = [];
    const handle = x.registerHook((g) => {
      seen.push(g.tolist());
      return g.mul(10);
    });
    x.mul(1).sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(list(x.grad)).toEqual([10, 10]);
    handle.remove();
    x.grad = null;
    x.mul(1).sum().backward();
    expect(list(x.grad)).toEqual([1, 1]);
    expect(seen.length).toBe(1);
  });
  it('class MyOp extends Function with static forward/backward, ctx.saveForBackward, MyOp.apply', () => {
    class MyExp extends Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        const y = x.exp();
        ctx.saveForBackward(y);
        return y;
      }
      static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
        const [y] = ctx.savedTensors;
        return g.mul(y!);
      }
    }
    const x = tensor([0, 1], { requiresGrad: true });
    const y = MyExp.apply(x);
    expect(y.gradFn?.name).toBe('MyExpBackward');
    y.sum().backward();
    const g = x.grad!.dataSync();
    expect(g[0]).toBeCloseTo(1, 5);
    expect(g[1]).toBeCloseTo(Math.E, 4);
    expect(gradcheck((t: Tensor) => MyExp.apply(t), [tensor([0.1, 0.2], { requiresGrad: true })])).toBe(true);
  });
  it('gradcheck(fn, inputs, { eps, atol, rtol }) → true, or throws naming the input and element', () => {
    const a = randn([3], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    expect(gradcheck((p: Tensor, q: Tensor) => p.mul(q).tanh(), [a, b], { eps: 1e-2, atol: 1e-2, rtol: 1e-2 })).toBe(true);
    class Wrong extends Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(3);
      }
    }
    expect(() => gradcheck((t: Tensor) => Wrong.apply(t), [tensor([1, 2], { requiresGrad: true })])).toThrow(/input 0.*element|element.*input 0/s);
  });
});
