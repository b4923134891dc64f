/**
 * `OneCycleLR` (`torch.optim.lr_scheduler.OneCycleLR`), the 1cycle policy of Smith & Topin,
 * https://arxiv.org/abs/1708.07120. Per batch, the learning rate rises from maxLr / divFactor
 * to `maxLr` over `pctStart` of the steps, then anneals to initialLr / finalDivFactor (with
 * `threePhase`, it first comes back down to the initial rate). Momentum (SGD's `momentum`, or
 * β₁ of Adam's `betas`) cycles the opposite way between `maxMomentum` and `baseMomentum`.
 * The groups record `initialLr`, `maxLr`, `minLr`, `maxMomentum` and `baseMomentum`.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.OneCycleLR.html
 */
import { camelToSnake, type Optimizer, type ParamGroup } from '../optimizer.js';
import { isFiniteNumber, showInt } from '../validation.js';
import { checkOptimizer, Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

/** One value for every parameter group, or one per group. */
export type PerGroup = number | readonly number[];

export interface OneCycleLROptions extends LRSchedulerOptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: PerGroup;
  /** Total number of steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the learning rate. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** Lowest momentum. Default 0.85. */
  baseMomentum?: PerGroup;
  /** Highest momentum. Default 0.95. */
  maxMomentum?: PerGroup;
  /** initialLr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Use a third phase that anneals to minLr after coming back to initialLr. Default false. */
  threePhase?: boolean;
}

/** One phase of the one-cycle schedule (`_schedule_phases`). */
export interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * `torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None,
 * steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True,
 * base_momentum=0.85, max_momentum=0.95, div_factor=25, final_div_factor=1e4, three_phase=False,
 * last_epoch=-1)`; step it once per batch.
 */
export class OneCycleLR extends LRScheduler {
  static override readonly className: string = 'OneCycleLR';
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  schedulePhases: Phase[];

  /**
   * Checks every option (PyTorch's checks of the step counts, `pctStart` and `annealStrategy`,
   * plus finite `maxLr` ≥ 0, `divFactor` / `finalDivFactor` > 0, momenta ≥ 0 and < 1 for Adam's
   * β₁) before writing anything into the optimizer's groups.
   */
  constructor(optimizer: Optimizer<any>, options: OneCycleLROptions) {
    checkOptimizer(optimizer);
    const where: Where = new Where('OneCycleLR');
    const o = options ?? ({} as OneCycleLROptions);
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true } = o;
    const { baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1 } = o;
    const isPositiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
    let total: number;
    if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (totalSteps !== undefined) {
      if (!isPositiveInt(totalSteps)) throw new RangeError(`Expected positive integer total_steps, but got ${showInt(totalSteps)}`);
      total = totalSteps;
    } else {
      if (!isPositiveInt(epochs)) throw new RangeError(`Expected positive integer epochs, but got ${showInt(epochs)}`);
      if (!isPositiveInt(stepsPerEpoch)) throw new RangeError(`Expected positive integer steps_per_epoch, but got ${showInt(stepsPerEpoch)}`);
      total = epochs! * stepsPerEpoch!;
    }
    if (typeof pctStart !== 'number' || !(pctStart >= 0 && pctStart <= 1)) {
      throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${showInt(pctStart)}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${showInt(annealStrategy)}`);
    }
    where.flag('cycleMomentum', cycleMomentum);
    where.flag('threePhase', threePhase);
    where.factor('divFactor', divFactor);
    where.factor('finalDivFactor', finalDivFactor);
    where.lastEpoch(lastEpoch);
    if (lastEpoch + 1 > total) throw new RangeError(`Tried to step ${lastEpoch + 2} times. The specified number of total steps is ${total}`);
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup(where, 'maxLr', groups, maxLr, (w, name, v) => w.nonNegative(name, v));
    let useBeta1 = false;
    let maxMomentums: readonly number[] = [];
    let baseMomentums: readonly number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new Error('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const momentum = (w: Where, name: string, v: unknown): void =>
        useBeta1 ? w.number(name, v, (m) => m >= 0 && m < 1, 'a finite number in [0, 1) (it becomes beta1)') : w.nonNegative(name, v);
      maxMomentums = perGroup(where, 'maxMomentum', groups, maxMomentum, momentum);
      baseMomentums = perGroup(where, 'baseMomentum', groups, baseMomentum, momentum);
    }
    if (lastEpoch !== -1) {
      // Resuming: the groups must hold what the first OneCycleLR wrote into them.
      const keys = ['initialLr', 'maxLr', 'minLr', ...(cycleMomentum ? ['maxMomentum', 'baseMomentum'] : [])];
      groups.forEach((g, i) => keys.forEach((k) => where.nonNegative(`param_groups[${i}].${k} (needed to resume at lastEpoch ${lastEpoch})`, g[k])));
    }
    super(optimizer, { lastEpoch });
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = g.initialLr / finalDivFactor;
      });
      if (cycleMomentum) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxMomentums[i]!, ...(g.betas as number[]).slice(1)];
          else g.momentum = maxMomentums[i]!;
          g.maxMomentum = maxMomentums[i]!;
          g.baseMomentum = baseMomentums[i]!;
        });
      }
      this.baseLrs = groups.map((g) => g.initialLr!);
    }
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.schedulePhases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['totalSteps', 'annealStrategy', 'cycleMomentum', 'useBeta1', 'schedulePhases'];
  }

  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    where.positiveInt('totalSteps', f.totalSteps);
    if (f.annealStrategy !== 'cos' && f.annealStrategy !== 'linear') {
      where.failPy(`anneal_strategy must by one of 'cos' or 'linear', instead got ${showInt(f.annealStrategy)}`);
    }
    where.flag('cycleMomentum', f.cycleMomentum);
    where.flag('useBeta1', f.useBeta1);
    const phases = f.schedulePhases;
    const names = new Set(['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum']);
    const okPhase = (p: unknown): boolean => {
      if (p === null || typeof p !== 'object') return false;
      const ph = p as Record<string, unknown>;
      return isFiniteNumber(ph.endStep) && ['startLr', 'endLr', 'startMomentum', 'endMomentum'].every((k) => names.has(ph[k] as string));
    };
    if (!Array.isArray(phases) || (phases.length !== 2 && phases.length !== 3) || !phases.every(okPhase)) {
      where.fail('schedulePhases must be the 2 or 3 phases OneCycleLR saves ({ endStep, startLr, endLr, startMomentum, endMomentum })', TypeError);
    }
    if ((f.lastEpoch as number) > (f.totalSteps as number)) where.fail(`lastEpoch ${f.lastEpoch as number} is past totalSteps ${f.totalSteps as number}`);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected override getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i]!;
        if (stepNum <= phase.endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}

/** One value per group: `value` for all, or an array with one per group, each checked with `check`. */
function perGroup(
  where: Where,
  name: string,
  groups: readonly ParamGroup<any>[],
  value: unknown,
  check: (where: Where, name: string, v: unknown) => void,
): readonly number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups.length) throw new RangeError(`expected ${groups.length} values for ${camelToSnake(name)}, got ${value.length}`);
    value.forEach((v, i) => check(where, `${name}[${i}]`, v));
    return value as number[];
  }
  check(where, name, value);
  return groups.map(() => value as number);
}
