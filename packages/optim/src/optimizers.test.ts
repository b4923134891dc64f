/**
 * Each optimizer against PyTorch 1.13 (test-fixtures/optimizers.json, from
 * scripts/fixtures/optim_cases.py): one parameter of 6 values, stepped with the same 8 gradients.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@flint/tensor';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from './index.js';

interface Fixture {
  init: number[];
  grads: number[][];
  cases: { name: string; config: Record<string, unknown>; param: number[][] }[];
}
const fixture = JSON.parse(readFileSync(new URL('./test-fixtures/optimizers.json', import.meta.url), 'utf8')) as Fixture;

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const makers: Record<string, (p: Tensor[], o: any) => Optimizer<any>> = {
  SGD: (p, o) => new SGD(p, o),
  Adam: (p, o) => new Adam(p, o),
  AdamW: (p, o) => new AdamW(p, o),
  RMSprop: (p, o) => new RMSprop(p, o),
  Adagrad: (p, o) => new Adagrad(p, o),
};

function expectClose(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e))) {
      expect.fail(`${label}: element ${i} is ${a}, PyTorch gives ${e}`);
    }
  }
}

describe('optimizers match PyTorch 1.13 step for step', () => {
  for (const c of fixture.cases) {
    it(`${c.name} ${JSON.stringify(c.config)}`, () => {
      const options = Object.fromEntries(Object.entries(c.config).map(([k, v]) => [camel(k), v]));
      const p = tensor(fixture.init, { requiresGrad: true }).keep();
      const opt = makers[c.name]!([p], options);
      fixture.grads.forEach((g, step) => {
        p.grad = tensor(g);
        opt.step();
        expectClose(p.dataSync(), c.param[step]!, `${c.name} step ${step + 1}`);
      });
      opt.dispose();
      p.dispose();
    });
  }
});
