import { describe, expect, it } from 'vitest';
import { cat, cumsum, gelu, manualSeed, randn, setOpTracer, type Tensor } from '@flint/tensor';
import { Flatten, Linear, Module, ModuleList, ReLU, Sequential } from '@flint/nn';
import { exportOnnx } from './export.js';
import { onnx } from './proto.js';
import { checkExport } from './test-utils/ort.js';

describe('exportOnnx', () => {
  it('exports an MLP with initialisers named by state-dict key and a dynamic batch', async () => {
    manualSeed(0);
    const model = new Sequential(new Flatten(), new Linear(12, 8), new ReLU(), new Linear(8, 3));
    const proto = await checkExport(model, [randn([2, 3, 4])], { dynamicBatch: true }, [randn([5, 3, 4])]);
    const graph = proto.graph!;
    expect(graph.initializer.map((t) => t.name)).toEqual(['1.weight', '1.bias', '3.weight', '3.bias']);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(graph.input.map((i) => i.name)).toEqual(['input']);
    expect(graph.output.map((o) => o.name)).toEqual(['output']);
    expect(graph.input[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3, 4]);
    expect(graph.node.map((n) => n.opType)).toEqual(['Constant', 'Reshape', 'Gemm', 'Relu', 'Gemm']);
  });

  it('keeps static shapes without dynamicAxes, and names axes as torch does', () => {
    const model = new Linear(3, 2);
    const dims = (bytes: Uint8Array, io: 'input' | 'output') => onnx.ModelProto.decode(bytes).graph![io][0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(exportOnnx(model, [randn([2, 3])]), 'input')).toEqual([2, 3]);
    const named = exportOnnx(model, [randn([2, 3])], { inputNames: ['x'], outputNames: ['y'], dynamicAxes: { x: { 0: 'n' }, y: [0] } });
    expect(dims(named, 'input')).toEqual(['n', 3]);
    expect(dims(named, 'output')).toEqual(['y_dynamic_axes_0', 2]);
  });

  it('exports user-written tensor ops (residual add, mean, permute, cat, softmax, scalar constants)', async () => {
    manualSeed(1);
    class Net extends Module {
      a = new Linear(4, 4);
      b = new Linear(8, 3);
      override forward(x: Tensor): Tensor {
        const h = gelu(this.a(x)).add(x).mul(0.5);
        const both = h.unsqueeze(1).permute(0, 2, 1).squeeze(-1);
        const y = this.b(cat([both, x.tanh().sub(1)], 1));
        return y.softmax(-1).add(y.mean(-1, true).div(y.abs().add(1).sqrt().sum(-1, true)));
      }
    }
    await checkExport(new Net(), [randn([2, 4])], { dynamicBatch: true }, [randn([5, 4])]);
  });

  it('restores training mode and removes its hooks and tracer', () => {
    const model = new Sequential(new Linear(2, 2));
    model.train();
    exportOnnx(model, [randn([1, 2])]);
    expect(model.training).toBe(true);
    expect(model._forwardHooks.size + model._forwardPreHooks.size).toBe(0);
    expect(setOpTracer(null)).toBe(null);
  });

  it('names an op with no mapping and the module path where it runs', () => {
    class Cum extends Module {
      override forward(x: Tensor): Tensor {
        return cumsum(x, 1);
      }
    }
    class Encoder extends Module {
      layers = new ModuleList([new Linear(3, 3), new Cum()]);
      override forward(x: Tensor): Tensor {
        for (const l of this.layers) x = l(x) as Tensor;
        return x;
      }
    }
    class Top extends Module {
      encoder = new Encoder();
      override forward(x: Tensor): Tensor {
        return this.encoder(x);
      }
    }
    expect(() => exportOnnx(new Top(), [randn([2, 3])])).toThrow("exportOnnx: op 'cumsum' in 'encoder.layers.1' has no ONNX mapping");
    expect(() => exportOnnx(new Cum(), [randn([2, 3])])).toThrow("exportOnnx: op 'cumsum' in the top-level module has no ONNX mapping");
  });

  it('ignores an unmapped op whose result the outputs do not use', async () => {
    class Net extends Module {
      fc = new Linear(3, 2);
      override forward(x: Tensor): Tensor {
        void cumsum(x, 1);
        return this.fc(x);
      }
    }
    await checkExport(new Net(), [randn([2, 3])]);
  });

  it('refuses bad options', () => {
    const model = new Linear(3, 2);
    const x = randn([2, 3]);
    expect(() => exportOnnx(model, [x], { opsetVersion: 13 })).toThrow('exportOnnx: opsetVersion 13 is not supported (the exporter writes opset 17)');
    expect(() => exportOnnx(model, [x], { dynamicAxes: { inputs: { 0: 'batch' } } })).toThrow("exportOnnx: dynamicAxes names 'inputs', which is neither an input (input) nor an output (output)");
    expect(() => exportOnnx(model, [x], { dynamicAxes: { input: { 2: 'batch' } } })).toThrow("exportOnnx: dynamic axis 2 of 'input' is out of range for shape [2, 3]");
    expect(() => exportOnnx(model, [x], { inputNames: ['a', 'b'] })).toThrow('exportOnnx: 2 inputNames for 1 inputs');
  });

  it('passes an input straight through to an output with an Identity', async () => {
    class Pair extends Module {
      fc = new Linear(2, 2);
      override forward(x: Tensor): [Tensor, Tensor] {
        return [this.fc(x), x];
      }
    }
    const proto = await checkExport(new Pair(), [randn([3, 2])]);
    expect(proto.graph!.node.map((n) => n.opType)).toContain('Identity');
  });
});
