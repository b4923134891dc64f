/** `Dropout` (`torch.nn.Dropout`). */
import type { Tensor } from '@flint/tensor';
import { checkDropoutP, dropout } from './functional/dropout.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/**
 * `torch.nn.Dropout(p=0.5)`: in training mode zeroes each element with probability `p` and
 * scales the others by 1 / (1 - p); in eval mode the identity. Seeded by `manualSeed`.
 * https://jmlr.org/papers/v15/srivastava14a.html
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkDropoutP(p);
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
