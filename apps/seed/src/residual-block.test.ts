import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, type Tensor } from '@flint/tensor';
import { RestNetBasicBlock } from './residual-block.js';

interface Case {
  kind: string;
  file: string;
  atol: number;
  rtol: number;
}
/** The project's reference cases (tests/oracle) always, and the shared oracle's when it is beside the repository. */
const CASES = [
  { label: 'project', dir: new URL('../../../tests/oracle/', import.meta.url) },
  { label: 'shared', dir: new URL('../../../../shared/oracle/', import.meta.url) },
]
  .filter((o) => existsSync(new URL('cases.json', o.dir)))
  .map(({ label, dir }) => {
    const c = (JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: Case[] }).cases.find((k) => k.kind === 'seed_basic_block')!;
    return [label, { ...c, url: new URL(c.file, dir) }] as const;
  });
let CASE: Case;

function expectClose(got: Tensor, want: Tensor, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(g[i]! - w[i]!) <= CASE.atol + CASE.rtol * Math.abs(w[i]!))) expect.fail(`${label}[${i}]: ${g[i]} vs PyTorch ${w[i]}`);
  }
}

describe("the seed's residual block, built by hand from Conv2d, BatchNorm2d and F.relu", () => {
  it.each(CASES)('gives PyTorch output, gradients, running stats and eval output (%s cases)', (_label, c) => {
    CASE = c;
    const data = loadSafetensors(new Uint8Array(readFileSync(c.url)));
    for (const t of Object.values(data)) t.keep();
    const block = new RestNetBasicBlock(8, 8, 1);
    const sd = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
    expect(block.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const input = data.input!.detach().requiresGrad_();
    const out = block(input);
    expectClose(out, data.output!, 'output');
    out.backward(data.grad_output!);
    expectClose(input.grad!, data['grad.input']!, 'grad.input');
    const params = Object.fromEntries(block.namedParameters());
    for (const [k, v] of Object.entries(data)) {
      if (k.startsWith('grad.param.')) expectClose(params[k.slice(11)]!.grad!, v, k);
    }
    const state = block.stateDict();
    for (const [k, v] of Object.entries(data)) {
      if (k.startsWith('state_after.')) expectClose(state[k.slice(12)]!.to('float32'), v.to('float32'), k);
    }
    block.eval();
    expectClose(block(data.input!), data.eval_output!, 'eval_output');
    expect(block.toString()).toContain('(conv1): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))');
  });
});
