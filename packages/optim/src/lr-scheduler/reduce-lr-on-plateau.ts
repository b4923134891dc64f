/**
 * `ReduceLROnPlateau` (`torch.optim.lr_scheduler.ReduceLROnPlateau`): multiplies the learning
 * rates by `factor` once a metric has stopped improving for more than `patience` calls of
 * `step(metric)`, then waits `cooldown` calls before counting again. Improvement is judged with
 * `threshold` relative to the best value (`thresholdMode: 'rel'`) or absolutely (`'abs'`);
 * changes smaller than `eps` are skipped, and no rate goes below `minLr`.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ReduceLROnPlateau.html
 */
import { Tensor } from '@flint/tensor';
import type { Optimizer } from '../optimizer.js';
import { kind } from '../validation.js';
import { checkOptimizer, Where } from './checks.js';
import { prepareSchedulerLoad, schedulerState, type Scheduler } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** `'min'`: the metric should go down (a loss); `'max'`: up (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** Factor by which the learning rate is reduced. Default 0.1. */
  factor?: number;
  /** Number of calls without improvement tolerated. Default 10. */
  patience?: number;
  /** Threshold for measuring a new best. Default 1e-4. */
  threshold?: number;
  /** `'rel'` (default) or `'abs'`. */
  thresholdMode?: 'rel' | 'abs';
  /** Calls to wait after a reduction. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate, one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Minimal change of the learning rate that is applied. Default 1e-8. */
  eps?: number;
}

/**
 * `torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10,
 * threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)`; call `step(metric)`.
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly optimizer: Optimizer<any>;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best: number;
  numBadEpochs = 0;
  modeWorse: number;
  eps: number;
  lastEpoch = 0;
  /** @internal */
  _lastLr: number[];

  /**
   * PyTorch's checks (`factor` < 1, `mode`, `thresholdMode`, one `minLr` per group), plus
   * `factor` ≥ 0, integer `patience` / `cooldown` ≥ 0 and finite `threshold`, `minLr`, `eps` ≥ 0.
   */
  constructor(optimizer: Optimizer<any>, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer(optimizer);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options ?? {};
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== n) throw new RangeError(`expected ${n} min_lrs, got ${minLr.length}`);
    const minLrs = Array.isArray(minLr) ? [...(minLr as number[])] : Array.from({ length: n }, () => minLr as number);
    checkPlateau({ mode, factor, patience, threshold, thresholdMode, cooldown, minLrs, eps }, new Where('ReduceLROnPlateau'), n);
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = minLrs;
    this.patience = patience;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces if it plateaued. */
  step(metric: number | Tensor): void {
    if (typeof metric !== 'number' && !(metric instanceof Tensor)) {
      throw new TypeError(`ReduceLROnPlateau.step: the metric must be a number or a one-element tensor (got ${kind(metric)})`);
    }
    const current = metric instanceof Tensor ? metric.item() : metric;
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr as number;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** Whether the scheduler is waiting out its cooldown (`in_cooldown`). */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold (`is_better`). */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  getLastLr(): number[] {
    return [...this._lastLr];
  }

  stateDict(): Record<string, unknown> {
    return schedulerState(this);
  }

  /**
   * Restores fields saved by `stateDict()` (or by PyTorch), checked first as the constructor
   * checks its options; `best` saved as `null` (JSON's infinity) is the worst value of `mode`.
   */
  loadStateDict(stateDict: Record<string, unknown>): void {
    prepareSchedulerLoad(this, stateDict, {
      cls: 'ReduceLROnPlateau',
      required: ['factor', 'minLrs', 'patience', 'cooldown', 'cooldownCounter', 'mode', 'threshold', 'thresholdMode', 'best', 'numBadEpochs', 'eps', 'lastEpoch'],
      validate: (f: Record<string, unknown>, where: Where) => {
        const n = this.optimizer.paramGroups.length;
        checkPlateau(f, where, n);
        f.modeWorse = f.mode === 'min' ? Infinity : -Infinity;
        if (f.best === null) f.best = f.modeWorse;
        if (typeof f.best !== 'number' || Number.isNaN(f.best)) where.fail(`best must be a number (got ${kind(f.best)})`, TypeError);
        where.integer('cooldownCounter', f.cooldownCounter, 0);
        where.integer('numBadEpochs', f.numBadEpochs, 0);
        where.integer('lastEpoch', f.lastEpoch, 0);
        if ('_lastLr' in f) where.perGroup('_lastLr', f._lastLr, n);
      },
    })();
  }
}

/** The options, as the constructor and `loadStateDict` check them. */
function checkPlateau(f: Record<string, unknown>, where: Where, groups: number): void {
  if (typeof f.factor === 'number' && f.factor >= 1) where.failPy('Factor should be < 1.0.');
  where.number('factor', f.factor, (x) => x >= 0 && x < 1, 'a finite number in [0, 1)');
  if (f.mode !== 'min' && f.mode !== 'max') where.failPy(`mode ${String(f.mode)} is unknown!`);
  where.integer('patience', f.patience, 0);
  where.nonNegative('threshold', f.threshold);
  if (f.thresholdMode !== 'rel' && f.thresholdMode !== 'abs') where.failPy(`threshold mode ${String(f.thresholdMode)} is unknown!`);
  where.integer('cooldown', f.cooldown, 0);
  where.perGroup('minLr', f.minLrs, groups);
  where.nonNegative('eps', f.eps);
}
