/**
 * Data-dependent selections: `torch.masked_select`, `torch.nonzero` (the output size depends on
 * the values, read on the host). `maskedSelect` is an `indexSelect` of the flattened (broadcast)
 * input, so its gradient scatters back through that op's formula.
 */
import { NEEDS_HOST_VALUES, readSync } from '../readback.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindArgs } from '../args.js';
import { torchName } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { contiguousGeometry, elementIndices, expandGeometry } from '../strided.js';
import { indexSelect } from './indexing.js';
import { expand, reshape } from './shape.js';
import { broadcastShapes, composite } from './util.js';

/** `torch.masked_select(input, mask)`: the 1-D elements of `input` where the bool `mask` is true (both broadcast). */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const op = 'masked_select()';
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') {
    throw new TypeError(`${op}: masked_select: expected BoolTensor for mask (got ${mask instanceof Tensor ? torchName(mask.dtype) : typeof mask})`);
  }
  const shape = broadcastShapes(op, x.shape, mask.shape);
  // The mask is read as it is and broadcast here: a broadcast by a kernel would put it on the GPU
  // (webgpu), where it cannot be read synchronously even when the mask's values are on the CPU.
  const flags = readSync(mask._data, op, NEEDS_HOST_VALUES.replace("input's", "mask's").replace('the input', 'the mask'));
  const hits = broadcastHits(flags, mask.shape, shape);
  return composite([x], () => {
    const ids = new Tensor(tf.tensor1d(Int32Array.from(hits), 'int32'));
    return indexSelect(reshape(expand(x, shape), [-1]), 0, ids);
  });
}

/** The flat indices into `shape` where `flags`, of shape `from` (broadcast to `shape`), is nonzero, in order. */
function broadcastHits(flags: ArrayLike<number>, from: readonly number[], shape: readonly number[]): number[] {
  const source = elementIndices(expandGeometry(contiguousGeometry(from), shape));
  const hits: number[] = [];
  for (let i = 0; i < source.length; i++) if (flags[source[i]!] !== 0) hits.push(i);
  return hits;
}

/**
 * `torch.nonzero(input, *, as_tuple=False)`: the coordinates of the nonzero elements, row-major,
 * as an int32 [n, ndim] tensor; with `asTuple`, one 1-D tensor per dim.
 */
export function nonzero(x: Tensor, options?: { asTuple?: false }): Tensor;
export function nonzero(x: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  if (!(x instanceof Tensor)) throw new TypeError(`nonzero(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  const { asTuple = false } = bindArgs('nonzero', [options], [], ['asTuple']) as { asTuple?: boolean };
  const values = readSync(x._data, 'nonzero()', NEEDS_HOST_VALUES);
  const shape = x.shape;
  const coords: number[][] = shape.map(() => []);
  let n = 0;
  values.forEach((v, flat) => {
    if (v === 0) return;
    n++;
    let rest = flat;
    for (let k = shape.length - 1; k >= 0; k--) {
      coords[k]!.push(rest % shape[k]!);
      rest = Math.floor(rest / shape[k]!);
    }
  });
  if (asTuple) {
    if (x.ndim === 0) return [new Tensor(tf.tensor1d(Int32Array.from({ length: n }, () => 0), 'int32'))];
    return coords.map((c) => new Tensor(tf.tensor1d(Int32Array.from(c), 'int32')));
  }
  const out = new Int32Array(n * x.ndim);
  for (let i = 0; i < n; i++) for (let k = 0; k < x.ndim; k++) out[i * x.ndim + k] = coords[k]![i]!;
  return new Tensor(tf.tensor2d(out, [n, x.ndim], 'int32'));
}
