/**
 * `LambdaLR` (`torch.optim.lr_scheduler.LambdaLR`): lr = initialLr · lrLambda(epoch), with one
 * function for all groups or one per group. A factor that is not a finite number ≥ 0 is an error
 * (the step is not taken).
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LambdaLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { kind, showInt } from '../validation.js';
import { checkOptimizer, Where } from './checks.js';
import { LRScheduler, type LRSchedulerOptions } from './lr-scheduler.js';

export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor as a function of the epoch, or one such function per parameter group. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/** One function per group, checked against the group count (shared with `MultiplicativeLR`). */
export function lambdasFor(optimizer: Optimizer<any>, lrLambda: LrLambda | readonly LrLambda[], cls = 'LambdaLR'): LrLambda[] {
  checkOptimizer(optimizer);
  const where: Where = new Where(cls);
  const n = optimizer.paramGroups.length;
  if (typeof lrLambda === 'function') return Array.from({ length: n }, () => lrLambda);
  if (!Array.isArray(lrLambda)) where.fail(`lrLambda must be a function or an array of one function per param group (got ${kind(lrLambda)})`, TypeError);
  if (lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
  lrLambda.forEach((f, i) => {
    if (typeof f !== 'function') where.fail(`lrLambda[${i}] must be a function (got ${kind(f)})`, TypeError);
  });
  return [...lrLambda];
}

/** The factor `lrLambdas[i](epoch)`, which must be a finite number ≥ 0. */
export function factorOf(cls: string, lambdas: readonly LrLambda[], i: number, epoch: number): number {
  const factor: unknown = lambdas[i]!(epoch);
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
    throw new (typeof factor === 'number' ? RangeError : TypeError)(
      `${cls}: lrLambda(${epoch}) for param group ${i} returned ${showInt(factor)}; the factor must be a finite number >= 0`,
    );
  }
  return factor;
}

/** `torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch=-1)`. */
export class LambdaLR extends LRScheduler {
  static override readonly className: string = 'LambdaLR';
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any>, options: LambdaLROptions) {
    const { lrLambda, lastEpoch } = options ?? ({} as LambdaLROptions);
    const lambdas = lambdasFor(optimizer, lrLambda, 'LambdaLR');
    super(optimizer, { lastEpoch });
    this.lrLambdas = lambdas;
    this.initialStep();
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((b, i) => b * factorOf('LambdaLR', this.lrLambdas, i, this.lastEpoch));
  }

  /** The functions cannot be saved; they stay out of the state dict (PyTorch saves `None` for plain lambdas). */
  protected override stateSkip(): readonly string[] {
    return ['lrLambdas'];
  }
}
