/**
 * The module-level table: layers exported as a whole (one ONNX op, or a decomposition written for
 * ONNX) rather than through the tensor ops their `forward` runs. They are the layers whose ops
 * would pin the batch size into the graph (Embedding's, MultiheadAttention's and LSTM's reshapes)
 * or come out much larger than the ONNX op (BatchNorm, LayerNorm, LSTM).
 *
 * Layers are recognised by class name (`BatchNorm2d` lives in `@flint/vision`, which this package
 * does not depend on) and read through their public fields. Every other module, containers and
 * user modules included, is traced through its tensor ops.
 */
import { bindArgs, type Tensor } from '@flint/tensor';
import type { Module } from '@flint/nn';
import { float, type GraphBuilder } from './graph.js';
import { where } from './ops.js';

/** One module call, as a layer converter sees it. */
export interface LayerCall {
  readonly g: GraphBuilder;
  readonly scope: string;
  readonly module: Module;
  readonly args: readonly unknown[];
  /** The ONNX value name of a tensor (a traced value, an initialiser, or a new constant). */
  name(t: Tensor): string;
}

/**
 * A layer converter: `accepts` says, before the call, whether this configuration is exported as
 * a whole (else the call is traced through); `emit` returns the value names of the output's
 * tensors, in the order `flattenTensors` lists them.
 */
export interface LayerConverter {
  accepts(m: any, args: readonly unknown[]): boolean;
  emit(c: LayerCall, output: unknown): string[];
}

type AnyModule = Record<string, any>;

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && typeof (v as Tensor).dataSync === 'function' && Array.isArray((v as Tensor).shape);

/** A parameter's value name, or a constant of `fill` shaped `dims` when the layer has none. */
function paramOr(c: LayerCall, t: Tensor | null | undefined, fill: number, dims: readonly number[]): string {
  return t ? c.name(t) : c.g.float32(new Array(dims.reduce((a, b) => a * b, 1)).fill(fill), dims);
}

const batchNorm: LayerConverter = {
  // Eval mode with running statistics; otherwise (batch statistics) the ops are traced.
  accepts: (m: AnyModule) => !m.training && m.running_mean != null && m.running_var != null,
  emit(c) {
    const m = c.module as unknown as AnyModule;
    const x = c.args[0] as Tensor;
    const channels = x.shape[1]!;
    const inputs = [paramOr(c, m.weight, 1, [channels]), paramOr(c, m.bias, 0, [channels]), c.name(m.running_mean), c.name(m.running_var)];
    const attrs = { epsilon: float(m.eps) };
    if (x.ndim > 2) return [c.g.op(c.scope, 'BatchNormalization', [c.name(x), ...inputs], attrs)];
    // [N, C]: as [N, C, 1].
    const axes = c.g.int64([2]);
    const y = c.g.op(c.scope, 'BatchNormalization', [c.g.op(c.scope, 'Unsqueeze', [c.name(x), axes]), ...inputs], attrs);
    return [c.g.op(c.scope, 'Squeeze', [y, axes])];
  },
};

const layerNorm: LayerConverter = {
  accepts: () => true,
  emit(c) {
    const m = c.module as unknown as AnyModule;
    const shape = m.normalizedShape as number[];
    const x = c.args[0] as Tensor;
    return [
      c.g.op(c.scope, 'LayerNormalization', [c.name(x), paramOr(c, m.weight, 1, shape), paramOr(c, m.bias, 0, shape)], {
        axis: -shape.length,
        epsilon: float(m.eps),
      }),
    ];
  },
};

const embedding: LayerConverter = {
  accepts: (m: AnyModule) => m.maxNorm === undefined || m.maxNorm === null,
  emit: (c) => [c.g.op(c.scope, 'Gather', [c.name((c.module as unknown as AnyModule).weight), c.name(c.args[0] as Tensor)], { axis: 0 })],
};

