/**
 * PyTorch oracle cases on `'webgpu'` (Dawn + SwiftShader in Node): the project's and the shared
 * oracle's cases of a representative set of kinds (layers with their gradients, losses,
 * optimizers, tensor ops, sequence models), each compared with the case's tolerances after
 * asynchronous reads. The kinds left out are listed in the README.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import '@flint/autograd';
import * as T from '@flint/tensor';
import type { Tensor } from '@flint/tensor';
import * as nn from '@flint/nn';
import { F } from '@flint/nn';
import * as vision from '@flint/vision';
import { loadCase, oracleCases, type OracleCase } from '../../../tests/oracle-cases.js';
import { describeGpu, expectClose, useWebGPU } from './test-utils/gpu.js';
import { buildModel, buildOptimizer } from '../../../tests/oracle-optim-calls.js';
import { callSequenceCase, flatten, positional, SEQUENCE_BUILDERS, type Cfg } from '../../../tests/oracle-sequence-calls.js';


class SeedLinear extends nn.Module {
  w: nn.Parameter;
  b: nn.Parameter;
  constructor(i: number, o: number) {
    super();
    this.w = new nn.Parameter(T.randn([i, o]));
    this.b = new nn.Parameter(T.randn([o]));
  }
  override forward(x: Tensor): Tensor {
    return x.mm(this.w).add(this.b);
  }
}
class Perceptron extends nn.Module {
  layer1: SeedLinear;
  layer2: SeedLinear;
  constructor(i: number, h: number, o: number) {
    super();
    this.layer1 = new SeedLinear(i, h);
    this.layer2 = new SeedLinear(h, o);
  }
  override forward(x: Tensor): Tensor {
    return this.layer2(this.layer1(x).sigmoid());
  }
}

/** Module kinds: built from the case's config, called on the case's inputs. */
const MODULES: Record<string, (c: Cfg) => nn.Module> = {
  seed_linear: (c) => new SeedLinear(c.in_features, c.out_features),
  seed_perceptron: (c) => new Perceptron(c.in_features, c.hidden_features, c.out_features),
  linear: (c) => new nn.Linear(c.in_features, c.out_features, { bias: c.bias }),
  conv2d: (c) => new vision.Conv2d(c.in_channels, c.out_channels, c.kernel_size, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias }),
  batchnorm1d: (c) => new vision.BatchNorm1d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  batchnorm2d: (c) => new vision.BatchNorm2d(c.num_features, { eps: c.eps, momentum: c.momentum }),
  maxpool2d: (c) => new vision.MaxPool2d(c.kernel_size, { stride: c.stride, padding: c.padding }),
  avgpool2d: (c) => new vision.AvgPool2d(c.kernel_size, { stride: c.stride }),
  adaptive_avgpool2d: (c) => new vision.AdaptiveAvgPool2d(c.output_size),
  tv_basic_block: (c) => new vision.ResidualBlock(c.inplanes, c.planes, { stride: c.stride }),
  group_norm: (c) => new nn.GroupNorm(c.num_groups, c.num_channels, { eps: c.eps, affine: c.affine }),
  embedding: (c) => new nn.Embedding(c.num_embeddings, c.embedding_dim, c.padding_idx === null ? {} : { paddingIdx: c.padding_idx }),
  ...SEQUENCE_BUILDERS,
};

