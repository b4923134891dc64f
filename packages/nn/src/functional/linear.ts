/** `F.linear`. */
import { linear as linearOp, type Tensor } from '@flint/tensor';
import { shapeStr } from '../repr.js';

/**
 * `F.linear(input, weight, bias=None)`: `input @ weight.T + bias`. Shapes: input `[*, in]`, weight
 * `[out, in]`, bias `[out]` → `[*, out]`. One recorded op (`@flint/tensor`'s `linear`), whose
 * forward transposes a parameter's weight once per step and whose backward needs no transpose of it.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null, op = 'linear'): Tensor {
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
  return linearOp(input, weight, bias);
}
