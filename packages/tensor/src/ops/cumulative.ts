/**
 * `torch.cumsum` and `torch.cumprod`: running sums and products along one dim (tfjs's `Cumsum` /
 * `Cumprod` kernels). Ints and bools accumulate as int32 (PyTorch: int64), or as the `dtype` given.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { normalizeDType, type DTypeArg } from '../dtype.js';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';
import { castData, normDim } from './util.js';

function cumulative(op: 'cumsum' | 'cumprod', x: Tensor, dim: unknown, args: readonly unknown[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (typeof dim !== 'number') throw new TypeError(`${op}(): argument 'dim' must be an int (got ${dim === undefined ? 'nothing' : typeof dim})`);
  const { dtype } = bindArgs(op, args, [], ['dtype']) as { dtype?: DTypeArg };
  const d = normDim(dim, x.ndim, op);
  const to = dtype !== undefined ? normalizeDType(dtype, op) : x.dtype === 'float32' ? 'float32' : 'int32';
  const calc = to === 'bool' ? 'int32' : to;
  const c = castData(x, calc);
  let data: tf.Tensor;
  if (x.ndim === 0 || x.numel() === 0) data = tf.clone(c.data);
  else data = op === 'cumsum' ? tf.cumsum(c.data, d) : tf.cumprod(c.data, d);
  if (c.owned) c.data.dispose();
  if (to === 'bool') {
    const b = tf.notEqual(data, 0);
    data.dispose();
    data = b;
  }
  return record(op, new Tensor(data), [x], { dim: d });
}

/** `torch.cumsum(input, dim, *, dtype=None)`: `out[i] = x[0] + … + x[i]` along `dim`. */
export function cumsum(x: Tensor, dim: number, options?: { dtype?: DTypeArg }): Tensor {
  return cumulative('cumsum', x, dim, options === undefined ? [] : [options]);
}

/** `torch.cumprod(input, dim, *, dtype=None)`: `out[i] = x[0] · … · x[i]` along `dim`. */
export function cumprod(x: Tensor, dim: number, options?: { dtype?: DTypeArg }): Tensor {
  return cumulative('cumprod', x, dim, options === undefined ? [] : [options]);
}
