/** PyTorch's names for the backward nodes (`grad_fn=<MulBackward0>`), by recorded op name. */
import type { Tensor } from '@flint/tensor';

const NAMES: Record<string, string> = {
  log1p: 'Log1PBackward0',
  expm1: 'Expm1Backward0',
  square: 'PowBackward0',
  leakyRelu: 'LeakyReluBackward0',
  logSoftmax: 'LogSoftmaxBackward0',
  cast: 'ToCopyBackward0',
  maxDim: 'MaxBackward0',
  minDim: 'MinBackward0',
  reshape: 'ViewBackward0',
  narrow: 'SliceBackward0',
  maskedFill: 'MaskedFillBackward0',
  indexSelect: 'IndexSelectBackward0',
  scatterAdd: 'ScatterAddBackward0',
  indexAdd: 'IndexAddBackward0',
  clampMin: 'ClampMinBackward0',
  clampMax: 'ClampMaxBackward0',
  linear: 'AddmmBackward0',
  conv2d: 'ConvolutionBackward0',
  maxPool2d: 'MaxPool2DWithIndicesBackward0',
  avgPool2d: 'AvgPool2DBackward0',
  avgPool2dBackward: 'AvgPool2DBackwardBackward0',
  pad: 'ConstantPadNdBackward0',
  norm: 'LinalgVectorNormBackward0',
};

/**
 * The node name: the table above, `SumBackward1` / `MeanBackward1` / `ProdBackward1` for
 * reductions over given dims, `PowBackward1` for a tensor exponent, else `<Op>Backward0`.
 */
export function nodeName(op: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>): string {
  if (op === 'sum' || op === 'mean' || op === 'prod') {
    const { dims, keepdim } = attrs as { dims: number[]; keepdim: boolean };
    const all = dims.length === inputs[0]!.ndim && !keepdim;
    return `${op[0]!.toUpperCase()}${op.slice(1)}Backward${all ? 0 : 1}`;
  }
  if (op === 'pow') return inputs[1]!.requiresGrad || inputs[1]!.ndim > 0 ? 'PowBackward1' : 'PowBackward0';
  return NAMES[op] ?? `${op[0]!.toUpperCase()}${op.slice(1)}Backward0`;
}
