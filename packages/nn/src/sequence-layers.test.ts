/**
 * The recurrent, attention and transformer layers beyond their oracle cases: PyTorch's reprs,
 * state-dict keys and init, positional = options forms, errors, gradcheck of the fused LSTM
 * layer, and a training loop that neither leaks nor loses a tensor.
 */
import { gradcheck, noGrad } from '@flint/autograd';
import { manualSeed, memory, randn, tensor, type Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { GruLayer, LstmLayer, RnnLayer } from './functional/fused-rnn.js';
import {
  F,
  GRU,
  GRUCell,
  LayerNorm,
  Linear,
  LSTM,
  LSTMCell,
  Module,
  MultiheadAttention,
  RNN,
  RNNCell,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
} from './index.js';

const keysAndShapes = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]);
const flat = (t: Tensor) => [...t.dataSync()];

describe('recurrent layers', () => {
  it('print as PyTorch 1.13', () => {
    expect(String(new LSTM(10, 20, { numLayers: 2, batchFirst: true, bidirectional: true, dropout: 0.5, projSize: 5 }))).toBe(
      'LSTM(10, 20, proj_size=5, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)',
    );
    expect(String(new RNN(3, 4, { nonlinearity: 'relu', bias: false }))).toBe('RNN(3, 4, bias=False)');
    expect(String(new GRU(3, 4, 2))).toBe('GRU(3, 4, num_layers=2)');
    expect(String(new RNNCell(3, 4, { nonlinearity: 'relu', bias: false }))).toBe('RNNCell(3, 4, bias=False, nonlinearity=relu)');
    expect(String(new LSTMCell(3, 4))).toBe('LSTMCell(3, 4)');
  });

  it("have PyTorch's state-dict keys and shapes, in order", () => {
    expect(keysAndShapes(new LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 }))).toEqual([
      ['weight_ih_l0', [16, 3]], ['weight_hh_l0', [16, 2]], ['bias_ih_l0', [16]], ['bias_hh_l0', [16]], ['weight_hr_l0', [2, 4]],
      ['weight_ih_l0_reverse', [16, 3]], ['weight_hh_l0_reverse', [16, 2]], ['bias_ih_l0_reverse', [16]], ['bias_hh_l0_reverse', [16]], ['weight_hr_l0_reverse', [2, 4]],
      ['weight_ih_l1', [16, 4]], ['weight_hh_l1', [16, 2]], ['bias_ih_l1', [16]], ['bias_hh_l1', [16]], ['weight_hr_l1', [2, 4]],
      ['weight_ih_l1_reverse', [16, 4]], ['weight_hh_l1_reverse', [16, 2]], ['bias_ih_l1_reverse', [16]], ['bias_hh_l1_reverse', [16]], ['weight_hr_l1_reverse', [2, 4]],
    ]);
    expect(keysAndShapes(new GRU(3, 5, { bias: false }))).toEqual([['weight_ih_l0', [15, 3]], ['weight_hh_l0', [15, 5]]]);
    expect(keysAndShapes(new GRUCell(3, 5))).toEqual([['weight_ih', [15, 3]], ['weight_hh', [15, 5]], ['bias_ih', [15]], ['bias_hh', [15]]]);
  });

  it('initialise every parameter in U(−1/√H, 1/√H)', () => {
    const m = new LSTM(8, 16, { numLayers: 2 });
    for (const p of m.parameters()) {
      const v = flat(p);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.2);
    }
  });

  it('positional and options forms build the same layer', () => {
    manualSeed(3);
    const a = new LSTM(3, 4, 2, true, true, 0, true);
    manualSeed(3);
    const b = new LSTM(3, 4, { numLayers: 2, bias: true, batchFirst: true, dropout: 0, bidirectional: true });
    expect(String(a)).toBe(String(b));
    const x = randn([2, 5, 3]);
    expect(flat(a(x)[0])).toEqual(flat(b(x)[0]));
    expect(new RNN(3, 4, 1, 'relu').nonlinearity).toBe('relu');
  });

  it('return the shapes PyTorch does: batched, batch-first, unbatched, bidirectional', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const [out, [h, c]] = lstm(randn([5, 2, 3]));
    expect([out.shape, h.shape, c.shape]).toEqual([[5, 2, 8], [4, 2, 4], [4, 2, 4]]);
    const [u, [hu]] = lstm(randn([5, 3]));
    expect([u.shape, hu.shape]).toEqual([[5, 8], [4, 4]]);
    const gru = new GRU(3, 6, { batchFirst: true });
    const [g, hn] = gru(randn([2, 7, 3]));
    expect([g.shape, hn.shape]).toEqual([[2, 7, 6], [1, 2, 6]]);
    // The last output step is the final state of a one-layer, one-direction layer.
    expect(flat(g.select(1, 6))).toEqual(flat(hn.select(0, 0)));
  });

  it('refuse bad input with the op, the shapes and what was expected', () => {
    expect(() => new LSTM(3, 4)(randn([2, 3, 5]))).toThrow('LSTM: input.size(-1) must be equal to input_size. Expected 3, got 5');
    expect(() => new GRU(3, 4)(randn([2, 3, 3]), randn([2, 3, 4]))).toThrow('GRU: Expected hidden size (1, 3, 4), got [2, 3, 4]');
    expect(() => new RNN(3, 4)(randn([2, 3, 3, 1]))).toThrow('RNN: Expected input to be 2-D or 3-D but received 4-D tensor');
    expect(() => new LSTM(3, 4)(randn([2, 1, 3]), randn([1, 1, 4]) as never)).toThrow('LSTM: hx must be [h0, c0]');
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow('proj_size has to be smaller than hidden_size');
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow("RNN: nonlinearity must be one of 'tanh', 'relu'");
    expect(() => new GRUCell(3, 4)(randn([2, 5]))).toThrow('GRUCell: input has inconsistent input_size: got 5 expected 3');
    expect(() => new LSTM(3, 4, { projSize: 2, foo: 1 } as never)).toThrow("LSTM: got an unexpected option 'foo'");
  });

  it('the fused LSTM layer passes gradcheck (input, states, both directions)', () => {
    manualSeed(5);
    const lstm = new LSTM(2, 3, { bidirectional: true });
    const x = randn([4, 2, 2]).requiresGrad_();
    const h0 = randn([2, 2, 3]).requiresGrad_();
    const c0 = randn([2, 2, 3]).requiresGrad_();
    expect(gradcheck((a, b, c) => {
      const [out, [h, cc]] = lstm(a!, [b!, c!]);
      return [out, h, cc];
    }, [x, h0, c0], { eps: 1e-2, atol: 2e-2, rtol: 2e-2 })).toBe(true);
    const w = lstm.weight_hh_l0_reverse as Tensor;
    const before = flat(w);
    (lstm(x)[0] as Tensor).sum().backward();
    expect(flat(w)).toEqual(before);
    expect(w.grad!.shape).toEqual([12, 3]);
  });

  it('the fused GRU, RNN and LSTM layers pass gradcheck in every argument, both directions', () => {
    manualSeed(6);
    const H = 2;
    const N = 2;
    const opts = { eps: 1e-2, atol: 2e-2, rtol: 2e-2 };
    const r = (shape: number[]) => randn(shape).mul(0.5).requiresGrad_();
    for (const reverse of [false, true]) {
      expect(gradcheck((gi, h, w, b) => GruLayer.apply(gi!, h!, w!, b!, reverse), [r([3, 3 * H, N]), r([H, N]), r([3 * H, H]), r([3 * H])], opts)).toBe(true);
      expect(gradcheck((gi, h, w) => RnnLayer.apply(gi!, h!, w!, reverse, false), [r([3, H, N]), r([H, N]), r([H, H])], opts)).toBe(true);
      expect(gradcheck((gi, h, c, w) => LstmLayer.apply(gi!, h!, c!, w!, reverse), [r([3, 4 * H, N]), r([H, N]), r([H, N]), r([4 * H, H])], opts)).toBe(true);
    }
    expect(gradcheck((gi, h, w) => RnnLayer.apply(gi!, h!, w!, false, true), [r([3, H, N]), r([H, N]), r([H, H])], opts)).toBe(true);
  });

  it('cells agree with one step of their layer', () => {
    manualSeed(9);
    const layer = new GRU(3, 4);
    const cell = new GRUCell(3, 4);
    cell.loadStateDict({ weight_ih: layer.weight_ih_l0, weight_hh: layer.weight_hh_l0, bias_ih: layer.bias_ih_l0, bias_hh: layer.bias_hh_l0 } as Record<string, Tensor>);
    const x = randn([1, 2, 3]);
    const h = randn([1, 2, 4]);
    const [, hn] = layer(x, h);
    const hc = cell(x.select(0, 0), h.select(0, 0));
    flat(hn.select(0, 0)).forEach((v, i) => expect(v).toBeCloseTo(flat(hc)[i]!, 5));
    const lstm = new LSTMCell(3, 4);
    const [h1, c1] = lstm(randn([3]));
    expect([h1.shape, c1.shape]).toEqual([[4], [4]]);
  });
});

