/**
 * `CosineAnnealingLR` (`torch.optim.lr_scheduler.CosineAnnealingLR`), SGDR without restarts,
 * Loshchilov & Hutter, https://arxiv.org/abs/1608.03983:
 *   lr = ηmin + (initialLr − ηmin)(1 + cos(π · epoch / TMax)) / 2
 * computed with PyTorch's recursive form, so the sequence (which keeps oscillating past TMax)
 * matches torch step for step.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half-period of the cosine, in epochs (`T_max`; `tMax` is accepted too). */
  TMax?: number;
  /** Alias of `TMax`, the other way to camel-case `T_max`. */
  tMax?: number;
  /** Minimum learning rate (`eta_min`). Default 0. */
  etaMin?: number;
}

/** `torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1)`. */
export class CosineAnnealingLR extends LRScheduler {
  static override readonly className: string = 'CosineAnnealingLR';
  TMax: number;
  etaMin: number;

  /** `TMax` must be a finite number > 0, `etaMin` a finite number >= 0. */
  constructor(optimizer: Optimizer<any>, options: CosineAnnealingLROptions) {
    const { TMax, tMax, etaMin = 0, lastEpoch } = options ?? ({} as CosineAnnealingLROptions);
    const where: Where = new Where('CosineAnnealingLR');
    if (TMax !== undefined && tMax !== undefined && TMax !== tMax) where.fail(`TMax (${TMax}) and tMax (${tMax}) disagree: give one of them`);
    const T = TMax ?? tMax;
    checkCosine({ TMax: T, etaMin }, where);
    super(optimizer, { lastEpoch });
    this.TMax = T as number;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected override optionFields(): readonly string[] {
    return ['TMax', 'etaMin'];
  }

  protected override validateFields(f: Record<string, unknown>, where: Where): void {
    checkCosine(f, where);
  }

  protected override getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr as number);
    if (this._stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => (g.lr as number) + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * ((g.lr as number) - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}

function checkCosine(f: { TMax?: unknown; etaMin?: unknown }, where: Where): void {
  where.number('TMax', f.TMax, (t) => t > 0, 'a positive number of epochs');
  where.nonNegative('etaMin', f.etaMin);
}

/** Python's `%` (the result has the divisor's sign). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