/** Loads `param.*`, runs in train mode, compares outputs, then every gradient of Σ output·grad_output, running stats, eval output. */
async function checkModuleCase(c: OracleCase): Promise<void> {
  const data = loadCase(c);
  for (const t of Object.values(data)) t.keep();
  const model = c.kind === 'sdpa' ? null : MODULES[c.kind]!(c.config as Cfg);
  if (model) {
    const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
    const { missingKeys, unexpectedKeys } = model.loadStateDict(params);
    expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
    model.train();
  }
  const args = positional(data);
  const leaves = [...flatten(args)].filter(([, t]) => t && t.dtype === 'float32') as [string, Tensor][];
  for (const [, t] of leaves) t.requiresGrad_();
  const outputs = flatten(callSequenceCase(c, model, args, data));
  const name = (prefix: string, suffix: string) => (outputs.size === 1 && suffix === '' ? prefix : `${prefix}${suffix}`);
  let total: Tensor | null = null;
  for (const [suffix, out] of outputs) {
    const expected = data[name('output', suffix)];
    if (!expected) {
      expect(out, `output${suffix} should be null`).toBeNull();
      continue;
    }
    await expectClose(out, expected, c, `output${suffix}`);
    const g = data[name('grad_output', suffix)];
    if (out) {
      const term = g ? out.mul(g).sum() : out.sum();
      total = total ? total.add(term) : term;
    }
  }
  total!.backward();
  const single = leaves.length === 1 && data['input'];
  for (const [suffix, t] of leaves) {
    const g = data[single ? 'grad.input' : `grad.input${suffix}`];
    if (g) await expectClose(t.grad, g, c, `grad.input${suffix}`);
  }
  if (!model) return;
  const params = Object.fromEntries(model.namedParameters());
  const grads = Object.entries(data).filter(([k]) => k.startsWith('grad.param.'));
  expect(grads.map(([k]) => k.slice(11)).sort()).toEqual(Object.keys(params).sort());
  for (const [k, g] of grads) await expectClose(params[k.slice(11)]!.grad, g, c, k);
  const state = model.stateDict();
  for (const key of Object.keys(data).filter((k) => k.startsWith('state_after.'))) await expectClose(state[key.slice(12)], data[key]!, c, key);
  if (data['eval_output']) {
    model.eval();
    await expectClose((model(data['input']!.detach()) as Tensor).detach(), data['eval_output'], c, 'eval_output');
  }
}

const LOSSES: Record<string, (x: Tensor, t: Tensor) => Tensor> = {
  cross_entropy: (x, t) => F.crossEntropy(x, t),
  nll_log_softmax: (x, t) => F.nllLoss(F.logSoftmax(x, 1), t),
  mse: (x, t) => F.mseLoss(x, t),
  bce_with_logits: (x, t) => F.binaryCrossEntropyWithLogits(x, t),
};

const ord = (v: unknown): any => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** The tensor ops run here, called as packages/autograd's tensor_op runner calls them. */
const OPS: Record<string, (c: Cfg, xs: Tensor[]) => Tensor | readonly Tensor[]> = {
  sort: (c, [x]) => T.sort(x!, { dim: c.dim, descending: c.descending }),
  topk: (c, [x]) => T.topk(x!, c.k, { dim: c.dim, largest: c.largest, sorted: c.sorted }),
  cumsum: (c, [x]) => T.cumsum(x!, c.dim),
  cumprod: (c, [x]) => T.cumprod(x!, c.dim),
  tril: (c, [x]) => T.tril(x!, c.diagonal),
  triu: (c, [x]) => T.triu(x!, c.diagonal),
  einsum: (c, xs) => T.einsum(c.equation, ...xs),
  norm: (c, [x]) => (c.dim === null ? T.norm(x!, ord(c.p)) : T.norm(x!, ord(c.p), c.dim, c.keepdim)),
  scatter: (c, [x, index, src]) => T.scatter(x!, c.dim, index!, src ?? c.value),
  scatter_add: (c, [x, index, src]) => T.scatterAdd(x!, c.dim, index!, src!),
  repeat: (c, [x]) => T.repeat(x!, c.sizes),
  tile: (c, [x]) => T.tile(x!, c.dims),
  roll: (c, [x]) => (c.dims === null ? T.roll(x!, c.shifts) : T.roll(x!, c.shifts, c.dims)),
  flip: (c, [x]) => T.flip(x!, c.dims),
  logsumexp: (c, [x]) => T.logsumexp(x!, c.dim, c.keepdim),
  outer: (_, [a, b]) => T.outer(a!, b!),
};

