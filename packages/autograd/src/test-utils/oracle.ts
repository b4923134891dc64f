/**
 * For tests: the PyTorch reference cases, found as packages/nn/src/test-utils/compare.ts finds
 * them (`tests/oracle`, each `tests/oracle/<area>/`, and the shared oracle beside the repository),
 * and an allclose that names the worst element.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@flint/tensor';
import { expect } from 'vitest';

const PROJECT = new URL('../../../../tests/oracle/', import.meta.url);
export const ORACLES = [
  { label: 'project', dir: PROJECT },
  ...readdirSync(PROJECT, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ label: `project/${e.name}`, dir: new URL(`${e.name}/`, PROJECT) })),
  { label: 'shared', dir: new URL('../../../../../shared/oracle/', import.meta.url) },
].filter((o) => existsSync(new URL('cases.json', o.dir)));

export interface OracleCase {
  name: string;
  kind: string;
  file: string;
  config: Record<string, unknown>;
  atol: number;
  rtol: number;
  /** The folder it comes from. */
  dir: URL;
  /** Its folder's label (`project/tensor-ops`, `shared`). */
  label: string;
}

/** The cases of these kinds from every oracle folder, named `<folder>/<case>`. */
export function oracleCases(...kinds: string[]): OracleCase[] {
  return ORACLES.flatMap(({ label, dir }) => {
    const { cases } = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: OracleCase[] };
    return cases.filter((c) => kinds.includes(c.kind)).map((c) => ({ ...c, name: `${label}/${c.name}`, dir, label }));
  });
}

export function loadCase(c: OracleCase): Record<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(c.file, c.dir))), c.file);
}

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
