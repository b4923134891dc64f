/**
 * `LambdaLR` (`torch.optim.lr_scheduler.LambdaLR`): lr = initialLr · lrLambda(epoch), with one
 * function for all groups or one per group.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LambdaLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, loadSchedulerState, schedulerState, type LRSchedulerOptions } from './lr-scheduler.js';

export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor as a function of the epoch, or one such function per parameter group. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/** One function per group, checked against the group count (shared with `MultiplicativeLR`). */
export function lambdasFor(optimizer: Optimizer<any>, lrLambda: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (typeof lrLambda === 'function') return Array.from({ length: n }, () => lrLambda);
  if (lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
  return [...lrLambda];
}

/** `torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch=-1)`. */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any>, { lrLambda, lastEpoch }: LambdaLROptions) {
    const lambdas = lambdasFor(optimizer, lrLambda);
    super(optimizer, { lastEpoch });
    this.lrLambdas = lambdas;
    this.initialStep();
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }

  /** The fields except the functions (which cannot be saved), as PyTorch for plain lambdas. */
  override stateDict(): Record<string, unknown> {
    return schedulerState(this, ['lrLambdas']);
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    loadSchedulerState(this, stateDict, ['lrLambdas']);
  }
}
