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

const perceptron = new Perceptron(3, 4, 1);
for (const [name, parameter] of perceptron.namedParameters()) {
  console.log(name, `[${parameter.size().join(', ')}]`);
}
console.log(String(perceptron(randn([2, 3]))));
console.log(String(perceptron));
