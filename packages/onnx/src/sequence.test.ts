/**
 * Sequence models in ONNX Runtime: a 2-layer transformer encoder (batch first, with and without a
 * source mask, with an embedding in front), a bidirectional 2-layer LSTM (ONNX's LSTM op, gates
 * reordered), MultiheadAttention on its own; exported at batch 2 and run at batch 5.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, randint, randn, triu, ones, type Tensor } from '@flint/tensor';
import { Embedding, LSTM, Linear, Module, MultiheadAttention, TransformerEncoder, TransformerEncoderLayer } from '@flint/nn';
import { checkExport } from './test-utils/ort.js';

const dynamic = (inputs: string[], outputs: string[]) => ({
  inputNames: inputs,
  outputNames: outputs,
  dynamicAxes: Object.fromEntries([...inputs, ...outputs].map((n) => [n, { 0: 'batch' }])),
});

class Encoder extends Module {
  encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), 2);
  override forward(x: Tensor, mask?: Tensor): Tensor {
    return this.encoder(x, mask ? { mask } : {});
  }
}

describe('exportOnnx: transformer encoder', () => {
  it('2 layers, batch first, no mask', async () => {
    manualSeed(10);
    const model = new Encoder();
    const proto = await checkExport(model, [randn([2, 5, 8])], dynamic(['src'], ['out']), [randn([5, 5, 8])]);
    expect(proto.graph!.initializer.map((t) => t.name)).toContain('encoder.layers.1.self_attn.in_proj_weight');
  });
  it('with a causal float mask as a second input', async () => {
    manualSeed(11);
    const model = new Encoder();
    const mask = triu(ones([5, 5]), 1).mul(-1e9);
    const options = { inputNames: ['src', 'mask'], outputNames: ['out'], dynamicAxes: { src: { 0: 'batch' }, out: { 0: 'batch' } } };
    await checkExport(model, [randn([2, 5, 8]), mask], options, [randn([5, 5, 8]), mask]);
  });
  it('with a boolean mask and GELU, after an embedding', async () => {
    manualSeed(12);
    class Tagger extends Module {
      embed = new Embedding(20, 8);
      encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, activation: 'gelu', normFirst: true }), 2);
      head = new Linear(8, 4);
      override forward(ids: Tensor, mask: Tensor): Tensor {
        return this.head(this.encoder(this.embed(ids), { mask })).logSoftmax(-1);
      }
    }
    const mask = triu(ones([6, 6]), 1).bool();
    await checkExport(new Tagger(), [randint(0, 20, [2, 6]), mask], dynamic(['ids'], ['out']), [randint(0, 20, [5, 6]), mask]);
  });
  it('MultiheadAttention alone, sequence first, with attention weights', async () => {
    manualSeed(13);
    class Attn extends Module {
      attn = new MultiheadAttention(8, 4);
      override forward(q: Tensor, kv: Tensor): [Tensor, Tensor | null] {
        return this.attn(q, kv, kv);
      }
    }
    await checkExport(new Attn(), [randn([3, 2, 8]), randn([4, 2, 8])], { inputNames: ['q', 'kv'], outputNames: ['out', 'weights'] });
  });
});

describe('exportOnnx: LSTM', () => {
  it('bidirectional, 2 layers, batch first; output and [h, c]', async () => {
    manualSeed(14);
    const model = new LSTM(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
    const options = { inputNames: ['x'], outputNames: ['y', 'h', 'c'], dynamicAxes: { x: { 0: 'batch' }, y: { 0: 'batch' }, h: { 1: 'batch' }, c: { 1: 'batch' } } };
    const proto = await checkExport(model, [randn([2, 4, 3])], options, [randn([5, 4, 3])]);
    expect(proto.graph!.node.filter((n) => n.opType === 'LSTM')).toHaveLength(2);
    expect(proto.graph!.output.map((o) => o.name)).toEqual(['y', 'h', 'c']);
  });
  it('sequence first with initial states', async () => {
    manualSeed(15);
    const model = new LSTM(3, 4, { numLayers: 2 });
    const proto = await checkExport(model, [randn([6, 2, 3]), [randn([2, 2, 4]), randn([2, 2, 4])]]);
    expect(proto.graph!.input.map((i) => i.name)).toEqual(['input.0', 'input.1', 'input.2']);
  });
});
