/** `MultiheadAttention` (`torch.nn.MultiheadAttention`). */
import { bmm, cat, empty, linear as linearOp, zeros, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, factoryArgs, sizeArg } from './args.js';
import { checkTensor, softmax } from './functional/activation.js';
import { additiveMask } from './functional/attention.js';
import { checkDropoutP, dropout } from './functional/dropout.js';
import { constant_, xavierNormal_, xavierUniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { ownParameter, type Parameter } from './parameter.js';
import { shapeStr } from './repr.js';

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights, in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default `true`). */
  bias?: boolean;
  /** Learn `bias_k`, `bias_v` `[1, 1, E]`, appended to the keys and values (default `false`). */
  addBiasKv?: boolean;
  /** Append a zero key and value (default `false`). */
  addZeroAttn?: boolean;
  /** Features of the keys (default `embedDim`). */
  kdim?: number | null;
  /** Features of the values (default `embedDim`). */
  vdim?: number | null;
  /** Inputs and output `[N, L, E]` instead of `[L, N, E]` (default `false`). */
  batchFirst?: boolean;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

export interface MultiheadAttentionForwardOptions {
  /** `[N, S]`: `true` (or −∞ when float) marks keys to ignore (padding). */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default `true`). */
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`: bool `true` = may not attend, or a float mask added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default `true`): `[N, L, S]`, else `[N, numHeads, L, S]`. */
  averageAttnWeights?: boolean;
  /** Accepted for ported code: a hint that `attnMask` is causal (it must still be given). */
  isCausal?: boolean;
}

/** PyTorch's `out_proj` class: a `Linear` by another name (it prints so). */
export class NonDynamicallyQuantizableLinear extends Linear {
  static override readonly className: string = 'NonDynamicallyQuantizableLinear';
}

/**
 * `torch.nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
 * add_zero_attn=False, kdim=None, vdim=None, batch_first=False)`: numHeads attention heads of
 * size embedDim / numHeads over linear projections of query, key and value.
 *
 * `mha(query, key, value, { keyPaddingMask, needWeights, attnMask, averageAttnWeights })` →
 * `[attnOutput, attnWeights | null]`. query `[L, N, E]`, key `[S, N, kdim]`, value `[S, N, vdim]`
 * (batch first with `batchFirst`, or unbatched `[L, E]`); attnOutput `[L, N, E]`.
 *
 * Parameters: `in_proj_weight [3E, E]` (or `q_proj_weight [E, E]`, `k_proj_weight [E, kdim]`,
 * `v_proj_weight [E, vdim]` when kdim or vdim differ from E) ~ Xavier-uniform, `in_proj_bias [3E]`
 * = 0, `out_proj` a `Linear(E, E)` with bias 0, `bias_k`, `bias_v` ~ Xavier-normal.
 */
export class MultiheadAttention extends Module {
  static override readonly className: string = 'MultiheadAttention';
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;
  declare out_proj: NonDynamicallyQuantizableLinear;
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  /** @internal Whether key and value have embedDim features (one packed `in_proj_weight`). */
  readonly _qkvSameEmbedDim: boolean;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  constructor(embedDim: number, numHeads: number, dropout?: number, bias?: boolean, addBiasKv?: boolean, addZeroAttn?: boolean, kdim?: number | null, vdim?: number | null, batchFirst?: boolean | MultiheadAttentionOptions);
  constructor(embedDim: number, numHeads: number, ...args: unknown[]) {
    super();
    const op = 'MultiheadAttention';
    const a = bindArgs(op, args, ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst', 'device', 'dtype']);
    factoryArgs(op, a);
    this.embedDim = sizeArg(op, 'embedDim', embedDim);
    this.numHeads = sizeArg(op, 'numHeads', numHeads);
    if (embedDim <= 0 || numHeads <= 0) throw new RangeError(`${op}: embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`);
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new RangeError(`${op}: embed_dim must be divisible by num_heads (got embed_dim=${embedDim}, num_heads=${numHeads})`);
    this.kdim = a.kdim === undefined || a.kdim === null ? embedDim : sizeArg(op, 'kdim', a.kdim);
    this.vdim = a.vdim === undefined || a.vdim === null ? embedDim : sizeArg(op, 'vdim', a.vdim);
    this._qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    const p = a.dropout ?? 0;
    checkDropoutP(p, op);
    this.dropout = p;
    this.batchFirst = boolArg(op, 'batchFirst', a.batchFirst, false);
    this.addZeroAttn = boolArg(op, 'addZeroAttn', a.addZeroAttn, false);
    const bias = boolArg(op, 'bias', a.bias, true);
    const addBiasKv = boolArg(op, 'addBiasKv', a.addBiasKv, false);
    const E = embedDim;
    if (this._qkvSameEmbedDim) {
      this.registerParameter('in_proj_weight', ownParameter(empty([3 * E, E])));
      this.registerParameter('q_proj_weight', null);
      this.registerParameter('k_proj_weight', null);
      this.registerParameter('v_proj_weight', null);
    } else {
      this.registerParameter('q_proj_weight', ownParameter(empty([E, E])));
      this.registerParameter('k_proj_weight', ownParameter(empty([E, this.kdim])));
      this.registerParameter('v_proj_weight', ownParameter(empty([E, this.vdim])));
      this.registerParameter('in_proj_weight', null);
    }
    this.registerParameter('in_proj_bias', bias ? ownParameter(empty([3 * E])) : null);
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { bias });
    this.registerParameter('bias_k', addBiasKv ? ownParameter(empty([1, 1, E])) : null);
    this.registerParameter('bias_v', addBiasKv ? ownParameter(empty([1, 1, E])) : null);
    this.resetParameters();
  }

  /** `_reset_parameters`: Xavier-uniform projections, zero biases, Xavier-normal `bias_k`/`bias_v`. */
  resetParameters(): void {
    if (this.in_proj_weight) xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) xavierUniform_(w!);
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask?: Tensor | null, needWeights?: boolean, attnMask?: Tensor | null, averageAttnWeights?: boolean | MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  override forward(query: Tensor, key: Tensor, value: Tensor, ...args: unknown[]): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    checkTensor(op, query, 'query');
    checkTensor(op, key, 'key');
    checkTensor(op, value, 'value');
    const a = bindArgs(op, args, ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']);
    const needWeights = boolArg(op, 'needWeights', a.needWeights, true);
    const average = boolArg(op, 'averageAttnWeights', a.averageAttnWeights, true);
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2) throw new RangeError(`${op}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor (shape ${shapeStr(query.shape)})`);
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new RangeError(`${op}: For ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} \`query\`, expected \`key\` and \`value\` to be ${query.ndim}-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    }
    // To [L, N, E].
    const layout = (t: Tensor) => (!batched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t);
    const q0 = layout(query);
    const k0 = layout(key);
    const v0 = layout(value);
    const [L, N, E] = q0.shape as [number, number, number];
    if (E !== this.embedDim) throw new RangeError(`${op}: was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    if (k0.shape[0] !== v0.shape[0] || k0.shape[1] !== v0.shape[1]) throw new RangeError(`${op}: key shape ${shapeStr(key.shape)} does not match value shape ${shapeStr(value.shape)}`);
    if (k0.shape[1] !== N) throw new RangeError(`${op}: query and key must have the same batch size (got ${shapeStr(query.shape)} and ${shapeStr(key.shape)})`);
    if (k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim) {
      throw new RangeError(`${op}: expected key [..., ${this.kdim}] and value [..., ${this.vdim}] features, got ${shapeStr(key.shape)} and ${shapeStr(value.shape)}`);
    }

    let [q, k, v] = this._project(q0, k0, v0, query === key && key === value);
    let S = k.shape[0]!;
    let attnMask = this._attnMask(op, a.attnMask, L, S, N);
    let kpm: Tensor | null = null;
    const kpmIn = a.keyPaddingMask;
    if (kpmIn !== undefined && kpmIn !== null) {
      checkTensor(op, kpmIn, 'keyPaddingMask');
      const expected = batched ? [N, S] : [S];
      if (kpmIn.ndim !== expected.length || kpmIn.shape.some((s, i) => s !== expected[i])) {
        throw new RangeError(`${op}: expecting key_padding_mask shape of ${shapeStr(expected)}, but got ${shapeStr(kpmIn.shape)}`);
      }
      kpm = additiveMask(kpmIn.reshape([N, 1, 1, S]));
    }
    // One more key and value (bias_k/bias_v, then add_zero_attn's zeros), and a column more of masks.
    const padKeys = (kExtra: Tensor, vExtra: Tensor) => {
      k = cat([k, kExtra.expand([1, N, E])], 0);
      v = cat([v, vExtra.expand([1, N, E])], 0);
      S += 1;
      const pad = (m: Tensor | null) => (m ? cat([m, zeros([...m.shape.slice(0, -1), 1])], -1) : null);
      attnMask = pad(attnMask);
      kpm = pad(kpm);
    };
    if (this.bias_k && this.bias_v) padKeys(this.bias_k, this.bias_v);
    if (this.addZeroAttn) padKeys(zeros([1, 1, E]), zeros([1, 1, E]));

    const H = this.numHeads;
    const hd = this.headDim;
    // [L, N, E] → [N·H, L, hd].
    const heads = (t: Tensor, len: number) => t.reshape([len, N * H, hd]).transpose(0, 1);
    const qh = heads(q, L).mul(1 / Math.sqrt(hd));
    let scores = bmm(qh, heads(k, S).transpose(1, 2)); // [N·H, L, S]
    if (attnMask) scores = scores.add(attnMask);
    if (kpm) scores = scores.reshape([N, H, L, S]).add(kpm).reshape([N * H, L, S]);
    let attn = softmax(scores, -1);
    if (this.dropout > 0 && this.training) attn = dropout(attn, this.dropout, true);
    const out = bmm(attn, heads(v, S)).transpose(0, 1).reshape([L * N, E]);
    let output = linearOp(out, this.out_proj.weight, this.out_proj.bias).reshape([L, N, E]);
    output = !batched ? output.squeeze(1) : this.batchFirst ? output.transpose(0, 1) : output;
    if (!needWeights) return [output, null];
    let weights = attn.reshape([N, H, L, S]);
    if (average) weights = weights.mean(1);
    return [output, batched ? weights : weights.squeeze(0)];
  }

  /** @internal The input projections, `[L, N, E]` and `[S, N, E]` twice. */
  private _project(q: Tensor, k: Tensor, v: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.in_proj_bias;
    const bq = b ? b.narrow(0, 0, E) : null;
    const bk = b ? b.narrow(0, E, E) : null;
    const bv = b ? b.narrow(0, 2 * E, E) : null;
    if (this.in_proj_weight) {
      const w = this.in_proj_weight;
      if (selfAttention) {
        const [pq, pk, pv] = linearOp(q, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
        return [pq, pk, pv];
      }
      return [linearOp(q, w.narrow(0, 0, E), bq), linearOp(k, w.narrow(0, E, E), bk), linearOp(v, w.narrow(0, 2 * E, E), bv)];
    }
    return [linearOp(q, this.q_proj_weight!, bq), linearOp(k, this.k_proj_weight!, bk), linearOp(v, this.v_proj_weight!, bv)];
  }

  /** @internal `attnMask` checked and made additive, `[1, L, S]` or `[N·H, L, S]`. */
  private _attnMask(op: string, mask: unknown, L: number, S: number, N: number): Tensor | null {
    if (mask === undefined || mask === null) return null;
    checkTensor(op, mask, 'attnMask');
    if (mask.dtype !== 'bool' && mask.dtype !== 'float32') throw new TypeError(`${op}: Only bool and floating types of attn_mask are supported (got ${mask.dtype})`);
    if (mask.ndim === 2) {
      if (mask.shape[0] !== L || mask.shape[1] !== S) throw new RangeError(`${op}: The shape of the 2D attn_mask is ${shapeStr(mask.shape)}, but should be ${shapeStr([L, S])}.`);
      return additiveMask(mask).unsqueeze(0);
    }
    if (mask.ndim === 3) {
      const expected = [N * this.numHeads, L, S];
      if (mask.shape.some((s, i) => s !== expected[i])) throw new RangeError(`${op}: The shape of the 3D attn_mask is ${shapeStr(mask.shape)}, but should be ${shapeStr(expected)}.`);
      return additiveMask(mask);
    }
    throw new RangeError(`${op}: attn_mask's dimension ${mask.ndim} is not supported`);
  }
}
