/**
 * `LinearLR` (`torch.optim.lr_scheduler.LinearLR`): scales each group's learning rate by a factor
 * going linearly from `startFactor` to `endFactor` over `totalIters` epochs, then holds it.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LinearLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface LinearLROptions extends LRSchedulerOptions {
  /** Factor at epoch 0. Default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on. Default 1. */
  endFactor?: number;
  /** Epochs of the ramp. Default 5. */
  totalIters?: number;
}

/**
 * `torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1/3, end_factor=1, total_iters=5,
 * last_epoch=-1)`.
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer<any>, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch }: LinearLROptions = {}) {
    if (startFactor > 1 || startFactor < 0) throw new RangeError('Starting multiplicative factor expected to be between 0 and 1.');
    if (endFactor > 1 || endFactor < 0) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer, { lastEpoch });
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.groups.map((g) => (g.lr as number) * s);
    if (e > n) return this.groups.map((g) => g.lr as number);
    return this.groups.map((g) => (g.lr as number) * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
