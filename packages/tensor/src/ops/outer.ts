/** `torch.outer` (`torch.ger`): the outer product of two vectors, as a broadcast `mul`. */
import { Tensor } from '../tensor.js';
import { mul } from './pointwise.js';
import { reshape } from './shape.js';
import { composite, shapeStr } from './util.js';

/** `torch.outer(a, b)`: `out[i][j] = a[i] · b[j]`, [n] × [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  for (const [t, name] of [[a, 'input'], [b, 'vec2']] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`outer(): argument '${name}' must be a Tensor, not ${t === null ? 'null' : typeof t}`);
  }
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`outer: expected 1-D inputs (got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`);
  return composite([a, b], () => mul(reshape(a, [-1, 1]), reshape(b, [1, -1])));
}
