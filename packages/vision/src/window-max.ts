/**
 * @internal The maximum over arbitrary windows, with PyTorch's indices: `max_pool1d` with
 * `return_indices` and `adaptive_max_pool2d` both run through here.
 *
 * A window is `k` flat positions along the last dim, listed in `table` (`[outN·k]`, window by
 * window). Short or padded windows repeat one of their own real positions, which never changes the
 * maximum nor which position holds its first occurrence. The taps are gathered with `indexSelect`
 * and reduced with `max(dim)`, so the gradient flows to the first maximum of each window (as
 * PyTorch's `*_with_indices_backward`) through existing formulas.
 */
import { arange, tensor, type Tensor } from '@flint/tensor';

/** `x [B, P]` → values `[B, outN]` and int32 positions in `[0, P)` of each window's first maximum. */
export function windowMax(x: Tensor, table: Int32Array, k: number): { values: Tensor; indices: Tensor } {
  const [b] = x.shape as [number, number];
  const outN = table.length / k;
  const taps = tensor(table, { shape: [table.length] });
  const windows = x.indexSelect(1, taps).reshape([b, outN, k]);
  const { values, indices: tap } = windows.max(2);
  const flat = tap.add(arange(0, outN * k, k).reshape([1, outN])).reshape([b * outN]);
  return { values, indices: taps.indexSelect(0, flat).reshape([b, outN]) };
}
