/**
 * `SequentialLR` (`torch.optim.lr_scheduler.SequentialLR`): runs `schedulers[0]` until
 * `milestones[0]`, then `schedulers[1]` (restarted at epoch 0, in closed form) until
 * `milestones[1]`, and so on, exactly as PyTorch 1.13 does, e.g. a LinearLR warm-up followed
 * by CosineAnnealingLR.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.SequentialLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { kind } from '../validation.js';
import { checkOptimizer, Where } from './checks.js';
import { compositeSchedulerState, loadCompositeSchedulerState, LRScheduler, type Scheduler } from './lr-scheduler.js';

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

  /**
   * Checks everything (PyTorch's checks of the optimizer and the milestone count, plus
   * LRScheduler instances and increasing integer milestones) before it resets the learning rates.
   */
  constructor(optimizer: Optimizer<any>, options: SequentialLROptions) {
    checkOptimizer(optimizer);
    const where: Where = new Where('SequentialLR');
    const { schedulers, milestones, lastEpoch = -1 } = options ?? ({} as SequentialLROptions);
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      where.fail(`schedulers must be a non-empty array of schedulers (got ${Array.isArray(schedulers) ? 'an empty array' : kind(schedulers)})`, TypeError);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) where.fail(`schedulers[${i}] must be an LRScheduler (got ${s?.constructor?.name ?? kind(s)})`, TypeError);
      if (s.optimizer !== optimizer) {
        throw new Error(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${Array.isArray(milestones) ? milestones.length : kind(milestones)}`,
      );
    }
    where.milestones(milestones, true);
    where.lastEpoch(lastEpoch);
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

  /** Restores `stateDict()`'s fields and each scheduler's state, all checked before any is loaded. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    loadCompositeSchedulerState(this, stateDict, {
      cls: 'SequentialLR',
      required: ['milestones', 'lastEpoch'],
      aliases: { _milestones: 'milestones' },
      validate: (f: Record<string, unknown>, where: Where) => {
        where.milestones(f.milestones, true);
        if ((f.milestones as number[]).length !== this.schedulers.length - 1) {
          where.fail(`milestones must have ${this.schedulers.length - 1} values, one fewer than the schedulers (got ${(f.milestones as number[]).length})`);
        }
        where.integer('lastEpoch', f.lastEpoch, 0);
        if ('_lastLr' in f) where.perGroup('_lastLr', f._lastLr, this.optimizer.paramGroups.length);
      },
    });
  }
}
