/**
 * For tests of every package: the models and optimizers of the oracle's `optim` and `train`
 * cases, built from their config, and the check of a case. Used by @flint/optim's oracle runner
 * and @flint/webgpu's.
 */
import { tensor, type Tensor } from '@flint/tensor';
import { F, Linear, ReLU, Sequential, Tanh, type Module } from '@flint/nn';
import { Adam, AdamW, Adagrad, RMSprop, SGD, type Optimizer } from '@flint/optim';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose, loadParams } from './oracle-compare.js';

/** Builds `Sequential(Linear(3,4), Tanh(), Linear(4,2))` and the like from the config string. */
export function buildModel(spec: string): Module {
  const inner = /^Sequential\((.*)\)$/.exec(spec.trim());
  if (!inner) throw new Error(`oracle: unsupported model '${spec}'`);
  const layers = [...inner[1]!.matchAll(/(\w+)\(([^)]*)\)/g)].map(([, name, args]) => {
    const nums = args!.split(',').filter((s) => s.trim() !== '').map(Number);
    if (name === 'Linear') return new Linear(nums[0]!, nums[1]!);
    if (name === 'Tanh') return new Tanh();
    if (name === 'ReLU') return new ReLU();
    throw new Error(`oracle: unsupported layer '${name}'`);
  });
  return new Sequential(...layers);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function buildOptimizer(params: Tensor[], c: Record<string, any>): Optimizer<any> {
  const common = { lr: c.lr, weightDecay: c.weight_decay };
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(params, { ...common, momentum: c.momentum, dampening: c.dampening, nesterov: c.nesterov });
    case 'Adam':
      return new Adam(params, { ...common, betas: c.betas, eps: c.eps, amsgrad: c.amsgrad });
    case 'AdamW':
      return new AdamW(params, { ...common, betas: c.betas, eps: c.eps, amsgrad: c.amsgrad });
    case 'RMSprop':
      return new RMSprop(params, { ...common, alpha: c.alpha, eps: c.eps, momentum: c.momentum, centered: c.centered });
    case 'Adagrad':
      return new Adagrad(params, { ...common, lrDecay: c.lr_decay, eps: c.eps });
    default:
      throw new Error(`oracle: unsupported optimizer '${c.optimizer}'`);
  }
}

/**
 * Builds the case's model, loads `param.*`, then per step zeroGrad, loss, backward, step, and
 * compares each step's loss and the state dict after step k (`step.<k>.*`) or at the end
 * (`final.*`) with the case's tolerances.
 */
export async function checkOptimCase(c: OracleCase): Promise<void> {
  // The case's tensors are read across steps: keep them until the end of the test.
  const file = loadCase(c);
  for (const t of Object.values(file)) t.keep();
  const model = buildModel(c.config['model']);
  loadParams(model, file);
  const opt = buildOptimizer([...model.parameters()], c.config);
  const lossFn = c.config['loss'] === 'cross_entropy' ? F.crossEntropy : F.mseLoss;
  const losses: number[] = [];
  for (let k = 1; k <= c.config['steps']; k++) {
    opt.zeroGrad();
    const loss = lossFn(model(file['input']!) as Tensor, file['target']!);
    loss.backward();
    opt.step();
    losses.push(await loss.itemAsync());
    for (const [name, t] of Object.entries(model.stateDict())) {
      const expected = file[`step.${k}.${name}`];
      if (expected) await expectClose(t, expected, c, `step ${k} ${name}`);
    }
  }
  await expectClose(tensor(losses), file['losses']!, c, 'losses');
  const sd = model.stateDict();
  for (const [key, expected] of Object.entries(file)) if (key.startsWith('final.')) await expectClose(sd[key.slice(6)], expected, c, key);
  opt.dispose();
  for (const t of Object.values(file)) t.dispose();
}

/** The check of each kind here. */
export const OPTIM_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = { optim: checkOptimCase, train: checkOptimCase };
