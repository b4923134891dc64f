/**
 * For tests of every package: how the oracle's cases of the smaller layers and functions are
 * called and checked — activations (module and `F` form), the option-taking losses, `F.pad` in
 * every mode, `F.normalize`, `F.cosineSimilarity`, `utils.rnn.padSequence`, `F.oneHot`,
 * `GroupNorm` and `Embedding` (scripts/fixtures/oracle_nn_misc.py → tests/oracle/nn-misc/, and the
 * shared oracle's). Used by @flint/nn's oracle-layers runner (WASM) and @flint/webgpu's.
 */
import * as nn from '@flint/nn';
import { F, type Module, utils } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { expect } from 'vitest';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose, expectParamGrads, loadParams } from './oracle-compare.js';

type Config = Record<string, unknown>;
type Fn = (...args: never[]) => Tensor;

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** PyTorch's keyword arguments as Flint's options object. */
function options(args: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((args ?? {}) as Config).map(([k, v]) => [camel(k), v]));
}

/** Loads `param.*` strictly, runs `forward`, compares `output` and every `grad.*` after `output.backward(grad_output)`. */
async function checkModule(c: OracleCase, model: Module, forward: (m: Module, x: Tensor) => Tensor = (m, x) => m(x) as Tensor): Promise<void> {
  const data = loadCase(c);
  loadParams(model, data);
  if (typeof c.config['repr'] === 'string') expect(String(model)).toBe(c.config['repr']);
  model.train();
  const input = data['input']!;
  if (input.dtype === 'float32') input.requiresGrad_();
  const output = forward(model, input);
  await expectClose(output, data['output']!, c, `${c.name} output`);
  output.backward(data['grad_output']);
  if (data['grad.input']) await expectClose(input.grad, data['grad.input'], c, `${c.name} grad.input`);
  await expectParamGrads(model, data, c, c.name);
}

/** Runs `fn` on the case's float inputs (`input` or `input.N`) and compares `output` and `grad.input*`. */
async function checkFunction(c: OracleCase, fn: (...inputs: Tensor[]) => Tensor): Promise<void> {
  const data = loadCase(c);
  const names = data['input'] ? ['input'] : Object.keys(data).filter((k) => /^input\.\d+$/.test(k)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  const inputs = names.map((n) => (data[n]!.dtype === 'float32' ? data[n]!.requiresGrad_() : data[n]!));
  const output = fn(...inputs);
  await expectClose(output, data['output']!, c, `${c.name} output`);
  if (!data['grad_output']) return;
  output.backward(data['grad_output']);
  for (const [i, n] of names.entries()) {
    const g = data[`grad.${n}`];
    if (g) await expectClose(inputs[i]!.grad, g, c, `${c.name} grad.${n}`);
  }
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

/** The check of each kind here: how its cases are called, and what is compared. */
export const LAYER_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = {
  /** The module, then the functional form with the module's loaded parameters. */
  activation: async (c) => {
    const { module, args, fn } = c.config;
    const layer = moduleOf(module, args);
    await checkModule(c, layer);
    const f = FUNCTIONAL[fn as string] as unknown as (...a: unknown[]) => Tensor;
    expect(f, `F for ${String(fn)}`).toBeDefined();
    const o = options(args);
    delete o.numParameters;
    delete o.init;
    await checkFunction(c, (x) => (module === 'PReLU' ? f(x, (layer as nn.PReLU).weight) : Object.keys(o).length ? f(x, o) : f(x)));
  },
  /** The loss module (its repr too) and `F.<fn>(input, target, options)`. */
  loss_module: async (c) => {
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
      await expectClose(out, data['loss']!, c, `${c.name} (${how}) loss`);
      out.backward(data['grad_output']);
      await expectClose(input.grad, data['grad.input']!, c, `${c.name} (${how}) grad.input`);
    }
  },
  /** Positional `(pad, mode, value)` and the options form. */
  pad: async (c) => {
    const { pad, mode, value } = c.config as { pad: number[]; mode: F.PadMode; value: number | null };
    await checkFunction(c, (x) => F.pad(x, pad, mode, value));
    await checkFunction(c, (x) => F.pad(x, pad, { mode, value }));
  },
  normalize: async (c) => {
    const { p, dim, eps } = c.config as { p: number | 'inf'; dim: number; eps: number };
    await checkFunction(c, (x) => F.normalize(x, { p: p === 'inf' ? Infinity : p, dim, eps }));
  },
  cosine_similarity: async (c) => {
    const { dim, eps } = c.config as { dim: number; eps: number };
    await checkFunction(c, (a, b) => F.cosineSimilarity(a!, b!, dim, eps));
  },
  pad_sequence: async (c) => {
    const { batch_first: batchFirst, padding_value: paddingValue } = c.config as { batch_first: boolean; padding_value: number };
    await checkFunction(c, (...seqs) => utils.rnn.padSequence(seqs, { batchFirst, paddingValue }));
  },
  one_hot: async (c) => {
    const data = loadCase(c);
    // With numClasses inferred the output's shape depends on the values: on webgpu they must be on
    // the CPU, and `await t.data()` first is the documented usage (nothing changes on WASM).
    await data['input']!.data();
    const out = F.oneHot(data['input']!, c.config['num_classes'] as number);
    expect(out.dtype).toBe('int32');
    expect(await out.tolistAsync()).toEqual(await data['output']!.tolistAsync());
  },
  /** The module, then `F.groupNorm` with the same parameters. */
  group_norm: async (c) => {
    const { num_groups: g, num_channels: ch, eps, affine } = c.config as { num_groups: number; num_channels: number; eps: number; affine: boolean };
    await checkModule(c, new nn.GroupNorm(g, ch, { eps, affine }));
    const m = new nn.GroupNorm(g, ch, { eps, affine });
    await checkModule(c, m, (mm, x) => F.groupNorm(x, g, (mm as nn.GroupNorm).weight, (mm as nn.GroupNorm).bias, eps));
  },
  /** The module, then `F.embedding` with the same weight. */
  embedding: async (c) => {
    const { num_embeddings: n, embedding_dim: d, padding_idx: paddingIdx } = c.config as { num_embeddings: number; embedding_dim: number; padding_idx: number | null };
    await checkModule(c, new nn.Embedding(n, d, paddingIdx === null ? {} : { paddingIdx }));
    const m = new nn.Embedding(n, d, paddingIdx === null ? {} : { paddingIdx });
    await checkModule(c, m, (mm, x) => F.embedding(x, (mm as nn.Embedding).weight, paddingIdx));
  },
};
