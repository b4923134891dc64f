/** For tests: the PyTorch reference cases and an allclose that names the worst element. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@flint/tensor';
import { expect } from 'vitest';

/**
 * The reference cases: the project's own (`tests/oracle` and each `tests/oracle/<area>/`, made by
 * the generators in scripts/fixtures) always, and the shared oracle (`../shared/oracle` beside the
 * repository) when it is there.
 */
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
}

/** The cases of these kinds from every oracle folder, named `<folder>/<case>`. */
export function oracleCases(...kinds: string[]): OracleCase[] {
  return ORACLES.flatMap(({ label, dir }) => {
    const { cases } = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: OracleCase[] };
    return cases.filter((c) => kinds.includes(c.kind)).map((c) => ({ ...c, name: `${label}/${c.name}`, dir }));
  });
}

export function loadCase(c: OracleCase): Record<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(c.file, c.dir))), c.file);
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
