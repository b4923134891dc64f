/**
 * `ExponentialLR`: multiplies each group's learning rate by `gamma` every epoch
 * (`torch.optim.lr_scheduler.ExponentialLR`): lr = initialLr · γ^epoch.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ExponentialLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Multiplicative factor of the decay. */
  gamma: number;
}

/** `torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma, last_epoch=-1)`. */
export class ExponentialLR extends LRScheduler {
  static override readonly className: string = 'ExponentialLR';
  gamma: number;

  /** `gamma` must be a finite number > 0. */
  constructor(optimizer: Optimizer<any>, options: ExponentialLROptions) {
    const { gamma, lastEpoch } = options ?? ({} as ExponentialLROptions);
    const where: Where = new Where('ExponentialLR');
    where.factor('gamma', gamma);
    super(optimizer, { lastEpoch });
    this.gamma = gamma;
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['gamma'];
  }

  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    where.factor('gamma', f.gamma);
  }

  protected override getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr as number);
    return this.groups.map((g) => (g.lr as number) * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
