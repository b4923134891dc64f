/** For tests: the PyTorch reference cases (tests/oracle-cases.ts) and an allclose that names the worst element. */
import type { Tensor } from '@flint/tensor';
import { expect } from 'vitest';

export { ORACLES, oracleCases, loadCase, type OracleCase } from '../../../../tests/oracle-cases.js';

/** `|a - b| <= atol + rtol·|b|` elementwise (NaN matches NaN, equal infinities match), shapes equal. */
export function expectClose(actual: Tensor | null | undefined, expected: Tensor, tol: { atol: number; rtol: number }, what: string): void {
  expect(actual, `${what}: missing`).toBeTruthy();
  const a = actual!;
  expect([...a.shape], `${what}: shape`).toEqual([...expected.shape]);
  const av = a.dataSync();
  const bv = expected.dataSync();
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
  expect(worst, worst >= 0 ? `${what}: element ${worst} is ${av[worst]}, expected ${bv[worst]}` : what).toBe(-1);
}
