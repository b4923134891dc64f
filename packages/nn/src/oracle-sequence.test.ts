/**
 * PyTorch oracle cases of the sequence models and attention: `rnn`, `lstm`, `gru`, their cells,
 * `mha`, `sdpa` and the transformer layers (the shared oracle's and the project's
 * `tests/oracle/sequence`). Each loads `param.*` strictly, calls the module in train mode with the
 * case's inputs (`input`, `input.N`, `input.N.M`) and masks, compares every output, then backward
 * of Σ (output_i · grad_output_i).sum() and compares the gradient of every input and parameter.
 */
import type { Tensor } from '@flint/tensor';
import { describe, expect, it } from 'vitest';
import { F, GRU, GRUCell, LayerNorm, LSTM, LSTMCell, Module, MultiheadAttention, RNN, RNNCell, Transformer, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer } from './index.js';
import { expectClose, loadCase, oracleCases, type OracleCase } from './test-utils/compare.js';

type Cfg = Record<string, any>;
const opt = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const builders: Record<string, (c: Cfg) => Module> = {
  rnn: (c) => new RNN(c.input_size, c.hidden_size, { numLayers: c.num_layers, nonlinearity: c.nonlinearity, bias: c.bias, batchFirst: c.batch_first, dropout: c.dropout, bidirectional: c.bidirectional }),
  lstm: (c) => new LSTM(c.input_size, c.hidden_size, opt({ numLayers: c.num_layers, bias: c.bias, batchFirst: c.batch_first, dropout: c.dropout, bidirectional: c.bidirectional, projSize: c.proj_size })),
  gru: (c) => new GRU(c.input_size, c.hidden_size, { numLayers: c.num_layers, bias: c.bias, batchFirst: c.batch_first, dropout: c.dropout, bidirectional: c.bidirectional }),
  rnn_cell: (c) => new RNNCell(c.input_size, c.hidden_size, { bias: c.bias, nonlinearity: c.nonlinearity }),
  lstm_cell: (c) => new LSTMCell(c.input_size, c.hidden_size, { bias: c.bias }),
  gru_cell: (c) => new GRUCell(c.input_size, c.hidden_size, { bias: c.bias }),
  mha: (c) => new MultiheadAttention(c.embed_dim, c.num_heads, opt({ dropout: c.dropout, bias: c.bias, addBiasKv: c.add_bias_kv, addZeroAttn: c.add_zero_attn, kdim: c.kdim, vdim: c.vdim, batchFirst: c.batch_first })),
  transformer_encoder_layer: (c) =>
    new TransformerEncoderLayer(c.d_model, c.nhead, { dimFeedforward: c.dim_feedforward, dropout: c.dropout, activation: c.activation, layerNormEps: c.layer_norm_eps, batchFirst: c.batch_first, normFirst: c.norm_first }),
  transformer_decoder_layer: (c) =>
    new TransformerDecoderLayer(c.d_model, c.nhead, { dimFeedforward: c.dim_feedforward, dropout: c.dropout, activation: c.activation, layerNormEps: c.layer_norm_eps, batchFirst: c.batch_first, normFirst: c.norm_first }),
  transformer_encoder: (c) =>
    new TransformerEncoder(
      new TransformerEncoderLayer(c.d_model, c.nhead, { dimFeedforward: c.dim_feedforward, dropout: c.dropout, activation: c.activation, layerNormEps: c.layer_norm_eps, batchFirst: c.batch_first, normFirst: c.norm_first }),
      c.num_layers,
      { norm: c.norm ? new LayerNorm(c.d_model) : null },
    ),
  transformer: (c) =>
    new Transformer({ dModel: c.d_model, nhead: c.nhead, numEncoderLayers: c.num_encoder_layers, numDecoderLayers: c.num_decoder_layers, dimFeedforward: c.dim_feedforward, dropout: c.dropout, batchFirst: c.batch_first }),
};

/** `input`, `input.0`, `input.1.0`, … as the call's positional arguments (arrays nest). */
function positional(data: Record<string, Tensor>): unknown[] {
  if (data['input']) return [data['input']];
  const root: unknown[] = [];
  for (const key of Object.keys(data).filter((k) => /^input(\.\d+)+$/.test(k))) {
    const path = key.split('.').slice(1).map(Number);
    let node = root;
    for (const i of path.slice(0, -1)) node = (node[i] ??= []) as unknown[];
    node[path.at(-1)!] = data[key];
  }
  return root;
}

