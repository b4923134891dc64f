/**
 * `LinearLR` (`torch.optim.lr_scheduler.LinearLR`): scales each group's learning rate by a factor
 * going linearly from `startFactor` to `endFactor` over `totalIters` epochs, then holds it.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LinearLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { Where } from './checks.js';
import { showInt } from '../validation.js';
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
  static override readonly className: string = 'LinearLR';
  startFactor: number;
  endFactor: number;
  totalIters: number;

  /** `startFactor` must be in (0, 1], `endFactor` in [0, 1], `totalIters` a positive integer. */
  constructor(optimizer: Optimizer<any>, options: LinearLROptions = {}) {
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch } = options ?? {};
    checkLinear({ startFactor, endFactor, totalIters }, new Where('LinearLR'));
    super(optimizer, { lastEpoch });
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['startFactor', 'endFactor', 'totalIters'];
  }

  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    checkLinear(f, where);
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

/** PyTorch's checks of the factors (2.x's range for `startFactor`: 0 would divide by zero), and `totalIters`. */
function checkLinear(f: { startFactor?: unknown; endFactor?: unknown; totalIters?: unknown }, where: Where): void {
  const { startFactor: s, endFactor: e } = f;
  if (typeof s !== 'number' || !Number.isFinite(s) || s > 1 || s <= 0) {
    where.failPy(
      `Starting multiplicative factor expected to be between 0 and 1. It must be greater than 0 and less or equal to 1; got ${showInt(s)}.`,
      typeof s === 'number' ? RangeError : TypeError,
    );
  }
  if (typeof e !== 'number' || !Number.isFinite(e) || e > 1 || e < 0) {
    where.failPy(`Ending multiplicative factor expected to be between 0 and 1. Got ${showInt(e)}.`, typeof e === 'number' ? RangeError : TypeError);
  }
  where.positiveInt('totalIters', f.totalIters);
}
