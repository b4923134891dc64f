/**
 * For tests of every package: comparing a result with an oracle case's tensors on any backend.
 * Values are read asynchronously (`await t.data()`), so one check runs on WASM and on webgpu,
 * where a synchronous read of values on the GPU throws.
 */
import type { Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { expect } from 'vitest';

export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * `|a - b| <= atol + rtol·|b|` elementwise (NaN matches NaN, equal infinities match), shapes equal
 * (an `expected` of shape `[1]` matches a 0-d `actual`: the shared oracle stores its scalar losses
 * so); a failure names the worst element.
 */
export async function expectClose(actual: Tensor | null | undefined, expected: Tensor, tol: Tolerance, what: string): Promise<void> {
  expect(actual, `${what}: missing`).toBeTruthy();
  const a = actual!;
  if (!(a.shape.length === 0 && expected.shape.length === 1 && expected.shape[0] === 1)) expect([...a.shape], `${what}: shape`).toEqual([...expected.shape]);
  const av = await a.data();
  const bv = await expected.data();
  expect(av.length, `${what}: element count`).toBe(bv.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < bv.length; i++) {
    const x = Number(av[i]);
    const y = Number(bv[i]);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const err = Math.abs(x - y) - (tol.atol + tol.rtol * Math.abs(y));
    if (!(err <= 0) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${av[worst]}, PyTorch gives ${bv[worst]} (atol ${tol.atol}, rtol ${tol.rtol})`);
}

/** The tensors whose names start with `prefix`, without it (`param.` → the state dict). */
export function withPrefix(data: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** Loads the case's `param.*` into `model` strictly (a missing or unexpected key throws, naming it). */
export function loadParams(model: Module, data: Record<string, Tensor>): void {
  model.loadStateDict(withPrefix(data, 'param.'));
}

/** Compares every `grad.param.<name>` with the gradient of `model`'s parameter of that name; the two name sets are equal. */
export async function expectParamGrads(model: Module, data: Record<string, Tensor>, tol: Tolerance, what: string): Promise<void> {
  const params = Object.fromEntries(model.namedParameters());
  const grads = withPrefix(data, 'grad.param.');
  expect(Object.keys(grads).sort(), `${what}: parameters with a gradient`).toEqual(Object.keys(params).sort());
  for (const [name, g] of Object.entries(grads)) await expectClose(params[name]!.grad, g, tol, `${what} grad.param.${name}`);
}