function inputsOf(tensors: Record<string, Tensor>, prefix: string): { key: string; t: Tensor }[] {
  if (tensors[prefix]) return [{ key: '', t: tensors[prefix]! }];
  const out: { key: string; t: Tensor }[] = [];
  for (let i = 0; tensors[`${prefix}.${i}`]; i++) out.push({ key: `.${i}`, t: tensors[`${prefix}.${i}`]! });
  return out;
}

describeGpu('PyTorch oracle cases on webgpu', () => {
  beforeAll(useWebGPU);
  afterAll(() => T.setBackend('wasm'));

  const moduleKinds = Object.keys(MODULES).concat('sdpa');
  const cases = oracleCases(...moduleKinds);
  it('finds the cases', () => expect(cases.length).toBeGreaterThan(30));
  for (const c of cases) it(`${c.kind}: ${c.name}`, () => checkModuleCase(c));

  for (const c of oracleCases('loss')) {
    it(`loss: ${c.name}`, async () => {
      const data = loadCase(c);
      const input = data['input']!.requiresGrad_();
      const loss = LOSSES[c.config['loss'] as string]!(input, data['target']!);
      await expectClose(loss, data['loss']!, c, 'loss');
      loss.backward();
      await expectClose(input.grad, data['grad.input']!, c, 'grad.input');
    });
  }

  for (const c of oracleCases('optim', 'train')) {
    it(`${c.kind}: ${c.name} (${c.config['optimizer']}, ${c.config['steps']} steps)`, async () => {
      const file = loadCase(c);
      for (const t of Object.values(file)) t.keep();
      const model = buildModel(c.config['model']);
      model.loadStateDict(Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v])));
      const o = buildOptimizer([...model.parameters()], c.config);
      const lossFn = c.config['loss'] === 'cross_entropy' ? F.crossEntropy : F.mseLoss;
      const losses: number[] = [];
      for (let k = 1; k <= c.config['steps']; k++) {
        o.zeroGrad();
        const loss = lossFn(model(file['input']!) as Tensor, file['target']!);
        loss.backward();
        o.step();
        losses.push(await loss.itemAsync());
        const sd = model.stateDict();
        for (const [n, t] of Object.entries(sd)) {
          const e = file[`step.${k}.${n}`];
          if (e) await expectClose(t, e, c, `step ${k} ${n}`);
        }
      }
      await expectClose(T.tensor(losses), file['losses']!, c, 'losses');
      const sd = model.stateDict();
      for (const [key, e] of Object.entries(file)) if (key.startsWith('final.')) await expectClose(sd[key.slice(6)], e, c, key);
      o.dispose();
    });
  }

  const opCases = oracleCases('tensor_op').filter((c) => c.config['op'] in OPS);
  for (const c of opCases) {
    it(`tensor_op: ${c.name}`, async () => {
      const tensors = loadCase(c);
      for (const t of Object.values(tensors)) t.keep();
      const inputs = inputsOf(tensors, 'input').map(({ key, t }) => ({ key, t: t.dtype === 'float32' ? t.detach().requiresGrad_() : t }));
      const result = OPS[c.config['op'] as string]!(c.config, inputs.map((i) => i.t));
      const outs = Array.isArray(result) ? [...(result as readonly Tensor[])].map((t, i) => ({ key: `.${i}`, t })) : [{ key: '', t: result as Tensor }];
      let total: Tensor | null = null;
      for (const { key, t } of outs) {
        const e = tensors[`output${key}`];
        if (e) await expectClose(t, e, c, `output${key}`);
        const g = tensors[`grad_output${key}`];
        if (g) total = total === null ? t.mul(g).sum() : total.add(t.mul(g).sum());
      }
      if (total === null) return;
      total.backward();
      for (const { key, t } of inputs) {
        const e = tensors[`grad.input${key}`];
        if (e) await expectClose(t.grad ?? T.zerosLike(t), e, c, `grad.input${key}`);
      }
    });
  }
});
