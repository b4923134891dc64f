/**
 * `MultiStepLR`: multiplies each group's learning rate by `gamma` at each milestone epoch
 * (`torch.optim.lr_scheduler.MultiStepLR`); a milestone listed twice decays twice. The milestones
 * must be increasing (repeats allowed) non-negative integers.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiStepLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epoch indices at which to decay. */
  milestones: readonly number[];
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
}

/** `torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)`. */
export class MultiStepLR extends LRScheduler {
  static override readonly className: string = 'MultiStepLR';
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer<any>, options: MultiStepLROptions) {
    const { milestones, gamma = 0.1, lastEpoch } = options ?? ({} as MultiStepLROptions);
    checkMultiStepLR({ milestones, gamma }, new Where('MultiStepLR'));
    super(optimizer, { lastEpoch });
    this.milestones = [...milestones];
    this.gamma = gamma;
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['milestones', 'gamma'];
  }

  /** Also takes PyTorch's form of the milestones, a `Counter` (`{ "4": 1, "10": 2 }`). */
  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    const m = f.milestones;
    if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
      f.milestones = Object.entries(m as Record<string, unknown>)
        .flatMap(([k, n]) => (Number.isInteger(n) && (n as number) > 0 ? Array.from({ length: n as number }, () => Number(k)) : [NaN]))
        .sort((a, b) => a - b);
    }
    checkMultiStepLR(f, where);
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

function checkMultiStepLR(f: { milestones?: unknown; gamma?: unknown }, where: Where): void {
  where.milestones(f.milestones, false);
  where.factor('gamma', f.gamma);
}
