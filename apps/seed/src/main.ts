/**
 * The seed's example, run as written:
 *
 * ```python
 * perceptron = Perceptron(3, 4, 1)
 * for name, parameter in perceptron.named_parameters():
 *     print(name, parameter.size())
 * print(perceptron(torch.randn(2, 3)))
 * ```
 */
import { randn } from '@flint/tensor';
import { Perceptron } from './perceptron.js';
import { RestNetBasicBlock } from './residual-block.js';

const perceptron = new Perceptron(3, 4, 1);
for (const [name, parameter] of perceptron.namedParameters()) {
  console.log(name, `[${parameter.size().join(', ')}]`);
}
console.log(String(perceptron(randn([2, 3]))));
console.log(String(perceptron));

// The seed's residual block, written by hand from Conv2d, BatchNorm2d and F.relu.
const block = new RestNetBasicBlock(64, 64, 1);
console.log(String(block));
console.log(`output size [${block(randn([1, 64, 8, 8])).size().join(", ")}]`);
