/**
 * `ChainedScheduler` (`torch.optim.lr_scheduler.ChainedScheduler`): steps every scheduler in the
 * list at once, so their (chainable) factors multiply.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ChainedScheduler.html
 */
import type { Optimizer } from '../optimizer.js';
import { kind } from '../validation.js';
import { Where } from './checks.js';
import { compositeSchedulerState, loadCompositeSchedulerState, LRScheduler, type Scheduler } from './lr-scheduler.js';

/** `torch.optim.lr_scheduler.ChainedScheduler(schedulers)`. */
export class ChainedScheduler implements Scheduler {
  readonly optimizer: Optimizer<any>;
  readonly schedulers: readonly LRScheduler[];
  /** @internal */
  _lastLr: number[];

  constructor(schedulers: readonly LRScheduler[]) {
    const where: Where = new Where('ChainedScheduler');
    if (!Array.isArray(schedulers)) where.fail(`expects an array of schedulers (got ${kind(schedulers)})`, TypeError);
    if (schedulers.length === 0) throw new RangeError('ChainedScheduler expects at least one scheduler');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) where.fail(`schedulers[${i}] must be an LRScheduler (got ${s?.constructor?.name ?? kind(s)})`, TypeError);
    });
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

  /** Restores `stateDict()`'s fields and each scheduler's state, all checked before any is loaded. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    loadCompositeSchedulerState(this, stateDict, {
      cls: 'ChainedScheduler',
      required: [],
      validate: (f: Record<string, unknown>, where: Where) => {
        if ('_lastLr' in f) where.perGroup('_lastLr', f._lastLr, this.optimizer.paramGroups.length);
      },
    });
  }
}
