import { describe, expect, it } from 'vitest';
import { manualSeed, randn } from '@flint/tensor';
import { Flatten, Linear, ReLU, Sequential } from '@flint/nn';
import { checkExport } from './test-utils/ort.js';

describe('exportOnnx', () => {
  it('exports an MLP', async () => {
    manualSeed(0);
    const model = new Sequential(new Flatten(), new Linear(12, 8), new ReLU(), new Linear(8, 3));
    const proto = await checkExport(model, [randn([2, 3, 4])], { dynamicBatch: true }, [randn([5, 3, 4])]);
    expect(proto.graph!.initializer.map((t) => t.name)).toEqual(['1.weight', '1.bias', '3.weight', '3.bias']);
  });
});
