/**
 * Every PyTorch oracle case (tests/oracle-cases.ts) on `'webgpu'` (Dawn + SwiftShader in Node),
 * with the checks of the WASM runners (tests/oracle-checks.ts): the same call of each kind, the
 * same comparisons and tolerances, read asynchronously.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as T from '@flint/tensor';
import { ORACLES, oracleCases } from '../../../tests/oracle-cases.js';
import { CHECKED_ELSEWHERE, ORACLE_CHECKS } from '../../../tests/oracle-checks.js';
import { describeGpu, useWebGPU } from './test-utils/gpu.js';

/** Every kind in the oracle folders' cases.json. */
const ALL_KINDS = new Set(ORACLES.flatMap(({ dir }) => (JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: { kind: string }[] }).cases.map((c) => c.kind)));

describeGpu('PyTorch oracle cases on webgpu', () => {
  beforeAll(useWebGPU);
  afterAll(() => T.setBackend('wasm'));

  it('has a check for every kind of the oracle', () => {
    expect([...ALL_KINDS].filter((k) => !(k in ORACLE_CHECKS) && !(k in CHECKED_ELSEWHERE))).toEqual([]);
  });

  for (const c of oracleCases(...Object.keys(ORACLE_CHECKS))) it(`${c.kind}: ${c.name}`, () => ORACLE_CHECKS[c.kind]!(c));
});
