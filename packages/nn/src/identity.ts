/** `Identity` (`torch.nn.Identity`). */
import type { Tensor } from '@flint/tensor';
import { Module } from './module.js';

/**
 * `torch.nn.Identity(*args, **kwargs)`: returns its input; a placeholder where a layer is
 * optional. Like PyTorch's, it accepts and ignores any constructor arguments.
 */
export class Identity extends Module {
  static override readonly className: string = 'Identity';
  constructor(...args: unknown[]) {
    super();
    void args;
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}
