import { describe, expect, it } from 'vitest';
import { onnx } from '@flint/onnx';
import { buildModel } from './models.js';
import { mnistOnnx } from './export-onnx.js';

describe('--export', () => {
  for (const name of ['mlp', 'cnn', 'resnet'] as const) {
    it(`writes the ${name} as ONNX with a dynamic batch`, () => {
      const model = buildModel(name);
      const { graph } = onnx.ModelProto.decode(mnistOnnx(model));
      const dims = (v: onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
      expect(graph!.input.map(dims)).toEqual([['batch', 1, 28, 28]]);
      expect(graph!.output.map(dims)).toEqual([['batch', 10]]);
      expect(graph!.initializer.map((t) => t.name).sort()).toEqual(Object.keys(model.stateDict()).filter((k) => !k.endsWith('num_batches_tracked')).sort());
      expect(model.training).toBe(true);
    });
  }
});
