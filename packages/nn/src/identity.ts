/** `Identity` (`torch.nn.Identity`). */
import type { Tensor } from '@flint/tensor';
import { Module } from './module.js';

/** `torch.nn.Identity()`: returns its input; a placeholder where a layer is optional. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}
