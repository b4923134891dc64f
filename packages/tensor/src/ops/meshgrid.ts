/**
 * `torch.meshgrid(*tensors, indexing='ij')`: coordinate grids from 1-D tensors, each an `expand`
 * view of its input (so gradients sum back through `expand`).
 */
import { isOptionsObject } from '../args.js';
import { Tensor } from '../tensor.js';
import { expand, reshape } from './shape.js';
import { composite } from './util.js';

/**
 * `meshgrid(a, b, …)`, `meshgrid([a, b, …])`, with a trailing `{ indexing: 'ij' | 'xy' }`: output k
 * has shape [len(a), len(b), …] and varies along dim k (`'ij'`, the default); `'xy'` swaps the first
 * two dims (shape [len(b), len(a), …]).
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | { indexing?: 'ij' | 'xy' })[]): Tensor[] {
  let rest = args;
  let indexing: unknown = 'ij';
  const last = rest[rest.length - 1];
  if (isOptionsObject(last)) {
    const bad = Object.keys(last).filter((k) => k !== 'indexing');
    if (bad.length > 0) throw new TypeError(`meshgrid: got an unexpected option '${bad[0]}'; its options are indexing`);
    indexing = (last as { indexing?: string }).indexing ?? 'ij';
    rest = rest.slice(0, -1);
  }
  const ts = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as Tensor[];
  if (indexing !== 'ij' && indexing !== 'xy') throw new RangeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  if (ts.length === 0) throw new RangeError('torch.meshgrid: expects a non-empty TensorList');
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`torch.meshgrid: expected tensor ${i} to be a Tensor (got ${t === null ? 'null' : typeof t})`);
    if (t.ndim > 1) throw new RangeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: shape [${t.shape.join(', ')}]`);
  });
  const swap = indexing === 'xy' && ts.length >= 2;
  const order = swap ? [ts[1]!, ts[0]!, ...ts.slice(2)] : ts;
  const shape = order.map((t) => t.numel());
  const grids = composite(order, () => order.map((t, k) => expand(reshape(t, shape.map((s, i) => (i === k ? s : 1))), shape)));
  return swap ? [grids[1]!, grids[0]!, ...grids.slice(2)] : grids;
}
