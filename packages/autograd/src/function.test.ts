import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@flint/tensor';
import { Function, gradcheck, noGrad, type FunctionCtx } from './index.js';

class Exp extends Function {
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

/** x·k with a non-tensor argument, and two outputs. */
class ScaleAndShift extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, k: number, b: Tensor): Tensor[] {
    ctx.k = k;
    return [x.mul(k), x.add(b)];
  }
  static override backward(ctx: FunctionCtx, g1: Tensor, g2: Tensor): (Tensor | null)[] {
    return [g1.mul(ctx.k as number).add(g2), null, ctx.needsInputGrad[2] ? g2 : null];
  }
}

describe('custom Function', () => {
  it('records a node that calls backward', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = Exp.apply(x);
    expect(y.gradFn!.name).toBe('ExpBackward');
    expect(y.gradFn!.nextFunctions[0]!.name).toBe('AccumulateGrad');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, Math.fround(Math.E)]);
    expect(gradcheck((t) => Exp.apply(t), [tensor([0.3, -1], { requiresGrad: true })])).toBe(true);
  });

  it('forward runs without recording; no node when nothing requires grad', () => {
    let inner: Tensor | null = null;
    class Spy extends Function {
      static override forward(_: FunctionCtx, x: Tensor): Tensor {
        inner = x.mul(2);
        return inner.add(1);
      }
      static override backward(_: FunctionCtx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    const y = Spy.apply(tensor([1], { requiresGrad: true }));
    expect(inner!.requiresGrad).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(Spy.apply(tensor([1])).requiresGrad).toBe(false);
  });

  it('handles non-tensor arguments, several outputs, needsInputGrad and missing output grads', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const b = tensor([5, 5]);
    const [p, q] = ScaleAndShift.apply(x, 3, b);
    expect(q!.requiresGrad).toBe(true);
    p!.sum().backward(); // q receives no gradient: zeros are passed for it
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });

  it('frees saved tensors after backward and checks in-place changes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = Exp.apply(x);
    y.sum().backward();
    expect(() => y.sum().backward()).toThrow(/Trying to backward through the graph a second time/);
    const z = Exp.apply(x);
    const s = z.mul(2).sum();
    noGrad(() => z.mul_(2)); // the saved output, modified in place
    expect(() => s.backward()).toThrow(/modified by an inplace operation: \[torch.FloatTensor \[2\]\], which is output 0 of ExpBackward/);
  });

  it('checks the number of gradients backward returns', () => {
    class Bad extends Function {
      static override forward(_: FunctionCtx, x: Tensor, y: Tensor): Tensor {
        return x.mul(y);
      }
      static override backward(_: FunctionCtx, g: Tensor): Tensor {
        return g;
      }
    }
    const y = Bad.apply(tensor([1], { requiresGrad: true }), tensor([2]));
    expect(() => y.sum().backward()).toThrow('function BadBackward returned an incorrect number of gradients (expected 2, got 1)');
  });
});
