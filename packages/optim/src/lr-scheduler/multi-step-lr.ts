/**
 * `MultiStepLR`: multiplies each group's learning rate by `gamma` at each milestone epoch
 * (`torch.optim.lr_scheduler.MultiStepLR`); a milestone listed twice decays twice.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiStepLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epoch indices at which to decay. */
  milestones: readonly number[];
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

/** `torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)`. */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer<any>, { milestones, gamma = 0.1, lastEpoch }: MultiStepLROptions) {
    super(optimizer, { lastEpoch });
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groups.map((g) => g.lr as number);
    return this.groups.map((g) => (g.lr as number) * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
