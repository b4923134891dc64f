import { randn } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { buildModel } from './models.js';

// The keys scripts/check_torch_load.py's PyTorch models have (printed from torch 1.13).
const TORCH_KEYS = {
  mlp: ['1.weight', '1.bias', '3.weight', '3.bias', '5.weight', '5.bias'],
  cnn: [
    '0.0.weight', '0.1.weight', '0.1.bias', '0.1.running_mean', '0.1.running_var', '0.1.num_batches_tracked',
    '2.conv1.weight', '2.bn1.weight', '2.bn1.bias', '2.bn1.running_mean', '2.bn1.running_var', '2.bn1.num_batches_tracked',
    '2.conv2.weight', '2.bn2.weight', '2.bn2.bias', '2.bn2.running_mean', '2.bn2.running_var', '2.bn2.num_batches_tracked',
    '3.0.weight', '3.1.weight', '3.1.bias', '3.1.running_mean', '3.1.running_var', '3.1.num_batches_tracked',
    '6.weight', '6.bias',
  ],
} as const;

describe('models', () => {
  for (const name of ['mlp', 'cnn', 'resnet'] as const) {
    it(`${name} maps [B, 1, 28, 28] to [B, 10] logits`, () => {
      const model = buildModel(name);
      model.eval();
      expect(model(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
    });
  }

  it('state-dict keys are the PyTorch models\' keys', () => {
    expect(Object.keys(buildModel('mlp').stateDict())).toEqual(TORCH_KEYS.mlp);
    expect(Object.keys(buildModel('cnn').stateDict())).toEqual(TORCH_KEYS.cnn);
    const resnet = Object.keys(buildModel('resnet').stateDict());
    expect(resnet.slice(0, 6)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked']);
    expect(resnet).toContain('layer2.0.downsample.0.weight');
    expect(resnet).toContain('layer3.0.downsample.1.running_var');
    expect(resnet.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
  });
});