const multiheadAttention: LayerConverter = {
  accepts: () => true,
  emit(c, output) {
    const m = c.module as unknown as AnyModule;
    const { g, scope } = c;
    if (m.bias_k || m.bias_v || m.addZeroAttn) {
      throw new Error(`exportOnnx: MultiheadAttention with bias_k/bias_v or addZeroAttn in ${where(scope)} has no ONNX mapping`);
    }
    const [query, key, value] = c.args as [Tensor, Tensor, Tensor];
    const a = bindArgs('MultiheadAttention', c.args.slice(3), ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']);
    const E = m.embedDim as number;
    const H = m.numHeads as number;
    const hd = m.headDim as number;
    const batched = query.ndim === 3;
    // To [N, L, E].
    const layout = (t: Tensor) => {
      if (!batched) return g.op(scope, 'Unsqueeze', [c.name(t), g.int64([0])]);
      return m.batchFirst ? c.name(t) : g.op(scope, 'Transpose', [c.name(t)], { perm: [1, 0, 2] });
    };
    const linear = (x: string, w: string, b: string | null) => {
      const y = g.op(scope, 'MatMul', [x, g.op(scope, 'Transpose', [w], { perm: [1, 0] })]);
      return b ? g.op(scope, 'Add', [y, b]) : y;
    };
    const rows = (t: string, start: number) => g.op(scope, 'Slice', [t, g.int64([start]), g.int64([start + E]), g.int64([0])]);
    const bias = m.in_proj_bias ? c.name(m.in_proj_bias) : null;
    const bq = bias ? rows(bias, 0) : null;
    const bk = bias ? rows(bias, E) : null;
    const bv = bias ? rows(bias, 2 * E) : null;
    let q: string;
    let k: string;
    let v: string;
    if (m.in_proj_weight) {
      const w = c.name(m.in_proj_weight);
      if (query === key && key === value) {
        [q, k, v] = g.node(scope, 'Split', [linear(layout(query), w, bias), g.int64([E, E, E])], 3, { axis: -1 }) as [string, string, string];
      } else {
        q = linear(layout(query), rows(w, 0), bq);
        k = linear(layout(key), rows(w, E), bk);
        v = linear(layout(value), rows(w, 2 * E), bv);
      }
    } else {
      q = linear(layout(query), c.name(m.q_proj_weight), bq);
      k = linear(layout(key), c.name(m.k_proj_weight), bk);
      v = linear(layout(value), c.name(m.v_proj_weight), bv);
    }
    // [N, L, E] → [N, H, L, hd] (keys: [N, H, hd, S]).
    const heads = (t: string, perm: number[]) => g.op(scope, 'Transpose', [g.op(scope, 'Reshape', [t, g.int64([0, 0, H, hd])])], { perm });
    const qh = g.op(scope, 'Mul', [heads(q, [0, 2, 1, 3]), g.float32([1 / Math.sqrt(hd)])]);
    let scores = g.op(scope, 'MatMul', [qh, heads(k, [0, 2, 3, 1])]); // [N, H, L, S]
    // Boolean masks become additive ones: -inf where true.
    const additive = (t: Tensor) => (t.dtype === 'bool' ? g.op(scope, 'Where', [c.name(t), g.float32([-Infinity]), g.float32([0])]) : c.name(t));
    const attnMask = a.attnMask as Tensor | null | undefined;
    if (attnMask) {
      let mask = additive(attnMask);
      if (attnMask.ndim === 3) mask = g.op(scope, 'Reshape', [mask, g.int64([-1, H, attnMask.shape[1]!, attnMask.shape[2]!])]);
      scores = g.op(scope, 'Add', [scores, mask]);
    }
    const kpm = a.keyPaddingMask as Tensor | null | undefined;
    if (kpm) {
      const mask = additive(kpm);
      scores = g.op(scope, 'Add', [scores, g.op(scope, 'Unsqueeze', [mask, g.int64(batched ? [1, 2] : [0, 1, 2])])]);
    }
    const attn = g.op(scope, 'Softmax', [scores], { axis: -1 });
    const heads2 = g.op(scope, 'Transpose', [g.op(scope, 'MatMul', [attn, heads(v, [0, 2, 1, 3])])], { perm: [0, 2, 1, 3] });
    const outProj = m.out_proj as AnyModule;
    let out = linear(g.op(scope, 'Reshape', [heads2, g.int64([0, 0, E])]), c.name(outProj.weight), outProj.bias ? c.name(outProj.bias) : null);
    if (!batched) out = g.op(scope, 'Squeeze', [out, g.int64([0])]);
    else if (!m.batchFirst) out = g.op(scope, 'Transpose', [out], { perm: [1, 0, 2] });
    const weights = (output as unknown[])[1];
    if (!isTensor(weights)) return [out];
    const average = a.averageAttnWeights === undefined ? true : Boolean(a.averageAttnWeights);
    let w = average ? g.op(scope, 'ReduceMean', [attn], { axes: [1], keepdims: 0 }) : attn;
    if (!batched) w = g.op(scope, 'Squeeze', [w, g.int64([0])]);
    return [out, w];
  },
};

/**
 * PyTorch's LSTM gate rows are `i, f, g, o`; ONNX's are `i, o, f, c`: the row order that turns
 * one into the other.
 */
function iofcRows(hidden: number): number[] {
  const block = (k: number) => Array.from({ length: hidden }, (_, i) => k * hidden + i);
  return [...block(0), ...block(3), ...block(1), ...block(2)];
}

const lstm: LayerConverter = {
  accepts: () => true,
  emit(c) {
    const m = c.module as unknown as AnyModule;
    const { g, scope } = c;
    if (m.projSize > 0) throw new Error(`exportOnnx: LSTM with projSize in ${where(scope)} has no ONNX mapping`);
    const input = c.args[0] as Tensor;
    const hx = c.args[1] as readonly [Tensor, Tensor] | null | undefined;
    const hidden = m.hiddenSize as number;
    const dirs = m.bidirectional ? 2 : 1;
    const batched = input.ndim === 3;
    // To [L, N, I].
    let x = c.name(input);
    if (!batched) x = g.op(scope, 'Unsqueeze', [x, g.int64([1])]);
    else if (m.batchFirst) x = g.op(scope, 'Transpose', [x], { perm: [1, 0, 2] });
    const rows = g.int64(iofcRows(hidden));
    const unsqueeze0 = (t: string) => g.op(scope, 'Unsqueeze', [t, g.int64([0])]);
    const reorder = (name: string) => g.op(scope, 'Gather', [c.name(m[name]), rows], { axis: 0 });
    const perDirection = (build: (sfx: string) => string) => {
      const parts = Array.from({ length: dirs }, (_, d) => unsqueeze0(build(d === 1 ? '_reverse' : '')));
      return parts.length === 1 ? parts[0]! : g.op(scope, 'Concat', parts, { axis: 0 });
    };
    const state = (t: Tensor | undefined, layer: number) => {
      if (!t) return '';
      const s = batched ? c.name(t) : g.op(scope, 'Unsqueeze', [c.name(t), g.int64([1])]);
      return g.op(scope, 'Slice', [s, g.int64([layer * dirs]), g.int64([(layer + 1) * dirs]), g.int64([0])]);
    };
    const hs: string[] = [];
    const cs: string[] = [];
    for (let layer = 0; layer < m.numLayers; layer++) {
      const W = perDirection((sfx) => reorder(`weight_ih_l${layer}${sfx}`));
      const R = perDirection((sfx) => reorder(`weight_hh_l${layer}${sfx}`));
      // ONNX's B is [Wb, Rb]: the input biases, then the recurrent ones.
      const B = m.bias ? perDirection((sfx) => g.op(scope, 'Concat', [reorder(`bias_ih_l${layer}${sfx}`), reorder(`bias_hh_l${layer}${sfx}`)], { axis: 0 })) : '';
      const inputs = [x, W, R, B, '', state(hx?.[0], layer), state(hx?.[1], layer)];
      while (inputs[inputs.length - 1] === '') inputs.pop();
      const [y, h, cell] = g.node(scope, 'LSTM', inputs, 3, { hidden_size: hidden, direction: dirs === 2 ? 'bidirectional' : 'forward' }) as [string, string, string];
      // Y [L, D, N, H] → [L, N, D·H].
      x = g.op(scope, 'Reshape', [g.op(scope, 'Transpose', [y], { perm: [0, 2, 1, 3] }), g.int64([0, 0, -1])]);
      hs.push(h);
      cs.push(cell);
    }
    const join = (parts: string[]) => {
      const all = parts.length === 1 ? parts[0]! : g.op(scope, 'Concat', parts, { axis: 0 });
      return batched ? all : g.op(scope, 'Squeeze', [all, g.int64([1])]);
    };
    let out = x;
    if (!batched) out = g.op(scope, 'Squeeze', [out, g.int64([1])]);
    else if (m.batchFirst) out = g.op(scope, 'Transpose', [out], { perm: [1, 0, 2] });
    return [out, join(hs), join(cs)];
  },
};

/** Layers exported whole, by class name. */
export const LAYERS: Readonly<Record<string, LayerConverter>> = {
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  BatchNorm3d: batchNorm,
  LayerNorm: layerNorm,
  Embedding: embedding,
  MultiheadAttention: multiheadAttention,
  LSTM: lstm,
};
