/**
 * `ChainedScheduler` (`torch.optim.lr_scheduler.ChainedScheduler`): steps every scheduler in the
 * list at once, so their (chainable) factors multiply.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ChainedScheduler.html
 */
import type { Optimizer } from '../optimizer.js';
import { compositeSchedulerState, loadCompositeSchedulerState, type LRScheduler, type Scheduler } from './lr-scheduler.js';

/** `torch.optim.lr_scheduler.ChainedScheduler(schedulers)`. */
export class ChainedScheduler implements Scheduler {
  readonly optimizer: Optimizer<any>;
  readonly schedulers: readonly LRScheduler[];
  /** @internal */
  _lastLr: number[];

  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new RangeError('ChainedScheduler expects at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0]!.optimizer) {
        throw new Error(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0]!.optimizer;
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
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
