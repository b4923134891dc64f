/**
 * `MultiplicativeLR` (`torch.optim.lr_scheduler.MultiplicativeLR`): from epoch 1 on, multiplies
 * each group's learning rate by lrLambda(epoch), which must be a finite number ≥ 0.
 *
 * https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiplicativeLR.html
 */
import type { Optimizer } from '../optimizer.js';
import { factorOf, lambdasFor, type LambdaLROptions, type LrLambda } from './lambda-lr.js';
import { LRScheduler } from './lr-scheduler.js';

export type MultiplicativeLROptions = LambdaLROptions;

/** `torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1)`. */
export class MultiplicativeLR extends LRScheduler {
  static override readonly className: string = 'MultiplicativeLR';
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer<any>, options: MultiplicativeLROptions) {
    const { lrLambda, lastEpoch } = options ?? ({} as MultiplicativeLROptions);
    const lambdas = lambdasFor(optimizer, lrLambda, 'MultiplicativeLR');
    super(optimizer, { lastEpoch });
    this.lrLambdas = lambdas;
    this.initialStep();
  }

  protected override getLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => (g.lr as number) * factorOf('MultiplicativeLR', this.lrLambdas, i, this.lastEpoch));
    return this.groups.map((g) => g.lr as number);
  }

  protected override stateSkip(): readonly string[] {
    return ['lrLambdas'];
  }
}
