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
import type { Optimizer, ParamGroup } from '../optimizer.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

type PerGroup = number | readonly number[];

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

interface Phase {
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
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  schedulePhases: Phase[];

  constructor(optimizer: Optimizer<any>, options: OneCycleLROptions) {
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true } = options;
    const { baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1 } = options;
    let total: number;
    if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
      throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    } else if (totalSteps !== undefined) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) throw new RangeError(`Expected positive integer total_steps, but got ${totalSteps}`);
      total = totalSteps;
    } else {
      if (epochs === undefined || epochs <= 0 || !Number.isInteger(epochs)) throw new RangeError(`Expected positive integer epochs, but got ${epochs}`);
      if (stepsPerEpoch === undefined || stepsPerEpoch <= 0 || !Number.isInteger(stepsPerEpoch)) {
        throw new RangeError(`Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      }
      total = epochs * stepsPerEpoch;
    }
    if (pctStart < 0 || pctStart > 1) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new RangeError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${annealStrategy as string}`);
    }
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup('max_lr', groups, maxLr);
    let useBeta1 = false;
    let maxMomentums: readonly number[] = [];
    let baseMomentums: readonly number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new Error('optimizer must support momentum with `cycle_momentum` option enabled');
      }
      useBeta1 = 'betas' in optimizer.defaults;
      maxMomentums = perGroup('max_momentum', groups, maxMomentum);
      baseMomentums = perGroup('base_momentum', groups, baseMomentum);
    }
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
    }
    super(optimizer, { lastEpoch });
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

function perGroup(name: string, groups: readonly ParamGroup<any>[], value: PerGroup): readonly number[] {
  if (typeof value === 'number') return groups.map(() => value);
  if (value.length !== groups.length) throw new RangeError(`expected ${groups.length} values for ${name}, got ${value.length}`);
  return value;
}
