/**
 * For tests of every package: how the oracle's sequence-model and attention cases are called
 * and checked (see ../shared/oracle/README.md): the modules built from a case's config, its
 * positional inputs (`input`, `input.N`, `input.N.M`), its masks under PyTorch's keyword names,
 * the call, and the comparison. Used by @flint/nn's oracle runner and by @flint/webgpu's, which
 * runs the same cases on the GPU.
 */
import type { Tensor } from '@flint/tensor';
import { F, GRU, GRUCell, LayerNorm, LSTM, LSTMCell, type Module, MultiheadAttention, RNN, RNNCell, Transformer, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer } from '@flint/nn';
import { expect } from 'vitest';
import { loadCase, type OracleCase } from './oracle-cases.js';
import { expectClose, expectParamGrads, loadParams } from './oracle-compare.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Cfg = Record<string, any>;
/** An options object without the config's `null`s (PyTorch's "not given"). */
export const opt = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/** The module of each sequence kind, from the case's config (PyTorch's snake_case keys). */
export const SEQUENCE_BUILDERS: Record<string, (c: Cfg) => Module> = {
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
export function positional(data: Record<string, Tensor>): unknown[] {
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
export function flatten(value: unknown, suffix = ''): Map<string, Tensor | null> {
  if (!Array.isArray(value)) return new Map([[suffix, value as Tensor | null]]);
  return new Map(value.flatMap((v, i) => [...flatten(v, `${suffix}.${i}`)]));
}

/** PyTorch's mask keywords → Flint's option names. */
export const MASKS: Record<string, string> = {
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

/** The case's masks as an options object. */
export function masks(data: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(MASKS).filter(([k]) => data[k]).map(([k, camel]) => [camel, data[k]!]));
}

/** Calls the case's module (or `F.scaledDotProductAttention`) as the oracle's README says. */
export function callSequenceCase(c: OracleCase, model: Module | null, args: unknown[], data: Record<string, Tensor>): unknown {
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

/** The kinds `callSequenceCase` knows. */
export const SEQUENCE_KINDS = ['rnn', 'lstm', 'gru', 'rnn_cell', 'lstm_cell', 'gru_cell', 'mha', 'sdpa', 'transformer_encoder_layer', 'transformer_decoder_layer', 'transformer_encoder', 'transformer'];

/**
 * Loads `param.*` strictly, calls the module in train mode with the case's inputs and masks,
 * compares every output (a missing one must be `null`), then backward of
 * Σ (output_i · grad_output_i).sum() and compares the gradient of every float input and parameter.
 */
export async function checkSequenceCase(c: OracleCase): Promise<void> {
  const data = loadCase(c);
  const model = c.kind === 'sdpa' ? null : SEQUENCE_BUILDERS[c.kind]!(c.config as Cfg);
  if (model) {
    loadParams(model, data);
    model.train();
  }
  const args = positional(data);
  const leaves = [...flatten(args, '')].filter(([, t]) => t && t.dtype === 'float32') as [string, Tensor][];
  for (const [, t] of leaves) t.requiresGrad_();
  const outputs = flatten(callSequenceCase(c, model, args, data));
  const name = (prefix: string, suffix: string) => (outputs.size === 1 && suffix === '' ? prefix : `${prefix}${suffix}`);
  let total: Tensor | null = null;
  for (const [suffix, out] of outputs) {
    const expected = data[name('output', suffix)];
    if (!expected) {
      expect(out, `${c.name}: output${suffix} should be null`).toBeNull();
      continue;
    }
    await expectClose(out, expected, c, `${c.name} output${suffix}`);
    const g = data[name('grad_output', suffix)];
    if (g && out) {
      const term = out.mul(g).sum();
      total = total ? total.add(term) : term;
    }
  }
  total!.backward();
  const single = leaves.length === 1 && data['input'];
  for (const [suffix, t] of leaves) await expectClose(t.grad, data[single ? 'grad.input' : `grad.input${suffix}`]!, c, `${c.name} grad.input${suffix}`);
  if (model) await expectParamGrads(model, data, c, c.name);
}

/** The check of each kind here. */
export const SEQUENCE_CHECKS: Record<string, (c: OracleCase) => Promise<void>> = Object.fromEntries(SEQUENCE_KINDS.map((k) => [k, checkSequenceCase]));
