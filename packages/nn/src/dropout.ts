/** `Dropout` (`torch.nn.Dropout`). */
import type { Tensor } from '@flint/tensor';
import { dropout, dropoutLayerArgs, type DropoutOptions } from './functional/dropout.js';
import { Module } from './module.js';
import { pyFloat } from './repr.js';

/**
 * `torch.nn.Dropout(p=0.5, inplace=False)`: in training mode zeroes each element with probability
 * `p` and scales the others by 1 / (1 - p); in eval mode the identity. Seeded by `manualSeed`.
 * `new Dropout(0.2)` is `new Dropout({ p: 0.2 })`. https://jmlr.org/papers/v15/srivastava14a.html
 */
export class Dropout extends Module {
  static override readonly className: string = 'Dropout';
  readonly p: number;
  readonly inplace: boolean;
  constructor(options?: Omit<DropoutOptions, 'training'>);
  constructor(p?: number, inplace?: boolean | Pick<DropoutOptions, 'inplace'>);
  constructor(...args: unknown[]) {
    super();
    ({ p: this.p, inplace: this.inplace } = dropoutLayerArgs('Dropout', args));
  }
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}
