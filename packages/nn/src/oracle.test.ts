/**
 * PyTorch oracle cases (`/work/shared/oracle`) for the kinds this package owns: the seed's custom
 * `Linear` and `Perceptron`, `nn.Linear`, and the losses. Parameters load with `loadStateDict`,
 * the forward is compared with `output` / `loss`, and every `grad.*` after the backward.
 */
import { randn, type Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { F, Linear, Module, Parameter } from './index.js';
import { expectClose, loadCase, oracleCases, type OracleCase } from './test-utils/compare.js';

/** The seed's `Linear`: `w [in, out]`, `b [out]`, `x.mm(w) + b`. */
class SeedLinear extends Module {
  w: Parameter;
  b: Parameter;
  constructor(inF: number, outF: number) {
    super();
    this.w = new Parameter(randn([inF, outF]));
    this.b = new Parameter(randn([outF]));
  }
  override forward(x: Tensor): Tensor {
    return x.mm(this.w).add(this.b);
  }
}

class Perceptron extends Module {
  layer1: SeedLinear;
  layer2: SeedLinear;
  constructor(inF: number, hidden: number, outF: number) {
    super();
    this.layer1 = new SeedLinear(inF, hidden);
    this.layer2 = new SeedLinear(hidden, outF);
  }
  override forward(x: Tensor): Tensor {
    return this.layer2(this.layer1(x).sigmoid());
  }
}

function build(c: OracleCase): Module {
  const cfg = c.config as Record<string, number & boolean>;
  switch (c.kind) {
    case 'seed_linear':
      return new SeedLinear(cfg.in_features, cfg.out_features);
    case 'seed_perceptron':
      return new Perceptron(cfg.in_features, cfg.hidden_features, cfg.out_features);
    case 'linear':
      return new Linear(cfg.in_features, cfg.out_features, { bias: cfg.bias });
    default:
      throw new Error(`no module for kind ${c.kind}`);
  }
}

function paramsOf(data: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

describe('oracle: modules', () => {
  for (const c of oracleCases('seed_linear', 'seed_perceptron', 'linear')) {
    it(c.name, () => {
      const data = loadCase(c);
      const model = build(c);
      const { missingKeys, unexpectedKeys } = model.loadStateDict(paramsOf(data, 'param.'));
      expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
      const input = data['input']!.requiresGrad_();
      const output = model(input) as Tensor;
      expectClose(output, data['output']!, c, `${c.name} output`);
      output.backward(data['grad_output']);
      expectClose(input.grad, data['grad.input']!, c, `${c.name} grad.input`);
      const params = Object.fromEntries(model.namedParameters());
      const grads = paramsOf(data, 'grad.param.');
      expect(Object.keys(grads).sort()).toEqual(Object.keys(params).sort());
      for (const [name, g] of Object.entries(grads)) expectClose(params[name]!.grad, g, c, `${c.name} grad.param.${name}`);
    });
  }
});

const LOSSES: Record<string, (input: Tensor, target: Tensor) => Tensor> = {
  cross_entropy: (x, t) => F.crossEntropy(x, t),
  nll_log_softmax: (x, t) => F.nllLoss(F.logSoftmax(x, 1), t),
  mse: (x, t) => F.mseLoss(x, t),
  bce_with_logits: (x, t) => F.binaryCrossEntropyWithLogits(x, t),
};

describe('oracle: losses', () => {
  for (const c of oracleCases('loss')) {
    it(c.name, () => {
      const data = loadCase(c);
      const fn = LOSSES[c.config['loss'] as string];
      expect(fn, `loss ${String(c.config['loss'])}`).toBeDefined();
      expect(c.config['reduction']).toBe('mean');
      const input = data['input']!.requiresGrad_();
      const loss = fn!(input, data['target']!);
      expect(loss.shape).toEqual([]);
      expectClose(loss, data['loss']!, c, `${c.name} loss`);
      loss.backward();
      expectClose(input.grad, data['grad.input']!, c, `${c.name} grad.input`);
    });
  }
});
