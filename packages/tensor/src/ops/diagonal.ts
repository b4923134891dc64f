/**
 * `torch.diagonal` and `torch.diag`, composed of recorded ops (`permute`, `reshape`,
 * `indexSelect`, `indexAdd`), so their gradients need no formula of their own. Unlike PyTorch's,
 * `diagonal` returns a copy, not a view.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import { indexAdd, indexSelect } from './indexing.js';
import { permute, reshape } from './shape.js';
import { composite, normDim, shapeStr } from './util.js';

function checkInput(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
}

/** Flat positions (row-major, in an [n, m] matrix) of the entries of diagonal `offset`. */
function diagonalPositions(n: number, m: number, offset: number): Int32Array {
  const length = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  return Int32Array.from({ length }, (_, i) => (offset >= 0 ? i * m + i + offset : (i - offset) * m + i));
}

/**
 * `torch.diagonal(input, offset=0, dim1=0, dim2=1)`: the entries (i, i + offset) of the `dim1` ×
 * `dim2` matrices; those two dims are removed and the diagonal becomes the last dim.
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkInput(x, 'diagonal');
  const a = normDim(dim1, x.ndim, 'diagonal');
  const b = normDim(dim2, x.ndim, 'diagonal');
  if (a === b) throw new RangeError(`diagonal(): diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const n = x.shape[a]!;
  const m = x.shape[b]!;
  return composite([x], () => {
    const rest = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
    const moved = permute(x, [...rest, a, b]);
    const flat = reshape(moved, [...rest.map((i) => x.shape[i]!), n * m]);
    const ids = new Tensor(tf.tensor1d(diagonalPositions(n, m, offset), 'int32'));
    return indexSelect(flat, rest.length, ids);
  });
}

/**
 * `torch.diag(input, diagonal=0)`: a 1-D input gives the square matrix with it on diagonal
 * `diagonal` (zeros elsewhere); a 2-D input gives its diagonal `diagonal` as 1-D.
 */
export function diag(x: Tensor, diagonal_ = 0): Tensor {
  checkInput(x, 'diag');
  if (!Number.isInteger(diagonal_)) throw new TypeError(`diag(): argument 'diagonal' must be an int (got ${diagonal_})`);
  if (x.ndim === 2) return diagonal(x, diagonal_, 0, 1);
  if (x.ndim !== 1) throw new RangeError(`diag(): Supports 1D or 2D tensors. Got ${x.ndim}D (shape ${shapeStr(x.shape)})`);
  const size = x.shape[0]! + Math.abs(diagonal_);
  return composite([x], () => {
    const ids = new Tensor(tf.tensor1d(diagonalPositions(size, size, diagonal_), 'int32'));
    return reshape(indexAdd(zeros([size * size], { dtype: x.dtype }), 0, ids, x), [size, size]);
  });
}
