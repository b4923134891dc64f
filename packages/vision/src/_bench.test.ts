import { it } from 'vitest';
import '@flint/autograd';
import { randn, tick } from '@flint/tensor';
import { F as nnF } from '@flint/nn';
import { BatchNorm2d } from './index.js';

it('bench', () => {
  const x = randn([16, 64, 32, 32]).keep();
  const xr = x.detach().requiresGrad_().keep();
  const bn = new BatchNorm2d(64);
  for (let i = 0; i < 8; i++) { const y = nnF.relu(bn(xr)); y.backward(y); xr.grad = null; bn.zeroGrad(); tick(); }
});
