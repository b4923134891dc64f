/** The page's model: a small CNN for 28×28 digits (PyTorch: the same `nn.Sequential`). */
import { Flatten, Linear, ReLU, Sequential } from '@flint/nn';
import { AvgPool2d, BatchNorm2d, Conv2d } from '@flint/vision';

/** conv3x3-bn-relu (1→8, 28×28) → avg-pool → conv3x3-bn-relu (8→16, 14×14) → avg-pool → linear (784→10). */
export function smallCnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, bias: false }),
    new BatchNorm2d(8),
    new ReLU(),
    new AvgPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1, bias: false }),
    new BatchNorm2d(16),
    new ReLU(),
    new AvgPool2d(2),
    new Flatten(),
    new Linear(16 * 7 * 7, 10),
  );
}
