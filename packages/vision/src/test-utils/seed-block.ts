/**
 * The seed document's `RestNetBasicBlock`, written by hand from `Conv2d`, `BatchNorm2d` and
 * `F.relu` as a user would (the example in `apps/seed`; this copy feeds the oracle harness):
 *
 * ```python
 * class RestNetBasicBlock(nn.Module):
 *     def __init__(self, in_channels, out_channels, stride):
 *         super().__init__()
 *         self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1)
 *         self.bn1 = nn.BatchNorm2d(out_channels)
 *         self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=stride, padding=1)
 *         self.bn2 = nn.BatchNorm2d(out_channels)
 *     def forward(self, x):
 *         output = self.conv1(x)
 *         output = F.relu(self.bn1(output))
 *         output = self.conv2(output)
 *         output = self.bn2(output)
 *         return F.relu(x + output)
 * ```
 */
import type { Tensor } from '@flint/tensor';
import { F, Module } from '@flint/nn';
import { BatchNorm2d, Conv2d } from '../index.js';

export class RestNetBasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, stride: number) {
    super();
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1 });
    this.bn1 = new BatchNorm2d(outChannels);
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { stride, padding: 1 });
    this.bn2 = new BatchNorm2d(outChannels);
  }

  override forward(x: Tensor): Tensor {
    let output = this.conv1(x);
    output = F.relu(this.bn1(output));
    output = this.conv2(output);
    output = this.bn2(output);
    return F.relu(x.add(output));
  }
}
