/**
 * `torch.tril` / `torch.triu`: the lower / upper triangle of the last two dims (a batch of
 * matrices), the rest zeroed. `diagonal` shifts the boundary: element (i, j) is kept by `tril`
 * when j - i ≤ diagonal, by `triu` when j - i ≥ diagonal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { record } from '../graph-hooks.js';
import { Tensor } from '../tensor.js';

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (x.ndim < 2) throw new RangeError(`${op}: input tensor must have at least 2 dimensions (got shape [${x.shape.join(', ')}])`);
  if (!Number.isInteger(diagonal)) throw new TypeError(`${op}(): argument 'diagonal' must be an int (got ${diagonal})`);
  const [r, c] = x.shape.slice(-2) as [number, number];
  const data = tf.tidy(() => {
    const diff = tf.sub(tf.reshape(tf.range(0, c, 1, 'int32'), [1, c]), tf.reshape(tf.range(0, r, 1, 'int32'), [r, 1]));
    const keep = op === 'tril' ? tf.lessEqual(diff, diagonal) : tf.greaterEqual(diff, diagonal);
    const mask = tf.logicalAnd(keep, tf.fill([...x.shape], 1, 'bool'));
    // tfjs-wasm's Select kernel mishandles bool values: use a logical and for them.
    return x.dtype === 'bool' ? tf.logicalAnd(x._data, mask) : tf.where(mask, x._data, tf.zeros([...x.shape], x.dtype));
  });
  return record(op, new Tensor(data), [x], { diagonal });
}

/** `torch.tril(input, diagonal=0)`: keeps (i, j) with j - i ≤ diagonal in the last two dims. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/** `torch.triu(input, diagonal=0)`: keeps (i, j) with j - i ≥ diagonal in the last two dims. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
