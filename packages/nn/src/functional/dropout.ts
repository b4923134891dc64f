/** `F.dropout`. */
import { rand, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, describeValue } from '../args.js';
import { checkTensor } from './activation.js';

/** `dropout probability has to be between 0 and 1, but got 1.5` */
export function checkDropoutP(p: unknown, op = 'dropout'): asserts p is number {
  if (typeof p !== 'number') throw new TypeError(`${op}: dropout probability must be a number (got ${describeValue(p)})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
}

export interface DropoutOptions {
  /** Probability of an element to be zeroed (default 0.5). */
  p?: number;
  /** Apply dropout (default true); the identity when false. */
  training?: boolean;
  /** Accepted for ported code; Flint computes out of place (default false). */
  inplace?: boolean;
}

/** @internal `(p, inplace)` of the `Dropout` layer. */
export function dropoutLayerArgs(op: string, args: readonly unknown[]): { p: number; inplace: boolean } {
  const a = bindArgs(op, args, ['p', 'inplace']);
  const p = a.p ?? 0.5;
  checkDropoutP(p, op);
  return { p, inplace: boolArg(op, 'inplace', a.inplace, false) };
}

/**
 * `F.dropout(input, p=0.5, training=True, inplace=False)`: in training, zeroes each element with
 * probability `p` (a Bernoulli(1 - p) mask from Flint's seeded generator) and scales the rest by
 * 1 / (1 - p); otherwise returns `input` unchanged. `F.dropout(x, 0.2, false)` is
 * `F.dropout(x, { p: 0.2, training: false })`.
 */
export function dropout(input: Tensor, options?: DropoutOptions): Tensor;
export function dropout(input: Tensor, p?: number, training?: boolean | Omit<DropoutOptions, 'p'>, inplace?: boolean | Pick<DropoutOptions, 'inplace'>): Tensor;
export function dropout(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor('dropout', input);
  const a = bindArgs('dropout', args, ['p', 'training', 'inplace']);
  const p = a.p ?? 0.5;
  checkDropoutP(p);
  const training = boolArg('dropout', 'training', a.training, true);
  boolArg('dropout', 'inplace', a.inplace, false);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const mask = rand(input.shape).ge(p);
  return input.mul(mask).mul(1 / (1 - p));
}
