/** For tests: second-order gradcheck and closeness checks. */
import { expect } from 'vitest';
import type { Tensor } from '@flint/tensor';
import { enableGrad, grad, gradcheck, type GradcheckOptions } from '../index.js';

type Fn = (...xs: Tensor[]) => Tensor;

/**
 * `gradgradcheck`: gradchecks the first derivative. For a random weighting `w` of f's output, the
 * function x ↦ ∂(Σ w·f(x))/∂x is computed with `createGraph` (so its own backward is the
 * double backward under test) and compared with finite differences of it.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], weight: Tensor, options: GradcheckOptions = {}): true {
  const first = (...xs: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const leaves = xs.map((x, i) => (x.requiresGrad || !inputs[i]!.requiresGrad ? x : x.detach().requiresGrad_()));
      const diff = leaves.filter((x, i) => inputs[i]!.requiresGrad && x.requiresGrad);
      const out = fn(...leaves).mul(weight).sum();
      return grad(out, diff, { createGraph: true, allowUnused: true }).map((g, i) => g ?? diff[i]!.mul(0));
    });
  return gradcheck(first, inputs, options);
}

export function expectClose(actual: Tensor | null, expected: Tensor, { atol = 1e-4, rtol = 1e-4 } = {}): void {
  expect(actual, 'gradient is null').not.toBeNull();
  expect([...actual!.shape]).toEqual([...expected.shape]);
  const a = actual!.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!))) {
      throw new Error(`element ${i}: got ${a[i]} expected ${e[i]} (actual ${actual!.toString()}, expected ${expected.toString()})`);
    }
  }
}
