/**
 * `torch.view` / `torch.contiguous` as functions (the methods live on `Tensor`). Flint tensors are
 * always contiguous, so `view` is `reshape` with `view`'s error messages and `contiguous` is the
 * identity.
 */
import type { Tensor } from '../tensor.js';
import { reshape, shapeArg } from './shape.js';

/** `x.view(*shape)` as a function: `view(x, [2, -1])` or `view(x, 2, -1)`. */
export function view(x: Tensor, ...shape: number[] | [readonly number[]]): Tensor {
  return reshape(x, shapeArg(shape), 'view');
}

/** `x.contiguous()` as a function: returns `x` (Flint tensors are always contiguous). */
export function contiguous(x: Tensor): Tensor {
  return x;
}
