/** `torch.isclose`, `torch.allclose`, `torch.equal`: comparisons of whole tensors (not differentiable). */
import { bindArgs } from '../args.js';
import { scope } from '../lifetime.js';
import { Tensor } from '../tensor.js';
import { logicalAnd, logicalOr } from './compare.js';
import { all } from './reduce.js';
import { sameShape } from './util.js';

export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

/** `(rtol?, atol?, equalNan?)` or `({ rtol, atol, equalNan })`. */
export type CloseArgs = [rtol?: number, atol?: number, equalNan?: boolean] | [options: CloseOptions];

function checkPair(op: string, a: unknown, b: unknown): asserts a is Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${a === null ? 'null' : typeof a}`);
  if (!(b instanceof Tensor)) throw new TypeError(`${op}(): argument 'other' must be a Tensor, not ${b === null ? 'null' : typeof b}`);
}

/**
 * `torch.isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)`: bool tensor of
 * `|a - b| <= atol + rtol·|b|` (equal infinities are close), broadcast.
 */
export function isclose(a: Tensor, b: Tensor, ...args: CloseArgs): Tensor {
  checkPair('isclose', a, b);
  const o = bindArgs('isclose', args, ['rtol', 'atol', 'equalNan']) as CloseOptions;
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = o;
  if (rtol < 0 || atol < 0) throw new RangeError(`isclose(): rtol and atol must be non-negative (got rtol=${rtol}, atol=${atol})`);
  return scope(() => {
    const x = a.detach();
    const y = b.detach();
    let close = logicalOr(x.sub(y).abs().le(y.abs().mul(rtol).add(atol)), x.eq(y));
    if (equalNan) close = logicalOr(close, logicalAnd(x.isnan(), y.isnan()));
    return close;
  });
}

/** `torch.allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)`: whether every element `isclose`. */
export function allclose(a: Tensor, b: Tensor, ...args: CloseArgs): boolean {
  checkPair('allclose', a, b);
  return scope(() => all(isclose(a, b, ...args)).item() === 1);
}

/** `torch.equal(input, other)`: the same shape and the same values. */
export function equal(a: Tensor, b: Tensor): boolean {
  checkPair('equal', a, b);
  if (!sameShape(a.shape, b.shape)) return false;
  return scope(() => all(a.detach().eq(b.detach())).item() === 1);
}
