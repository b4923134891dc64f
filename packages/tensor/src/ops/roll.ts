/**
 * `torch.roll` and `torch.tile`, composed of recorded ops (`narrow` + `cat`, `repeat`), so their
 * gradients come from those ops' formulas.
 */
import { Tensor } from '../tensor.js';
import { cat } from './join.js';
import { narrow } from './indexing.js';
import { repeat, reshape } from './shape.js';
import { composite, normDim } from './util.js';

const list = (v: number | readonly number[]): readonly number[] => (typeof v === 'number' ? [v] : v);

/**
 * `torch.roll(input, shifts, dims=None)`: rotates the entries along each of `dims` by its shift
 * (entries moved past the end come back at the start); without `dims`, over the flattened tensor,
 * then restores the shape.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`roll(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  const s = list(shifts);
  if (!s.every(Number.isInteger)) throw new TypeError(`roll(): shifts must be integers (got [${s.join(', ')}])`);
  if (dims === undefined || dims === null) {
    if (s.length !== 1) throw new RangeError(`roll(): shifts and dimensions must align. shifts: ${s.length}, dims: 0`);
    return composite([x], () => reshape(roll(reshape(x, [-1]), s[0]!, 0), x.shape));
  }
  const ds = list(dims);
  if (s.length !== ds.length) throw new RangeError(`roll(): shifts and dimensions must align. shifts: ${s.length}, dims: ${ds.length}`);
  const nd = ds.map((d) => normDim(d, x.ndim, 'roll'));
  return composite([x], () => {
    let out = x.ndim === 0 ? reshape(x, [1]) : x;
    nd.forEach((d, i) => {
      const n = out.shape[d]!;
      const k = n === 0 ? 0 : ((s[i]! % n) + n) % n;
      if (k !== 0) out = cat([narrow(out, d, n - k, k), narrow(out, d, 0, n - k)], d);
    });
    if (x.ndim === 0) out = reshape(out, []);
    return out === x ? x.clone() : out;
  });
}

/**
 * `torch.tile(input, dims)`: `repeat` with `dims` padded by leading 1s when shorter than the
 * input's dims (and the input given leading size-1 dims when longer).
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`tile(): argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  const reps = [...Array(Math.max(0, x.ndim - dims.length)).fill(1), ...dims];
  return repeat(x, reps);
}
