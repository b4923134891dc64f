import { randn } from '@flint/tensor';
import { expect, it } from 'vitest';
import { Perceptron } from './perceptron.js';

it("the seed's Perceptron has the seed's parameters and runs", () => {
  const net = new Perceptron(3, 4, 1);
  expect(net.namedParameters().map(([name, p]) => `${name} [${p.size().join(', ')}]`)).toEqual([
    'layer1.w [3, 4]',
    'layer1.b [4]',
    'layer2.w [4, 1]',
    'layer2.b [1]',
  ]);
  const y = net(randn([2, 3]));
  expect(y.shape).toEqual([2, 1]);
  expect(String(y)).toMatch(/^tensor\(\[\[ *-?\d+\.\d{4}\],\n {8}\[ *-?\d+\.\d{4}\]\], grad_fn=<AddBackward0>\)$/);
  expect(String(net)).toBe('Perceptron(\n  (layer1): Linear()\n  (layer2): Linear()\n)');
});