/** Every tensor of a (nested) result, by suffix: `''` for a lone tensor, `.0`, `.1.0`, … */
function flatten(value: unknown, suffix = ''): Map<string, Tensor | null> {
  if (!Array.isArray(value)) return new Map([[suffix, value as Tensor | null]]);
  return new Map(value.flatMap((v, i) => [...flatten(v, `${suffix}.${i}`)]));
}

const MASKS: Record<string, string> = {
  mask: 'mask',
  attn_mask: 'attnMask',
  key_padding_mask: 'keyPaddingMask',
  src_mask: 'srcMask',
  src_key_padding_mask: 'srcKeyPaddingMask',
  tgt_mask: 'tgtMask',
  memory_mask: 'memoryMask',
  tgt_key_padding_mask: 'tgtKeyPaddingMask',
  memory_key_padding_mask: 'memoryKeyPaddingMask',
};

function masks(data: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(MASKS).filter(([k]) => data[k]).map(([k, camel]) => [camel, data[k]!]));
}

function call(c: OracleCase, model: Module | null, args: unknown[], data: Record<string, Tensor>): unknown {
  const cfg = c.config as Cfg;
  const m = masks(data);
  switch (c.kind) {
    case 'sdpa':
      return F.scaledDotProductAttention(args[0] as Tensor, args[1] as Tensor, args[2] as Tensor, { ...m, dropoutP: cfg.dropout_p, isCausal: cfg.is_causal });
    case 'mha': {
      const [q, k, v] = cfg.self_attention ? [args[0], args[0], args[0]] : args;
      return model!(q, k, v, opt({ ...m, needWeights: cfg.need_weights, averageAttnWeights: cfg.average_attn_weights }));
    }
    case 'transformer_encoder_layer':
    case 'transformer_decoder_layer':
    case 'transformer_encoder':
    case 'transformer':
      return Object.keys(m).length ? model!(...args, m) : model!(...args);
    default:
      return model!(...args);
  }
}

const KINDS = ['rnn', 'lstm', 'gru', 'rnn_cell', 'lstm_cell', 'gru_cell', 'mha', 'sdpa', 'transformer_encoder_layer', 'transformer_decoder_layer', 'transformer_encoder', 'transformer'];

describe('oracle: sequence models and attention', () => {
  const cases = oracleCases(...KINDS);
  it('finds the cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const data = loadCase(c);
      const model = c.kind === 'sdpa' ? null : builders[c.kind]!(c.config as Cfg);
      if (model) {
        const params = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
        model.loadStateDict(params);
        model.train();
      }
      const args = positional(data);
      const leaves = [...flatten(args, '')].filter(([, t]) => t && t.dtype === 'float32') as [string, Tensor][];
      for (const [, t] of leaves) t.requiresGrad_();
      const outputs = flatten(call(c, model, args, data));
      const name = (prefix: string, suffix: string) => (outputs.size === 1 && suffix === '' ? prefix : `${prefix}${suffix}`);
      let total: Tensor | null = null;
      for (const [suffix, out] of outputs) {
        const expected = data[name('output', suffix)];
        if (!expected) {
          expect(out, `${c.name}: output${suffix} should be null`).toBeNull();
          continue;
        }
        expectClose(out, expected, c, `${c.name} output${suffix}`);
        const g = data[name('grad_output', suffix)];
        if (g && out) {
          const term = out.mul(g).sum();
          total = total ? total.add(term) : term;
        }
      }
      total!.backward();
      const single = leaves.length === 1 && data['input'];
      for (const [suffix, t] of leaves) expectClose(t.grad, data[single ? 'grad.input' : `grad.input${suffix}`]!, c, `${c.name} grad.input${suffix}`);
      if (model) {
        const params = Object.fromEntries(model.namedParameters());
        const grads = Object.entries(data).filter(([k]) => k.startsWith('grad.param.'));
        expect(grads.map(([k]) => k.slice(11)).sort()).toEqual(Object.keys(params).sort());
        for (const [k, g] of grads) expectClose(params[k.slice(11)]!.grad, g, c, `${c.name} ${k}`);
      }
    });
  }
});
