/**
 * For tests of every package: the models and optimizers of the oracle's `optim` and `train`
 * cases, built from their config. Used by @flint/optim's oracle runner and @flint/webgpu's.
 */
import type { Tensor } from '@flint/tensor';
import { Linear, ReLU, Sequential, Tanh, type Module } from '@flint/nn';
import { Adam, AdamW, Adagrad, RMSprop, SGD, type Optimizer } from '@flint/optim';

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
