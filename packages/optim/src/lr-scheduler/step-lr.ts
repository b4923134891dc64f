/**
 * `StepLR`: multiplies each group's learning rate by `gamma` every `stepSize` epochs
 * (`torch.optim.lr_scheduler.StepLR`): lr = initialLr · γ^⌊epoch / stepSize⌋.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.StepLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

/** `torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)`. */
export class StepLR extends LRScheduler {
  static override readonly className: string = 'StepLR';
  stepSize: number;
  gamma: number;

  /** `stepSize` must be a positive integer, `gamma` a finite number > 0. */
  constructor(optimizer: Optimizer<any>, options: StepLROptions) {
    const { stepSize, gamma = 0.1, lastEpoch } = options ?? ({} as StepLROptions);
    checkStepLR({ stepSize, gamma }, new Where('StepLR'));
    super(optimizer, { lastEpoch });
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['stepSize', 'gamma'];
  }

  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    checkStepLR(f, where);
  }

  protected override getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr as number);
    return this.groups.map((g) => (g.lr as number) * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

function checkStepLR(f: { stepSize?: unknown; gamma?: unknown }, where: Where): void {
  where.positiveInt('stepSize', f.stepSize);
  where.factor('gamma', f.gamma);
}
