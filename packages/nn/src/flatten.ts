/** `Flatten` (`torch.nn.Flatten`). */
import type { Tensor } from '@flint/tensor';
import { bindArgs, intArg } from './args.js';
import { Module } from './module.js';

export interface FlattenOptions {
  /** First dim to flatten (default 1). */
  startDim?: number;
  /** Last dim to flatten (default -1). */
  endDim?: number;
}

/**
 * `torch.nn.Flatten(start_dim=1, end_dim=-1)`: `[N, C, H, W]` → `[N, C·H·W]` by default.
 * `new Flatten(0, 1)` is `new Flatten({ startDim: 0, endDim: 1 })`.
 */
export class Flatten extends Module {
  static override readonly className: string = 'Flatten';
  readonly startDim: number;
  readonly endDim: number;
  constructor(options?: FlattenOptions);
  constructor(startDim?: number, endDim?: number | Pick<FlattenOptions, 'endDim'>);
  constructor(...args: unknown[]) {
    super();
    const a = bindArgs('Flatten', args, ['startDim', 'endDim']);
    this.startDim = intArg('Flatten', 'startDim', a.startDim, 1);
    this.endDim = intArg('Flatten', 'endDim', a.endDim, -1);
  }
  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
