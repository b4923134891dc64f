/**
 * Activation layers (`torch.nn.ReLU`, `Sigmoid`, …): each wraps the function of the same name in
 * `F` and shows its arguments in `extraRepr()` as PyTorch does.
 *
 * Constructor arguments are PyTorch's, positional or as one options object:
 * `new LeakyReLU(0.2)` is `new LeakyReLU({ negativeSlope: 0.2 })`, `new Softmax(1)` is
 * `new Softmax({ dim: 1 })`. `inplace` is accepted (and shown) for ported code; Flint computes out
 * of place and returns the result.
 */
import type { Tensor } from '@flint/tensor';
import { bindArgs, boolArg, intArg } from './args.js';
import * as F from './functional/activation.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

function inplaceArg(op: string, args: readonly unknown[]): boolean {
  return boolArg(op, 'inplace', bindArgs(op, args, ['inplace']).inplace, false);
}

/**
 * `inplace` of `ReLU` / `SiLU`, kept off the instance so that these layers stay structurally plain
 * modules (`new Map([['fc', new Linear(2, 2)], ['act', new ReLU()]])` infers `Map<string, Linear | ReLU>`).
 */
const inplaceOf = new WeakMap<Module, boolean>();

function noArgs(op: string, args: readonly unknown[]): void {
  bindArgs(op, args, []);
}

/** `torch.nn.ReLU(inplace=False)`: max(x, 0). */
export class ReLU extends Module {
  constructor(inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    inplaceOf.set(this, inplaceArg('ReLU', args));
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
  override extraRepr(): string {
    return inplaceOf.get(this) ? 'inplace=True' : '';
  }
}

/** `torch.nn.Sigmoid()`: 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  constructor(...args: never[]) {
    super();
    noArgs('Sigmoid', args);
  }
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** `torch.nn.Tanh()`. */
export class Tanh extends Module {
  constructor(...args: never[]) {
    super();
    noArgs('Tanh', args);
  }
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** `torch.nn.SiLU(inplace=False)`: x · σ(x) (a.k.a. swish). */
export class SiLU extends Module {
  constructor(inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    inplaceOf.set(this, inplaceArg('SiLU', args));
  }
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
  override extraRepr(): string {
    return inplaceOf.get(this) ? 'inplace=True' : '';
  }
}

/** `torch.nn.GELU(approximate='none')`: x · Φ(x) (https://arxiv.org/abs/1606.08415). */
export class GELU extends Module {
  readonly approximate: F.GeluApproximate;
  constructor(approximate?: F.GeluApproximate | F.GeluOptions);
  constructor(...args: unknown[]) {
    super();
    this.approximate = F.geluArgs('GELU', args);
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `torch.nn.LeakyReLU(negative_slope=0.01, inplace=False)`: x if x ≥ 0 else negativeSlope · x. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  constructor(options?: F.LeakyReluOptions);
  constructor(negativeSlope?: number, inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    ({ negativeSlope: this.negativeSlope, inplace: this.inplace } = F.leakyReluArgs('LeakyReLU', args));
  }
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `torch.nn.ELU(alpha=1.0, inplace=False)`: x if x > 0 else alpha · (exp(x) - 1). */
export class ELU extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(options?: F.EluOptions);
  constructor(alpha?: number, inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    ({ alpha: this.alpha, inplace: this.inplace } = F.eluArgs('ELU', args));
  }
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * `torch.nn.Softplus(beta=1, threshold=20)`: 1/beta · log(1 + exp(beta·x)), linear (x) where
 * beta·x > threshold.
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options?: F.SoftplusOptions);
  constructor(beta?: number, threshold?: number | Pick<F.SoftplusOptions, 'threshold'>);
  constructor(...args: unknown[]) {
    super();
    ({ beta: this.beta, threshold: this.threshold } = F.softplusArgs('Softplus', args));
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * `torch.nn.Softmax(dim=None)`: exp(x) / Σ exp(x) along `dim`. Without `dim`, PyTorch's
 * deprecated implicit choice (with a warning).
 */
export class Softmax extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null | Pick<F.SoftmaxOptions, 'dim'>);
  constructor(...args: unknown[]) {
    super();
    this.dim = dimArg('Softmax', args);
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, F.softmaxDim('Softmax', this.dim, input.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** `torch.nn.LogSoftmax(dim=None)`: x - logsumexp(x) along `dim`. */
export class LogSoftmax extends Module {
  readonly dim: number | null;
  constructor(dim?: number | null | Pick<F.SoftmaxOptions, 'dim'>);
  constructor(...args: unknown[]) {
    super();
    this.dim = dimArg('LogSoftmax', args);
  }
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, F.softmaxDim('LogSoftmax', this.dim, input.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

function dimArg(op: string, args: readonly unknown[]): number | null {
  const { dim } = bindArgs(op, args, ['dim']);
  if (dim === undefined || dim === null) return null;
  return intArg(op, 'dim', dim, 0);
}
