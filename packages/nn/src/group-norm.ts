/** `GroupNorm` (`torch.nn.GroupNorm`). */
import { ones, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, factoryArgs, numberArg, sizeArg } from './args.js';
import { groupNorm } from './functional/group-norm.js';
import { ones_, zeros_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { pyBool, pyFloat } from './repr.js';

export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default `true`). */
  affine?: boolean;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)`: normalises each
 * sample's `numGroups` groups of channels (input `[N, C, *]`, `C = numChannels`) over their
 * channels and positions, then applies `weight [C]` and `bias [C]`. Same in train and eval (no
 * running statistics). https://arxiv.org/abs/1803.08494
 */
export class GroupNorm extends Module {
  static override readonly className: string = 'GroupNorm';
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;

  /** `new GroupNorm(2, 6, { eps: 1e-6 })`, or PyTorch's positional `new GroupNorm(2, 6, 1e-6, false)`. */
  constructor(numGroups: number, numChannels: number, options?: GroupNormOptions);
  constructor(numGroups: number, numChannels: number, eps?: number, affine?: boolean | Omit<GroupNormOptions, 'eps'>);
  constructor(numGroups: number, numChannels: number, ...args: unknown[]) {
    super();
    const op = 'GroupNorm';
    this.numGroups = sizeArg(op, 'numGroups', numGroups);
    this.numChannels = sizeArg(op, 'numChannels', numChannels);
    if (this.numGroups === 0 || this.numChannels % this.numGroups !== 0) {
      throw new RangeError(`${op}: num_channels must be divisible by num_groups (got num_groups=${numGroups}, num_channels=${numChannels})`);
    }
    const a = bindArgs(op, args, ['eps', 'affine', 'device', 'dtype']);
    factoryArgs(op, a);
    this.eps = numberArg(op, 'eps', a.eps, 1e-5);
    this.affine = boolArg(op, 'affine', a.affine, true);
    this.registerParameter('weight', this.affine ? ownParameter(ones([this.numChannels])) : null);
    this.registerParameter('bias', this.affine ? ownParameter(zeros([this.numChannels])) : null);
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
