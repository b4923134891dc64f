/** For tests: the shared PyTorch oracle and an allclose that names the worst element. */
import { readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@flint/tensor';
import { expect } from 'vitest';

/** The shared oracle (`/work/shared/oracle`), resolved from this file. */
export const ORACLE = new URL('../../../../../shared/oracle/', import.meta.url);

export interface OracleCase {
  name: string;
  kind: string;
  file: string;
  config: Record<string, unknown>;
  atol: number;
  rtol: number;
}

export function oracleCases(...kinds: string[]): OracleCase[] {
  const { cases } = JSON.parse(readFileSync(new URL('cases.json', ORACLE), 'utf8')) as { cases: OracleCase[] };
  return cases.filter((c) => kinds.includes(c.kind));
}

export function loadCase(c: OracleCase): Record<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(c.file, ORACLE))), c.file);
}

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