describe('attention', () => {
  it('MultiheadAttention prints and keys as PyTorch', () => {
    expect(String(new MultiheadAttention(8, 2))).toBe('MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)');
    expect(keysAndShapes(new MultiheadAttention(8, 2, { addBiasKv: true }))).toEqual([
      ['in_proj_weight', [24, 8]], ['in_proj_bias', [24]], ['bias_k', [1, 1, 8]], ['bias_v', [1, 1, 8]], ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(keysAndShapes(new MultiheadAttention(8, 2, { kdim: 4, vdim: 5 }))).toEqual([
      ['q_proj_weight', [8, 8]], ['k_proj_weight', [8, 4]], ['v_proj_weight', [8, 5]], ['in_proj_bias', [24]], ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(() => new MultiheadAttention(8, 3)).toThrow('embed_dim must be divisible by num_heads');
  });

  it('weights sum to one over the keys and respect the masks', () => {
    const mha = new MultiheadAttention(4, 2);
    const q = randn([3, 2, 4]);
    const kv = randn([5, 2, 4]);
    const pad = tensor([[false, false, false, true, true], [false, false, false, false, false]]);
    const [out, w] = mha(q, kv, kv, { keyPaddingMask: pad });
    expect(out.shape).toEqual([3, 2, 4]);
    expect(w!.shape).toEqual([2, 3, 5]);
    for (const s of flat(w!.sum(-1))) expect(s).toBeCloseTo(1, 5);
    expect(flat(w!.select(0, 0).narrow(1, 3, 2))).toEqual([0, 0, 0, 0, 0, 0]);
    const [, perHead] = mha(q, kv, kv, { averageAttnWeights: false });
    expect(perHead!.shape).toEqual([2, 2, 3, 5]);
    expect(mha(q, kv, kv, { needWeights: false })[1]).toBeNull();
    expect(() => mha(q, kv, kv, { attnMask: tensor([[true]]) })).toThrow('The shape of the 2D attn_mask is [1, 1], but should be [3, 5].');
    expect(() => mha(q, randn([5, 2, 3]), kv)).toThrow('MultiheadAttention');
  });

  it('scaledDotProductAttention: causal is the bool mask tril, float masks add', () => {
    const [q, k, v] = [randn([2, 4, 3]), randn([2, 4, 3]), randn([2, 4, 5])];
    const causal = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    const allowed = tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]).gt(0);
    const masked = F.scaledDotProductAttention(q, k, v, { attnMask: allowed });
    flat(causal).forEach((x, i) => expect(x).toBeCloseTo(flat(masked)[i]!, 6));
    const additive = F.scaledDotProductAttention(q, k, v, { attnMask: Transformer.generateSquareSubsequentMask(4) });
    flat(causal).forEach((x, i) => expect(x).toBeCloseTo(flat(additive)[i]!, 6));
    // The first query sees only the first key: its output is v's first row.
    expect(flat(causal.select(0, 0).select(0, 0)).map((x) => x.toFixed(5))).toEqual(flat(v.select(0, 0).select(0, 0)).map((x) => x.toFixed(5)));
    expect(() => F.scaledDotProductAttention(q, randn([2, 4, 2]), v)).toThrow('scaledDotProductAttention: expected query [..., L, E]');
  });
});

describe('transformer layers', () => {
  it('print and key as PyTorch', () => {
    const layer = new TransformerEncoderLayer(8, 2, 16);
    expect(String(layer)).toBe(
      [
        'TransformerEncoderLayer(',
        '  (self_attn): MultiheadAttention(',
        '    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)',
        '  )',
        '  (linear1): Linear(in_features=8, out_features=16, bias=True)',
        '  (dropout): Dropout(p=0.1, inplace=False)',
        '  (linear2): Linear(in_features=16, out_features=8, bias=True)',
        '  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
        '  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)',
        '  (dropout1): Dropout(p=0.1, inplace=False)',
        '  (dropout2): Dropout(p=0.1, inplace=False)',
        ')',
      ].join('\n'),
    );
    expect(Object.keys(new TransformerDecoderLayer(8, 2, 16).stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'multihead_attn.in_proj_weight', 'multihead_attn.in_proj_bias', 'multihead_attn.out_proj.weight', 'multihead_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias', 'norm3.weight', 'norm3.bias',
    ]);
  });

  it('an encoder holds independent copies of its layer, equal at the start', () => {
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new LayerNorm(8) });
    const sd = enc.stateDict();
    expect(Object.keys(sd).filter((k) => k.startsWith('layers.1.')).length).toBe(12);
    expect(flat(sd['layers.0.linear1.weight']!)).toEqual(flat(sd['layers.1.linear1.weight']!));
    noGrad(() => (enc.layers.at(0) as TransformerEncoderLayer).linear1.weight.add_(1));
    expect(flat(enc.stateDict()['layers.0.linear1.weight']!)).not.toEqual(flat(enc.stateDict()['layers.1.linear1.weight']!));
    const factory = new TransformerDecoder(() => new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 3);
    expect(factory.layers.length).toBe(3);
    expect(() => new TransformerEncoder(new Linear(2, 2), 2)).toThrow('TransformerEncoder: cannot copy Linear');
  });

  it('a Transformer maps [S, N, E] and [T, N, E] to [T, N, E], with Xavier init', () => {
    const t = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0 });
    const out = t(randn([5, 2, 8]), randn([3, 2, 8]), { tgtMask: Transformer.generateSquareSubsequentMask(3) });
    expect(out.shape).toEqual([3, 2, 8]);
    expect(Object.keys(t.stateDict()).filter((k) => k.startsWith('decoder.layers.1.')).length).toBe(18);
    expect(flat(Transformer.generateSquareSubsequentMask(3))).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
    expect(() => t(randn([5, 2, 8]), randn([3, 3, 8]))).toThrow('the batch number of src and tgt must be equal');
  });

  it('causal: a later token does not change earlier outputs', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true, activation: 'gelu' });
    const x = randn([1, 4, 8]);
    const mask = Transformer.generateSquareSubsequentMask(4);
    const a = layer(x, { srcMask: mask });
    const y = x.clone();
    y.setIndex([0, 3], randn([8]));
    const b = layer(y, { srcMask: mask });
    flat(a.narrow(1, 0, 3)).forEach((v, i) => expect(v).toBeCloseTo(flat(b.narrow(1, 0, 3))[i]!, 5));
  });
});

describe('sequence layers: memory', () => {
  it('an LSTM + attention training loop, written the PyTorch way, stays flat', () => {
    class Net extends Module {
      lstm = new LSTM(4, 8, { bidirectional: true, batchFirst: true });
      attn = new MultiheadAttention(16, 2, { batchFirst: true });
      head = new Linear(16, 3);
      override forward(x: Tensor): Tensor {
        const [h] = this.lstm(x);
        const [a] = this.attn(h, h, h);
        return this.head(a).mean(1);
      }
    }
    const net = new Net();
    const x = randn([2, 5, 4]);
    const y = tensor([0, 2], { dtype: 'int32' });
    let at5 = { numTensors: 0, numBytes: 0 };
    for (let i = 0; i < 25; i++) {
      net.zeroGrad();
      const loss = F.crossEntropy(net(x), y);
      loss.backward();
      noGrad(() => {
        for (const p of net.parameters()) p.sub_(p.grad!.mul(0.1));
      });
      loss.item();
      if (i === 5) at5 = memory();
    }
    expect(memory().numTensors).toBeLessThanOrEqual(at5.numTensors);
    expect(memory().numBytes).toBeLessThanOrEqual(at5.numBytes);
  });
});
