/**
 * `LRScheduler`: the base of the epoch-based learning-rate schedulers
 * (`torch.optim.lr_scheduler._LRScheduler`, PyTorch 1.13).
 *
 * Construction records `initialLr` (PyTorch's `initial_lr`) in each parameter group and takes
 * the first step (`lastEpoch` goes from -1 to 0). Each `step()` then advances `lastEpoch` and
 * writes the new learning rates into `optimizer.paramGroups[i].lr`. Most schedulers use
 * PyTorch's chainable (recursive) form, computed from the group's current `lr`, so sequences
 * match torch number for number.
 *
 * A subclass sets its fields, then calls `this.initialStep()` at the end of its constructor
 * (TypeScript initialises subclass fields only after `super()` returns).
 *
 * https://pytorch.org/docs/1.13/optim.html#how-to-adjust-learning-rate
 */
import { camelToSnake, snakeToCamel, type Optimizer, type ParamGroup } from '../optimizer.js';

/** What every scheduler offers (`step`, `getLastLr`, state dicts). */
export interface Scheduler {
  readonly optimizer: Optimizer<any>;
  step(...args: never[]): void;
  getLastLr(): number[];
  stateDict(): Record<string, unknown>;
  loadStateDict(stateDict: Record<string, unknown>): void;
}

export interface LRSchedulerOptions {
  /** The index of the last epoch, to resume a schedule. Default -1 (start). */
  lastEpoch?: number;
}

/** Serialises a scheduler's own fields (not the optimizer, not functions) with snake_case keys. */
export function schedulerState(obj: object, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'optimizer' || skip.includes(key) || typeof value === 'function') continue;
    out[camelToSnake(key)] = structuredClone(value);
  }
  return out;
}

/** The inverse of `schedulerState`. */
export function loadSchedulerState(obj: object, state: Record<string, unknown>, skip: readonly string[] = []): void {
  for (const [key, value] of Object.entries(state)) {
    const k = snakeToCamel(key);
    if (skip.includes(k)) continue;
    (obj as Record<string, unknown>)[k] = structuredClone(value);
  }
}

/**
 * State of a scheduler made of other schedulers (`ChainedScheduler`, `SequentialLR`): its own
 * fields plus each inner scheduler's state under `_schedulers`, as PyTorch saves them.
 */
export function compositeSchedulerState(obj: { readonly schedulers: readonly LRScheduler[] }): Record<string, unknown> {
  return { ...schedulerState(obj, ['schedulers']), _schedulers: obj.schedulers.map((s) => s.stateDict()) };
}

/** The inverse of `compositeSchedulerState`. */
export function loadCompositeSchedulerState(obj: { readonly schedulers: readonly LRScheduler[] }, stateDict: Record<string, unknown>): void {
  const { _schedulers, ...rest } = stateDict;
  loadSchedulerState(obj, rest, ['schedulers']);
  (_schedulers as Record<string, unknown>[]).forEach((s, i) => obj.schedulers[i]!.loadStateDict(s));
}

/**
 * The base of the epoch-based schedulers (`torch.optim.lr_scheduler._LRScheduler`); see the file
 * comment.
 */
export abstract class LRScheduler implements Scheduler {
  readonly optimizer: Optimizer<any>;
  /** Each group's `initialLr` when the scheduler was made (`base_lrs`). */
  baseLrs: number[];
  /** The index of the last step taken: 0 right after construction (`last_epoch`). */
  lastEpoch: number;
  /** @internal How many times `step` ran (`_step_count`). */
  _stepCount = 0;
  /** @internal */
  _lastLr: number[] = [];

  constructor(optimizer: Optimizer<any>, { lastEpoch = -1 }: LRSchedulerOptions = {}) {
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const g of groups) if (g.initialLr === undefined) g.initialLr = g.lr as number;
    } else {
      groups.forEach((g, i) => {
        if (g.initialLr === undefined) throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): ParamGroup<any>[] {
    return this.optimizer.paramGroups;
  }

  /** The learning rates of the next epoch, in the chainable form (`get_lr`). */
  protected abstract getLr(): number[];

  /** The closed form of the schedule at `lastEpoch`, if the scheduler has one (`_get_closed_form_lr`). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** @internal Resets the step count and takes the first step (`_initial_step`). */
  initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** Advances one epoch (or step) and updates the optimizer's learning rates. */
  step(): void {
    this._stepTo(undefined);
  }

  /**
   * @internal `step(epoch)`: jumps to `epoch` with the closed form where there is one, as
   * PyTorch's deprecated form (used by `SequentialLR` at milestones).
   */
  _stepTo(epoch: number | undefined): void {
    this._stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
    });
    this._lastLr = this.groups.map((g) => g.lr as number);
  }

  /** The learning rates set by the last step (`get_last_lr`). */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's fields except the optimizer (`state_dict`), with snake_case keys. */
  stateDict(): Record<string, unknown> {
    return schedulerState(this);
  }

  /** Restores fields saved by `stateDict()`. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    loadSchedulerState(this, stateDict);
  }
}
