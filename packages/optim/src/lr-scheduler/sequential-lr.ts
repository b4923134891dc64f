/**
 * `SequentialLR` (`torch.optim.lr_scheduler.SequentialLR`): runs `schedulers[0]` until
 * `milestones[0]`, then `schedulers[1]` (restarted at epoch 0, in closed form) until
 * `milestones[1]`, and so on, exactly as PyTorch 1.13 does, e.g. a LinearLR warm-up followed
 * by CosineAnnealingLR.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.SequentialLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { compositeSchedulerState, loadCompositeSchedulerState, type LRScheduler, type Scheduler } from './lr-scheduler.js';

export interface SequentialLROptions {
  /** The schedulers, in the order they run. */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over (one fewer than the schedulers). */
  milestones: readonly number[];
  /** Default -1. */
  lastEpoch?: number;
}

/** `torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers, milestones, last_epoch=-1)`. */
export class SequentialLR implements Scheduler {
  readonly optimizer: Optimizer<any>;
  readonly schedulers: readonly LRScheduler[];
  milestones: number[];
  lastEpoch: number;
  /** @internal */
  _lastLr: number[];

  constructor(optimizer: Optimizer<any>, { schedulers, milestones, lastEpoch = -1 }: SequentialLROptions) {
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new Error(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Reset the learning rates, undo the sub-schedulers' first steps, and start the first one.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!.initialStep();
    this._lastLr = schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler._stepTo(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }

  stateDict(): Record<string, unknown> {
    return compositeSchedulerState(this);
  }

  loadStateDict(stateDict: Record<string, unknown>): void {
    loadCompositeSchedulerState(this, stateDict);
  }
}
