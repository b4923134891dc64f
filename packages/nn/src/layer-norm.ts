/** `LayerNorm` (`torch.nn.LayerNorm`). */
import { ones, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, factoryArgs, numberArg } from './args.js';
import { layerNorm, normalizedShapeArg } from './functional/normalization.js';
import { ones_, zeros_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { pyBool, pyFloat, pyTuple } from './repr.js';

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale and shift (default `true`). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, learn the shift too (default `true`). */
  bias?: boolean;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)`: normalises each
 * sample over its last dims `normalizedShape` (biased variance), then scales by `weight` (ones)
 * and shifts by `bias` (zeros), both shaped `normalizedShape`. https://arxiv.org/abs/1607.06450
 */
export class LayerNorm extends Module {
  static override readonly className: string = 'LayerNorm';
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  /**
   * `new LayerNorm(4, { eps: 1e-6 })`, or PyTorch's positional
   * `new LayerNorm([2, 4], 1e-6, false)` (eps, elementwiseAffine, bias).
   */
  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions);
  constructor(
    normalizedShape: number | readonly number[],
    eps?: number,
    elementwiseAffine?: boolean | Omit<LayerNormOptions, 'eps'>,
    bias?: boolean | Omit<LayerNormOptions, 'eps' | 'elementwiseAffine'>,
  );
  constructor(normalizedShape: number | readonly number[], ...args: unknown[]) {
    super();
    const op = 'LayerNorm';
    this.normalizedShape = normalizedShapeArg(op, normalizedShape);
    const a = bindArgs(op, args, ['eps', 'elementwiseAffine', 'bias', 'device', 'dtype']);
    factoryArgs(op, a);
    this.eps = numberArg(op, 'eps', a.eps, 1e-5);
    this.elementwiseAffine = boolArg(op, 'elementwiseAffine', a.elementwiseAffine, true);
    const bias = boolArg(op, 'bias', a.bias, true);
    const affine = this.elementwiseAffine;
    this.registerParameter('weight', affine ? ownParameter(ones(this.normalizedShape)) : null);
    this.registerParameter('bias', affine && bias ? ownParameter(zeros(this.normalizedShape)) : null);
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
