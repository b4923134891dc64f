/** `Linear`: y = x Wᵀ + b (`torch.nn.Linear`). */
import { empty, type Tensor } from '@flint/tensor';
import { linear } from './functional/linear.js';
import { kaimingUniform_, uniform_, _calculateFanInAndFanOut } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { pyBool } from './repr.js';
import { bindArgs, boolArg, factoryArgs, sizeArg } from './args.js';

export interface LinearOptions {
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.Linear(in_features, out_features, bias=True)`: `y = x @ weight.T + bias`.
 *
 * Shapes: input `[*, inFeatures]` → output `[*, outFeatures]`; `weight [outFeatures, inFeatures]`,
 * `bias [outFeatures]` (or `null`). Init (`resetParameters`): weight ~ kaiming-uniform with
 * a = √5, i.e. U(±1/√inFeatures), bias ~ U(±1/√inFeatures), as PyTorch.
 * https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
 */
export class Linear extends Module {
  static override readonly className: string = 'Linear';
  declare weight: Parameter;
  declare bias: Parameter | null;

  readonly inFeatures: number;
  readonly outFeatures: number;

  /** `new Linear(4, 3, { bias: false })`, or PyTorch's positional `new Linear(4, 3, false)`. */
  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
  constructor(inFeatures: number, outFeatures: number, bias?: boolean, options?: Omit<LinearOptions, 'bias'>);
  constructor(inFeatures: number, outFeatures: number, ...args: unknown[]) {
    super();
    this.inFeatures = sizeArg('Linear', 'inFeatures', inFeatures);
    this.outFeatures = sizeArg('Linear', 'outFeatures', outFeatures);
    const a = bindArgs('Linear', args, ['bias', 'device', 'dtype']);
    factoryArgs('Linear', a);
    const bias = boolArg('Linear', 'bias', a.bias, true);
    this.weight = ownParameter(empty([outFeatures, inFeatures]));
    this.registerParameter('bias', bias ? ownParameter(empty([outFeatures])) : null);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = _calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias, `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures})`);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
