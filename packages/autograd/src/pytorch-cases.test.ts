/**
 * Gradients of composite expressions against PyTorch (micrograd's test: the same expression in
 * both, the same values and gradients). Fixtures: scripts/fixtures/autograd_cases.py, which holds
 * the PyTorch side of each expression below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@flint/tensor';
import { arange, loadSafetensors, tensor, zeros, type Tensor } from '@flint/tensor';
import { grad } from './index.js';
import { expectClose } from './test-utils/checks.js';

const fixtures = loadSafetensors(new Uint8Array(readFileSync(new URL('./test-fixtures/autograd-cases.safetensors', import.meta.url))));
type Inputs = Record<string, Tensor>;

const CASES: Record<string, (v: Inputs) => Tensor> = {
  mlp: ({ x, w1, b1, w2, target }) => {
    const h = x!.mm(w1!).add(b1!).tanh();
    const logits = h.mm(w2!);
    return logits.logSoftmax(1).gather(1, target!.view(-1, 1)).mean().neg();
  },
  broadcast: ({ a, b, c }) => {
    const y = a!.mul(b!).add(c!).sigmoid().div(a!.exp().add(1)).sub(c!.div(b!.abs().add(1)));
    return y.pow(2).sum().add(y.amax(1).sum());
  },
  reductions: ({ x }) =>
    x!
      .prod(2)
      .sum()
      .add(x!.mean([0, 2]).pow(3).sum())
      .add(x!.max(1).values.sum())
      .add(x!.min(2, true).values.mul(2).sum())
      .add(x!.var(1).sum())
      .add(x!.amin().mul(3))
      .add(x!.logsumexp(2).sum()),
  activations: ({ x }) =>
    T.gelu(x!)
      .sum()
      .add(T.gelu(x!, 'tanh').mul(2).sum())
      .add(T.elu(x!, 0.7).sum())
      .add(T.leakyRelu(x!, 0.2).pow(2).sum())
      .add(T.softplus(x!).sum())
      .add(x!.softmax(0).mul(arange(12).float().view(3, 4)).sum())
      .add(x!.clamp(-0.5, 0.5).sum())
      .add(x!.sin().mul(x!.cos()).sum()),
  unary: ({ x }) =>
    x!.log().add(x!.log1p()).add(T.expm1(x!)).add(x!.sqrt()).add(x!.rsqrt()).add(x!.reciprocal()).add(x!.square()).add(x!.abs()).sum(),
  shapes: ({ x, y }) => {
    const a = x!.permute(2, 0, 1).reshape(4, 6).t().mm(y!.repeat(1, 3)).flip(0);
    const b = x!.transpose(1, 2).matmul(x!).sum(0);
    const c = y!.unsqueeze(0).expand(3, 4, 2).sum();
    return a.pow(2).mean().add(b.tanh().sum()).add(c).add(x!.bmm(x!.transpose(1, 2)).sum());
  },
  indexing: ({ x, y, idx, gidx, mask }) => {
    const a = T.cat([x!, y!.mul(2)], 0).indexSelect(0, idx!).sum();
    const b = T.stack([x!.index(1), x!.index(2).mul(3)], 1).pow(2).sum();
    const c = x!.narrow(1, 1, 3).exp().sum().add(x!.gather(1, gidx!).mul(tensor([1, -2])).sum());
    const d = x!.maskedFill(mask!, 0).pow(2).sum().add(T.where(x!.gt(0), x!, y!.sum(0).mul(2)).sum());
    const e = zeros([4, 5]).scatterAdd(1, gidx!, y!.repeat(2, 1).index(':', ':2')).pow(2).sum();
    const f = zeros([5, 5]).indexAdd(0, tensor([1, 1, 4, 0], { dtype: 'int32' }), x!).tanh().sum();
    const g = T.stack(x!.split(2, 0), 0).mul(arange(2).float().view(2, 1, 1)).sum().add(x!.index(':', '1:4:2').sum());
    return a.add(b).add(c).add(d).add(e).add(f).add(g);
  },
  ties: ({ x, y }) =>
    x!
      .maximum(y!)
      .mul(arange(1, 6).float())
      .sum()
      .add(x!.minimum(y!).mul(2).sum())
      .add(x!.amax().mul(5))
      .add(x!.relu().sum())
      .add(x!.abs().sum())
      .add(x!.clamp(0, 2).sum()),
  pow: ({ x, y }) => x!.pow(y!).add(x!.pow(2.5)).add(tensor(2).pow(y!)).add(x!.sub(x!.detach()).pow(0)).sum(),
  tanh_gradgrad: ({ x, w }) => {
    const [g] = grad(x!.tanh().mul(w!).sum(), x!, { createGraph: true });
    return g!.pow(2).sum();
  },
  mlp_gradgrad: ({ x, w1, w2 }) => {
    const y = x!.mm(w1!).sigmoid().mm(w2!).sum();
    const [gx] = grad(y, x!, { createGraph: true });
    return gx!.pow(2).sum();
  },
  softmax_gradgrad: ({ x }) => {
    const f = x!.logSoftmax(1).mul(arange(8).float().view(2, 4)).sum().add(x!.softmax(0).pow(2).sum()).add(x!.prod(1).sum());
    const [g] = grad(f, x!, { createGraph: true });
    return g!.mul(x!).sum();
  },
};

function fixture(name: string): { inputs: Inputs; consts: Inputs; grads: Inputs; out: Tensor } {
  const pick = (kind: string): Inputs =>
    Object.fromEntries(
      Object.entries(fixtures)
        .filter(([k]) => k.startsWith(`${name}/${kind}/`))
        .map(([k, v]) => [k.slice(`${name}/${kind}/`.length), v]),
    );
  return { inputs: pick('in'), consts: pick('const'), grads: pick('grad'), out: fixtures[`${name}/out`]! };
}

describe('gradients match PyTorch', () => {
  it('has a fixture for every case', () => {
    const names = new Set(Object.keys(fixtures).map((k) => k.split('/')[0]));
    expect([...names].sort()).toEqual(Object.keys(CASES).sort());
  });
  it.each(Object.keys(CASES))('%s', (name) => {
    const { inputs, consts, grads, out } = fixture(name);
    const leaves = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.detach().requiresGrad_()]));
    const loss = CASES[name]!({ ...leaves, ...consts });
    expectClose(loss, out, { atol: 1e-4, rtol: 1e-4 });
    loss.backward();
    for (const [k, g] of Object.entries(grads)) expectClose(leaves[k]!.grad, g, { atol: 1e-4, rtol: 1e-3 });
  });
});
