/**
 * Activation layers (`torch.nn.ReLU`, `Sigmoid`, …): each wraps the function of the same name in
 * `F` and shows its arguments in `extraRepr()` as PyTorch does.
 *
 * Constructor arguments are PyTorch's, positional or as one options object:
 * `new LeakyReLU(0.2)` is `new LeakyReLU({ negativeSlope: 0.2 })`, `new Softmax(1)` is
 * `new Softmax({ dim: 1 })`. `inplace` is accepted (and shown) for ported code; Flint computes out
 * of place and returns the result.
 */
import { full, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, factoryArgs, intArg, numberArg, sizeArg } from './args.js';
import * as F from './functional/activation.js';
import { constant_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
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
  static override readonly className: string = 'ReLU';
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
  static override readonly className: string = 'Sigmoid';
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
  static override readonly className: string = 'Tanh';
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
  static override readonly className: string = 'SiLU';
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
  static override readonly className: string = 'GELU';
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
  static override readonly className: string = 'LeakyReLU';
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
  static override readonly className: string = 'ELU';
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
  static override readonly className: string = 'Softplus';
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
  static override readonly className: string = 'Softmax';
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
  static override readonly className: string = 'LogSoftmax';
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

/** A layer `F.<fn>(x)` with only PyTorch's `inplace` argument; `showInplace` prints it as PyTorch's `extra_repr` does. */
function inplaceLayer(op: string, fn: (x: Tensor) => Tensor, showInplace: boolean) {
  return class extends Module {
    constructor(inplace?: boolean | F.InplaceOptions);
    constructor(...args: unknown[]) {
      super();
      inplaceOf.set(this, inplaceArg(op, args));
    }
    override forward(input: Tensor): Tensor {
      return fn(input);
    }
    override extraRepr(): string {
      return showInplace && inplaceOf.get(this) ? 'inplace=True' : '';
    }
  };
}

/** `torch.nn.Mish(inplace=False)`: x · tanh(softplus(x)). https://arxiv.org/abs/1908.08681 */
export class Mish extends inplaceLayer('Mish', (x) => F.mish(x), true) {
  static override readonly className: string = 'Mish';
}

/** `torch.nn.SELU(inplace=False)`: scale · elu(x, alpha) with alpha ≈ 1.6733, scale ≈ 1.0507. https://arxiv.org/abs/1706.02515 */
export class SELU extends inplaceLayer('SELU', (x) => F.selu(x), true) {
  static override readonly className: string = 'SELU';
}

/** `torch.nn.Hardswish(inplace=False)`: x · relu6(x + 3) / 6. https://arxiv.org/abs/1905.02244 */
export class Hardswish extends inplaceLayer('Hardswish', (x) => F.hardswish(x), false) {
  static override readonly className: string = 'Hardswish';
}

/** `torch.nn.Hardsigmoid(inplace=False)`: relu6(x + 3) / 6. */
export class Hardsigmoid extends inplaceLayer('Hardsigmoid', (x) => F.hardsigmoid(x), false) {
  static override readonly className: string = 'Hardsigmoid';
}

/** `torch.nn.CELU(alpha=1.0, inplace=False)`: max(0, x) + min(0, alpha · (exp(x / alpha) - 1)). https://arxiv.org/abs/1704.07483 */
export class CELU extends Module {
  static override readonly className: string = 'CELU';
  readonly alpha: number;
  readonly inplace: boolean;
  constructor(options?: F.EluOptions);
  constructor(alpha?: number, inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super();
    ({ alpha: this.alpha, inplace: this.inplace } = F.celuArgs('CELU', args));
  }
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export interface HardtanhOptions extends F.HardtanhOptions {
  /** Deprecated in PyTorch: `minVal`. */
  minValue?: number | null;
  /** Deprecated in PyTorch: `maxVal`. */
  maxValue?: number | null;
}

/** `torch.nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: x clamped to [minVal, maxVal]. */
export class Hardtanh extends Module {
  static override readonly className: string = 'Hardtanh';
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  constructor(options?: HardtanhOptions);
  constructor(minVal?: number, maxVal?: number | Omit<HardtanhOptions, 'minVal'>, inplace?: boolean | Omit<HardtanhOptions, 'minVal' | 'maxVal'>, minValue?: number | null, maxValue?: number | null);
  constructor(...args: unknown[]) {
    super();
    ({ minVal: this.minVal, maxVal: this.maxVal, inplace: this.inplace } = F.hardtanhArgs('Hardtanh', args, ['minVal', 'maxVal', 'inplace', 'minValue', 'maxValue']));
  }
  override forward(input: Tensor): Tensor {
    return F.hardtanhOf(input, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `torch.nn.ReLU6(inplace=False)`: min(max(0, x), 6), a `Hardtanh(0, 6)` as in PyTorch. */
export class ReLU6 extends Hardtanh {
  static override readonly className: string = 'ReLU6';
  constructor(inplace?: boolean | F.InplaceOptions);
  constructor(...args: unknown[]) {
    super({ minVal: 0, maxVal: 6, inplace: inplaceArg('ReLU6', args) });
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** `torch.nn.Softsign()`: x / (1 + |x|). */
export class Softsign extends Module {
  static override readonly className: string = 'Softsign';
  constructor(...args: never[]) {
    super();
    noArgs('Softsign', args);
  }
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** `torch.nn.LogSigmoid()`: log σ(x) = -softplus(-x). */
export class LogSigmoid extends Module {
  static override readonly className: string = 'LogSigmoid';
  constructor(...args: never[]) {
    super();
    noArgs('LogSigmoid', args);
  }
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

/** `torch.nn.Tanhshrink()`: x - tanh(x). */
export class Tanhshrink extends Module {
  static override readonly className: string = 'Tanhshrink';
  constructor(...args: never[]) {
    super();
    noArgs('Tanhshrink', args);
  }
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

export interface PReLUOptions {
  /** How many slopes: 1 (shared) or the number of input channels (default 1). */
  numParameters?: number;
  /** The slopes' initial value (default 0.25). */
  init?: number;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.PReLU(num_parameters=1, init=0.25)`: max(0, x) + weight · min(0, x) with a learnt
 * slope `weight [numParameters]` (one shared, or one per channel on dim 1).
 * https://arxiv.org/abs/1502.01852
 */
export class PReLU extends Module {
  static override readonly className: string = 'PReLU';
  declare weight: Parameter;
  readonly numParameters: number;
  readonly init: number;
  constructor(options?: PReLUOptions);
  constructor(numParameters?: number, init?: number | Omit<PReLUOptions, 'numParameters'>);
  constructor(...args: unknown[]) {
    super();
    const op = 'PReLU';
    const a = bindArgs(op, args, ['numParameters', 'init', 'device', 'dtype']);
    factoryArgs(op, a);
    this.numParameters = sizeArg(op, 'numParameters', a.numParameters ?? 1);
    this.init = numberArg(op, 'init', a.init, 0.25);
    this.weight = ownParameter(full([this.numParameters], this.init));
  }
  resetParameters(): void {
    constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
