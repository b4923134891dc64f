/**
 * The contract (API.md, "Packages"): using `backward()` with only @flint/tensor loaded is a clear
 * error naming @flint/autograd. This file imports nothing but @flint/tensor, and vitest runs each
 * test file in its own isolated module graph, so no engine is registered here.
 */
import { describe, expect, it } from 'vitest';
import { randn } from '@flint/tensor';

describe('contract: @flint/tensor alone', () => {
  it('backward() is a clear error naming @flint/autograd', () => {
    const x = randn([2, 3], { requiresGrad: true });
    const y = x.mul(2).sum();
    expect(() => y.backward()).toThrow('@flint/autograd');
  });
  it('ops still run (and record nothing) without the engine', () => {
    const x = randn([2], { requiresGrad: true });
    expect(x.add(1).gradFn).toBeNull();
    expect(() => x.backward(randn([2]))).toThrow("import '@flint/autograd'");
  });
});
