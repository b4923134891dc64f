import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@flint/tensor';
import { Function, gradcheck, type FunctionCtx } from './index.js';

/** A deliberately wrong backward: d sin = cos, but this returns -cos for the second element. */
class WrongSin extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.sin();
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x!.cos()).mul(tensor([1, -1, 1]));
  }
}

describe('gradcheck', () => {
  it('passes correct gradients', () => {
    expect(gradcheck((a, b) => a.mul(b).sin(), [tensor([1, 2], { requiresGrad: true }), tensor([3, 0.5], { requiresGrad: true })])).toBe(true);
  });

  it('checks only inputs that require grad, and several outputs', () => {
    expect(gradcheck((a, b) => [a.mul(b), a.exp()], [tensor([1, 2], { requiresGrad: true }), tensor([3, 4])])).toBe(true);
    expect(() => gradcheck((a) => a.mul(2), [tensor([1])])).toThrow(/at least one input tensor to require gradient/);
  });

  it('names the input and element with both values on a mismatch', () => {
    const x = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
    const y = tensor([1], { requiresGrad: true });
    expect(() => gradcheck((b, a) => WrongSin.apply(a).mul(b), [y, x])).toThrow(
      /^gradcheck: Jacobian mismatch for output 0 with respect to input 1, element 1 \(output element 1\): analytical -0\.98\d* vs numerical 0\.98\d* \(atol 0\.001, rtol 0\.01\)$/,
    );
  });
});
