/** `F.dropout`. */
import { rand, type Tensor } from '@flint/tensor';

/** `dropout probability has to be between 0 and 1, but got 1.5` */
export function checkDropoutP(p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * `F.dropout(input, p=0.5, training=True)`: in training, zeroes each element with probability `p`
 * (a Bernoulli(1 - p) mask from Flint's seeded generator) and scales the rest by 1 / (1 - p);
 * otherwise returns `input` unchanged.
 */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  checkDropoutP(p);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const mask = rand(input.shape).ge(p);
  return input.mul(mask).mul(1 / (1 - p));
}
