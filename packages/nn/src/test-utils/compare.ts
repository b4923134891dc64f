/** For tests: the PyTorch reference cases (tests/oracle-cases.ts) and an allclose that names the worst element. */
import type { Tensor } from '@flint/tensor';
import { expect } from 'vitest';

export { ORACLES, oracleCases, loadCase, type OracleCase } from '../../../../tests/oracle-cases.js';

/** `|a - b| <= atol + rtol·|b|` elementwise, shapes equal (a 1-element `expected` matches any 1-element `actual`). */
export function expectClose(actual: Tensor | null, expected: Tensor, tol: { atol: number; rtol: number }, what: string): void {
  expect(actual, `${what}: missing`).not.toBeNull();
  const a = actual!;
  if (!(a.numel() === 1 && expected.numel() === 1)) expect([...a.shape], `${what}: shape`).toEqual([...expected.shape]);
  const av = a.dataSync();
  const bv = expected.dataSync();
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < bv.length; i++) {
    const err = Math.abs(av[i]! - bv[i]!) - (tol.atol + tol.rtol * Math.abs(bv[i]!));
    if (!(err <= 0) && (worst < 0 || err > worstErr)) {
      worst = i;
      worstErr = err;
    }
  }
  expect(worst, worst >= 0 ? `${what}: element ${worst} is ${av[worst]}, expected ${bv[worst]}` : what).toBe(-1);
}
