/**
 * For tests of every package: how the oracle's first module and loss cases are built, called and
 * checked — the seed's custom `Linear` and `Perceptron` (apps/seed's own classes), `nn.Linear`,
 * and the mean-reduced losses (`loss`). Used by @flint/nn's oracle runner (WASM) and
 * @flint/webgpu's.
 */
import { F, Linear, type Module } from '@flint/nn';
import type { Tensor } from '@flint/tensor';
import { Linear as SeedLinear, Perceptron } from '../apps/seed/src/perceptron.js';
import { expect } from 'vitest';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose, expectParamGrads, loadParams } from './oracle-compare.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cfg = Record<string, any>;

/** The module of each kind, from the case's config. */
export const NN_MODULE_BUILDERS: Record<string, (c: Cfg) => Module> = {
  seed_linear: (c) => new SeedLinear(c.in_features, c.out_features),
  seed_perceptron: (c) => new Perceptron(c.in_features, c.hidden_features, c.out_features),
  linear: (c) => new Linear(c.in_features, c.out_features, { bias: c.bias }),
};

/** The `loss` cases' functions, by config `loss`. */
export const LOSSES: Record<string, (input: Tensor, target: Tensor) => Tensor> = {
  cross_entropy: (x, t) => F.crossEntropy(x, t),
  nll_log_softmax: (x, t) => F.nllLoss(F.logSoftmax(x, 1), t),
  mse: (x, t) => F.mseLoss(x, t),
  bce_with_logits: (x, t) => F.binaryCrossEntropyWithLogits(x, t),
};

/** Loads `param.*`, compares `output`, then `grad.input` and every `grad.param.*` after `output.backward(grad_output)`. */
export async function checkNnModuleCase(c: OracleCase): Promise<void> {
  const data = loadCase(c);
  const model = NN_MODULE_BUILDERS[c.kind]!(c.config);
  loadParams(model, data);
  const input = data['input']!.requiresGrad_();
  const output = model(input) as Tensor;
  await expectClose(output, data['output']!, c, `${c.name} output`);
  output.backward(data['grad_output']);
  await expectClose(input.grad, data['grad.input']!, c, `${c.name} grad.input`);
  await expectParamGrads(model, data, c, c.name);
}

/** Compares the mean-reduced `loss` and, after its backward, `grad.input`. */
export async function checkLossCase(c: OracleCase): Promise<void> {
  const data = loadCase(c);
  const fn = LOSSES[c.config['loss'] as string];
  expect(fn, `loss ${String(c.config['loss'])}`).toBeDefined();
  expect(c.config['reduction']).toBe('mean');
  const input = data['input']!.requiresGrad_();
  const loss = fn!(input, data['target']!);
  expect(loss.shape).toEqual([]);
  await expectClose(loss, data['loss']!, c, `${c.name} loss`);
  loss.backward();
  await expectClose(input.grad, data['grad.input']!, c, `${c.name} grad.input`);
}

/** The check of each kind here. */
export const NN_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = {
  ...Object.fromEntries(Object.keys(NN_MODULE_BUILDERS).map((k) => [k, checkNnModuleCase])),
  loss: checkLossCase,
};
