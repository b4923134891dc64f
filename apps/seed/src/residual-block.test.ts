import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, type Tensor } from '@flint/tensor';
import { RestNetBasicBlock } from './residual-block.js';

const ORACLE = new URL('../../../../shared/oracle/', import.meta.url);
const CASE = (JSON.parse(readFileSync(new URL('cases.json', ORACLE), 'utf8')) as { cases: { kind: string; file: string; atol: number; rtol: number }[] }).cases.find(
  (c) => c.kind === 'seed_basic_block',
)!;

function expectClose(got: Tensor, want: Tensor, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(g[i]! - w[i]!) <= CASE.atol + CASE.rtol * Math.abs(w[i]!))) expect.fail(`${label}[${i}]: ${g[i]} vs PyTorch ${w[i]}`);
  }
}

describe("the seed's residual block, built by hand from Conv2d, BatchNorm2d and F.relu", () => {
  it('gives PyTorch output, gradients, running stats and eval output', () => {
    const data = loadSafetensors(new Uint8Array(readFileSync(new URL(CASE.file, ORACLE))));
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
