/** `Flatten` (`torch.nn.Flatten`). */
import type { Tensor } from '@flint/tensor';
import { Module } from './module.js';

/** `torch.nn.Flatten(start_dim=1, end_dim=-1)`: `[N, C, H, W]` → `[N, C·H·W]` by default. */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
