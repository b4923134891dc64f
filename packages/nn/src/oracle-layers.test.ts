/**
 * PyTorch oracle cases for the smaller layers and functions: activations (module and `F` form),
 * the option-taking losses, `F.pad` in every mode, `F.normalize`, `F.cosineSimilarity`,
 * `utils.rnn.padSequence`, `F.oneHot`, `GroupNorm` and `Embedding`. Each kind runs the project's
 * cases (scripts/fixtures/oracle_nn_misc.py → tests/oracle/nn-misc/) and the shared oracle's.
 */
import type { Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from './index.js';
import { F, Module, utils } from './index.js';
import { expectClose, loadCase, oracleCases, type OracleCase } from './test-utils/compare.js';

type Config = Record<string, unknown>;
type Fn = (...args: never[]) => Tensor;

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** PyTorch's keyword arguments as Flint's options object. */
function options(args: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((args ?? {}) as Config).map(([k, v]) => [camel(k), v]));
}

function paramsOf(data: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** Loads `param.*` strictly, runs `forward`, compares `output` and every `grad.*` after `output.backward(grad_output)`. */
function checkModule(c: OracleCase, model: Module, forward: (m: Module, x: Tensor) => Tensor = (m, x) => m(x) as Tensor): void {
  const data = loadCase(c);
  const { missingKeys, unexpectedKeys } = model.loadStateDict(paramsOf(data, 'param.'));
  expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
  if (typeof c.config['repr'] === 'string') expect(String(model)).toBe(c.config['repr']);
  model.train();
  const input = data['input']!;
  if (input.dtype === 'float32') input.requiresGrad_();
  const output = forward(model, input);
  expectClose(output, data['output']!, c, `${c.name} output`);
  output.backward(data['grad_output']);
  if (data['grad.input']) expectClose(input.grad, data['grad.input'], c, `${c.name} grad.input`);
  const params = Object.fromEntries(model.namedParameters());
  const grads = paramsOf(data, 'grad.param.');
  expect(Object.keys(grads).sort()).toEqual(Object.keys(params).sort());
  for (const [name, g] of Object.entries(grads)) expectClose(params[name]!.grad, g, c, `${c.name} grad.param.${name}`);
}

/** Runs `fn` on the case's float inputs (`input` or `input.N`) and compares `output` and `grad.input*`. */
function checkFunction(c: OracleCase, fn: (...inputs: Tensor[]) => Tensor): void {
  const data = loadCase(c);
  const names = data['input'] ? ['input'] : Object.keys(data).filter((k) => /^input\.\d+$/.test(k)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  const inputs = names.map((n) => (data[n]!.dtype === 'float32' ? data[n]!.requiresGrad_() : data[n]!));
  const output = fn(...inputs);
  expectClose(output, data['output']!, c, `${c.name} output`);
  if (!data['grad_output']) return;
  output.backward(data['grad_output']);
  names.forEach((n, i) => {
    const g = data[`grad.${n}`];
    if (g) expectClose(inputs[i]!.grad, g, c, `${c.name} grad.${n}`);
  });
}

/** `F.<fn>` by PyTorch's functional name. */
const FUNCTIONAL: Record<string, Fn> = {
  silu: F.silu,
  mish: F.mish,
  elu: F.elu,
  selu: F.selu,
  celu: F.celu,
  softplus: F.softplus,
  relu6: F.relu6,
  hardtanh: F.hardtanh,
  hardswish: F.hardswish,
  hardsigmoid: F.hardsigmoid,
  softsign: F.softsign,
  logsigmoid: F.logsigmoid,
  tanhshrink: F.tanhshrink,
  prelu: F.prelu,
  leaky_relu: F.leakyRelu,
  gelu: F.gelu,
  huber_loss: F.huberLoss,
  smooth_l1_loss: F.smoothL1Loss,
  kl_div: F.klDiv,
};

/** A module of `@flint/nn` by class name, built from PyTorch's keyword arguments. */
function moduleOf(cls: unknown, args: unknown): Module {
  const ctor = (nn as unknown as Record<string, new (o?: Record<string, unknown>) => Module>)[cls as string];
  expect(ctor, `nn.${String(cls)}`).toBeDefined();
  const o = options(args);
  return Object.keys(o).length ? new ctor!(o) : new ctor!();
}

describe('oracle: activations (module and F)', () => {
  for (const c of oracleCases('activation')) {
    it(c.name, () => {
      const { module, args, fn } = c.config;
      const layer = moduleOf(module, args);
      checkModule(c, layer);
      // The functional form, with the module's loaded parameters.
      const f = FUNCTIONAL[fn as string] as unknown as (...a: unknown[]) => Tensor;
      expect(f, `F for ${String(fn)}`).toBeDefined();
      const o = options(args);
      delete o.numParameters;
      delete o.init;
      checkFunction(c, (x) => (module === 'PReLU' ? f(x, (layer as nn.PReLU).weight) : Object.keys(o).length ? f(x, o) : f(x)));
    });
  }
});

describe('oracle: losses with options (module and F)', () => {
  for (const c of oracleCases('loss_module')) {
    it(c.name, () => {
      const { module, args, fn, repr } = c.config;
      const loss = moduleOf(module, args);
      expect(String(loss)).toBe(repr);
      const f = FUNCTIONAL[fn as string] as unknown as (...a: unknown[]) => Tensor;
      for (const [how, call] of [
        ['module', (x: Tensor, t: Tensor) => loss(x, t) as Tensor],
        ['F', (x: Tensor, t: Tensor) => f(x, t, options(args))],
      ] as const) {
        const data = loadCase(c);
        const input = data['input']!.requiresGrad_();
        const out = call(input, data['target']!);
        expectClose(out, data['loss']!, c, `${c.name} (${how}) loss`);
        out.backward(data['grad_output']);
        expectClose(input.grad, data['grad.input']!, c, `${c.name} (${how}) grad.input`);
      }
    });
  }
});

describe('oracle: F.pad', () => {
  for (const c of oracleCases('pad')) {
    it(c.name, () => {
      const { pad, mode, value } = c.config as { pad: number[]; mode: F.PadMode; value: number | null };
      checkFunction(c, (x) => F.pad(x, pad, mode, value));
      checkFunction(c, (x) => F.pad(x, pad, { mode, value }));
    });
  }
});

describe('oracle: F.normalize, F.cosineSimilarity', () => {
  for (const c of oracleCases('normalize')) {
    it(c.name, () => {
      const { p, dim, eps } = c.config as { p: number | 'inf'; dim: number; eps: number };
      checkFunction(c, (x) => F.normalize(x, { p: p === 'inf' ? Infinity : p, dim, eps }));
    });
  }
  for (const c of oracleCases('cosine_similarity')) {
    it(c.name, () => {
      const { dim, eps } = c.config as { dim: number; eps: number };
      checkFunction(c, (a, b) => F.cosineSimilarity(a!, b!, dim, eps));
    });
  }
});

describe('oracle: utils.rnn.padSequence, F.oneHot', () => {
  for (const c of oracleCases('pad_sequence')) {
    it(c.name, () => {
      const { batch_first: batchFirst, padding_value: paddingValue } = c.config as { batch_first: boolean; padding_value: number };
      checkFunction(c, (...seqs) => utils.rnn.padSequence(seqs, { batchFirst, paddingValue }));
    });
  }
  for (const c of oracleCases('one_hot')) {
    it(c.name, () => {
      const data = loadCase(c);
      const out = F.oneHot(data['input']!, c.config['num_classes'] as number);
      expect(out.dtype).toBe('int32');
      expect(out.tolist()).toEqual(data['output']!.tolist());
    });
  }
});

describe('oracle: GroupNorm, Embedding', () => {
  for (const c of oracleCases('group_norm')) {
    it(c.name, () => {
      const { num_groups: g, num_channels: ch, eps, affine } = c.config as { num_groups: number; num_channels: number; eps: number; affine: boolean };
      checkModule(c, new nn.GroupNorm(g, ch, { eps, affine }));
      // F.groupNorm with the same parameters.
      const m = new nn.GroupNorm(g, ch, { eps, affine });
      checkModule(c, m, (mm, x) => F.groupNorm(x, g, (mm as nn.GroupNorm).weight, (mm as nn.GroupNorm).bias, eps));
    });
  }
  for (const c of oracleCases('embedding')) {
    it(c.name, () => {
      const { num_embeddings: n, embedding_dim: d, padding_idx: paddingIdx } = c.config as { num_embeddings: number; embedding_dim: number; padding_idx: number | null };
      checkModule(c, new nn.Embedding(n, d, paddingIdx === null ? {} : { paddingIdx }));
      const m = new nn.Embedding(n, d, paddingIdx === null ? {} : { paddingIdx });
      checkModule(c, m, (mm, x) => F.embedding(x, (mm as nn.Embedding).weight, paddingIdx));
    });
  }
});
