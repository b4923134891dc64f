/** `F.linear`. */
import { linear as linearOp, type Tensor } from '@flint/tensor';
import { isOptionsObject } from '../args.js';
import { shapeStr } from '../repr.js';
import { checkTensor } from './activation.js';

/**
 * `F.linear(input, weight, bias=None)`: `input @ weight.T + bias`. Shapes: input `[*, in]`, weight
 * `[out, in]`, bias `[out]` → `[*, out]`. One recorded op (`@flint/tensor`'s `linear`), whose
 * forward transposes a parameter's weight once per step and whose backward needs no transpose of it.
 * `F.linear(x, w, b)` is `F.linear(x, w, { bias: b })`.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null | { bias?: Tensor | null }, op?: string): Tensor;
export function linear(input: Tensor, weight: Tensor, biasArg: unknown = null, op = 'linear'): Tensor {
  checkTensor(op, input);
  checkTensor(op, weight, 'weight');
  let bias = biasArg;
  if (isOptionsObject(bias)) {
    const unknown = Object.keys(bias).find((k) => k !== 'bias');
    if (unknown !== undefined) throw new TypeError(`${op}: got an unexpected option '${unknown}'; its options are bias`);
    bias = bias.bias;
  }
  if (bias === undefined) bias = null;
  if (bias !== null) checkTensor(op, bias, 'bias');
  const inFeatures = weight.shape[1];
  const last = input.shape[input.ndim - 1];
  if (input.ndim === 0 || last !== inFeatures) {
    const [out, inF] = weight.shape;
    const rows = input.ndim === 0 ? 1 : input.numel() / (last || 1);
    throw new RangeError(
      `${op}: expected input with last dimension ${inFeatures}, got shape ${shapeStr(input.shape)} ` +
        `(mat1 and mat2 shapes cannot be multiplied (${rows}x${last ?? 0} and ${inF}x${out}))`,
    );
  }
  return linearOp(input, weight, bias as Tensor | null);
}
