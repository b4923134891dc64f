/** For tests: read PyTorch reference tensors and compare with PyTorch's tolerance rule. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadSafetensors, type Tensor } from '@flint/tensor';

export { ORACLES } from '../../../../tests/oracle-cases.js';
/** This package's own generated fixtures. */
export const FIXTURES = new URL('../test-fixtures/', import.meta.url);

export function loadTensors(url: URL): Record<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(url)));
}

export function readJson<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** `|a - b| <= atol + rtol * |b|` everywhere, with the worst element named on failure. */
export function expectClose(actual: Tensor, expected: Tensor, what: string, atol = 1e-4, rtol = 1e-4): void {
  expect([...actual.shape], `${what}: shape`).toEqual([...expected.shape]);
  const a = actual.float().dataSync();
  const b = expected.float().dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < b.length; i++) {
    const excess = Math.abs(a[i]! - b[i]!) - (atol + rtol * Math.abs(b[i]!));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${a[worst]} but PyTorch gives ${b[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}
