/**
 * `TransformerEncoderLayer`, `TransformerEncoder`, `TransformerDecoderLayer`, `TransformerDecoder`,
 * `Transformer` (`torch.nn.Transformer*`, "Attention Is All You Need"), PyTorch 1.13's layout and
 * state-dict keys.
 */
import type { Tensor } from '@flint/tensor';
import { bindArgs, boolArg, describeValue, factoryArgs, numberArg, sizeArg } from './args.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { checkTensor, gelu, relu } from './functional/activation.js';
import { additiveMask, causalMask } from './functional/attention.js';
import { xavierUniform_ } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';

/** The feed-forward activation: `'relu'`, `'gelu'`, a function or a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward network (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default `'relu'`). */
  activation?: TransformerActivation;
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs `[N, L, E]` instead of `[L, N, E]` (default `false`). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward instead of after (default `false`). */
  normFirst?: boolean;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

const LAYER_ARGS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'device', 'dtype'] as const;

interface LayerConfig {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  dropout: number;
  activation: TransformerActivation;
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
}

function layerConfig(op: string, dModel: number, nhead: number, args: readonly unknown[]): LayerConfig {
  const a = bindArgs(op, args, LAYER_ARGS);
  factoryArgs(op, a);
  const activation = a.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu' && typeof activation !== 'function' && !(activation instanceof Module)) {
    throw new Error(`${op}: activation should be relu/gelu, not ${describeValue(activation)}`);
  }
  return {
    dModel: sizeArg(op, 'dModel', dModel),
    nhead: sizeArg(op, 'nhead', nhead),
    dimFeedforward: a.dimFeedforward === undefined ? 2048 : sizeArg(op, 'dimFeedforward', a.dimFeedforward),
    dropout: numberArg(op, 'dropout', a.dropout, 0.1),
    activation: activation as TransformerActivation,
    layerNormEps: numberArg(op, 'layerNormEps', a.layerNormEps, 1e-5),
    batchFirst: boolArg(op, 'batchFirst', a.batchFirst, false),
    normFirst: boolArg(op, 'normFirst', a.normFirst, false),
  };
}

function activate(activation: TransformerActivation, x: Tensor): Tensor {
  if (activation === 'relu') return relu(x);
  if (activation === 'gelu') return gelu(x);
  return (activation as (x: Tensor) => Tensor)(x);
}

/** A mask argument: a tensor, or absent. */
function maskArg(op: string, name: string, value: unknown): Tensor | null {
  if (value === undefined || value === null) return null;
  checkTensor(op, value, name);
  return value;
}

/** The layers of an encoder or decoder: copies of `layer` (its state included), as `copy.deepcopy`. */
function clones<T extends Module>(op: string, layer: T | (() => T), n: number): ModuleList {
  const copyOf = (): Module => {
    if (typeof layer === 'function' && !(layer instanceof Module)) return layer();
    const copy = (layer as unknown as { _deepCopy?: () => Module })._deepCopy;
    if (typeof copy !== 'function') {
      throw new TypeError(`${op}: cannot copy ${(layer as Module)._getName()}; give a Transformer layer, or a function that returns a new layer`);
    }
    return copy.call(layer);
  };
  return new ModuleList(Array.from({ length: sizeArg(op, 'numLayers', n) }, copyOf));
}

abstract class TransformerLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  /** @internal The constructor's arguments, for copies. */
  readonly _config: LayerConfig;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  activation: TransformerActivation;

  constructor(config: LayerConfig) {
    super();
    this._config = config;
    const { dModel, nhead, dimFeedforward, dropout, layerNormEps, batchFirst } = config;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst });
    this._addCrossAttention(config);
    this.linear1 = new Linear(dModel, dimFeedforward);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel);
    this.normFirst = config.normFirst;
    this.batchFirst = batchFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this._addNorm3(config);
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this._addDropout3(config);
    this.activation = config.activation;
  }

  /** @internal Hooks for the decoder's extra members, in PyTorch's registration order. */
  protected _addCrossAttention(_config: LayerConfig): void {}
  protected _addNorm3(_config: LayerConfig): void {}
  protected _addDropout3(_config: LayerConfig): void {}

  /** @internal Self-attention block: attention (no weights) then dropout1. */
  protected _saBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn(x, x, x, { attnMask, keyPaddingMask, needWeights: false }) as [Tensor, null];
    return this.dropout1(out) as Tensor;
  }

  /** @internal Feed-forward block: linear2(dropout(act(linear1(x)))) then the last dropout. */
  protected _ffBlock(x: Tensor, last: Dropout): Tensor {
    const act = this.activation;
    const h = act instanceof Module ? (act(this.linear1(x)) as Tensor) : activate(act, this.linear1(x) as Tensor);
    return last(this.linear2(this.dropout(h))) as Tensor;
  }

  /** @internal A copy with the same configuration and state (`copy.deepcopy`). */
  _deepCopy(): this {
    const Ctor = this.constructor as new (dModel: number, nhead: number, options: TransformerLayerOptions) => this;
    const { dModel, nhead, ...options } = this._config;
    const copy = new Ctor(dModel, nhead, options);
    copy.loadStateDict(this.stateDict());
    copy.train(this.training);
    return copy;
  }
}

/**
 * `torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
 * activation=relu, layer_norm_eps=1e-5, batch_first=False, norm_first=False)`: self-attention and
 * a feed-forward network, each with a residual connection and LayerNorm (after, or before with
 * `normFirst`). `layer(src, { srcMask, srcKeyPaddingMask })`: src `[S, N, E]` (`[N, S, E]` with
 * `batchFirst`, or `[S, E]`), srcMask `[S, S]` or `[N·nhead, S, S]`, srcKeyPaddingMask `[N, S]`
 * (masks bool, `true` = may not attend, or float, added) → the same shape as src.
 */
export class TransformerEncoderLayer extends TransformerLayer {
  static override readonly className: string = 'TransformerEncoderLayer';
  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(dModel: number, nhead: number, dimFeedforward?: number, dropout?: number, activation?: TransformerActivation, layerNormEps?: number, batchFirst?: boolean, normFirst?: boolean | TransformerLayerOptions);
  constructor(dModel: number, nhead: number, ...args: unknown[]) {
    super(layerConfig('TransformerEncoderLayer', dModel, nhead, args));
  }

  override forward(src: Tensor, srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean | { isCausal?: boolean }): Tensor;
  override forward(src: Tensor, options?: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }): Tensor;
  override forward(src: Tensor, ...args: unknown[]): Tensor {
    const op = 'TransformerEncoderLayer';
    checkTensor(op, src, 'src');
    const a = bindArgs(op, args, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const mask = maskArg(op, 'srcMask', a.srcMask);
    const kpm = maskArg(op, 'srcKeyPaddingMask', a.srcKeyPaddingMask);
    let x = src;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1(x) as Tensor, mask, kpm));
      x = x.add(this._ffBlock(this.norm2(x) as Tensor, this.dropout2));
    } else {
      x = this.norm1(x.add(this._saBlock(x, mask, kpm))) as Tensor;
      x = this.norm2(x.add(this._ffBlock(x, this.dropout2))) as Tensor;
    }
    return x;
  }
}

/**
 * `torch.nn.TransformerDecoderLayer(d_model, nhead, …same as the encoder layer)`: self-attention,
 * attention over `memory` (the encoder's output) and a feed-forward network.
 * `layer(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask })`:
 * tgt `[T, N, E]`, memory `[S, N, E]` (batch first with `batchFirst`) → `[T, N, E]`.
 */
export class TransformerDecoderLayer extends TransformerLayer {
  static override readonly className: string = 'TransformerDecoderLayer';
  declare multihead_attn: MultiheadAttention;
  declare norm3: LayerNorm;
  declare dropout3: Dropout;

  constructor(dModel: number, nhead: number, options?: TransformerLayerOptions);
  constructor(dModel: number, nhead: number, dimFeedforward?: number, dropout?: number, activation?: TransformerActivation, layerNormEps?: number, batchFirst?: boolean, normFirst?: boolean | TransformerLayerOptions);
  constructor(dModel: number, nhead: number, ...args: unknown[]) {
    super(layerConfig('TransformerDecoderLayer', dModel, nhead, args));
  }

  protected override _addCrossAttention(c: LayerConfig): void {
    this.multihead_attn = new MultiheadAttention(c.dModel, c.nhead, { dropout: c.dropout, batchFirst: c.batchFirst });
  }
  protected override _addNorm3(c: LayerConfig): void {
    this.norm3 = new LayerNorm(c.dModel, { eps: c.layerNormEps });
  }
  protected override _addDropout3(c: LayerConfig): void {
    this.dropout3 = new Dropout(c.dropout);
  }

  override forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor | null, memoryMask?: Tensor | null, tgtKeyPaddingMask?: Tensor | null, memoryKeyPaddingMask?: Tensor | null | DecoderMasks): Tensor;
  override forward(tgt: Tensor, memory: Tensor, options?: DecoderMasks): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...args: unknown[]): Tensor {
    const op = 'TransformerDecoderLayer';
    checkTensor(op, tgt, 'tgt');
    checkTensor(op, memory, 'memory');
    const m = decoderMasks(op, args);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this._saBlock(this.norm1(x) as Tensor, m.tgtMask, m.tgtKeyPaddingMask));
      x = x.add(this._mhaBlock(this.norm2(x) as Tensor, memory, m.memoryMask, m.memoryKeyPaddingMask));
      x = x.add(this._ffBlock(this.norm3(x) as Tensor, this.dropout3));
    } else {
      x = this.norm1(x.add(this._saBlock(x, m.tgtMask, m.tgtKeyPaddingMask))) as Tensor;
      x = this.norm2(x.add(this._mhaBlock(x, memory, m.memoryMask, m.memoryKeyPaddingMask))) as Tensor;
      x = this.norm3(x.add(this._ffBlock(x, this.dropout3))) as Tensor;
    }
    return x;
  }

  /** @internal Cross-attention block: attention over memory, then dropout2. */
  private _mhaBlock(x: Tensor, memory: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.multihead_attn(x, memory, memory, { attnMask, keyPaddingMask, needWeights: false }) as [Tensor, null];
    return this.dropout2(out) as Tensor;
  }
}

/** The decoder's masks, by PyTorch's names (camelCase). */
export interface DecoderMasks {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

function decoderMasks(op: string, args: readonly unknown[]): { tgtMask: Tensor | null; memoryMask: Tensor | null; tgtKeyPaddingMask: Tensor | null; memoryKeyPaddingMask: Tensor | null } {
  const a = bindArgs(op, args, ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'tgtIsCausal', 'memoryIsCausal']);
  return {
    tgtMask: maskArg(op, 'tgtMask', a.tgtMask),
    memoryMask: maskArg(op, 'memoryMask', a.memoryMask),
    tgtKeyPaddingMask: maskArg(op, 'tgtKeyPaddingMask', a.tgtKeyPaddingMask),
    memoryKeyPaddingMask: maskArg(op, 'memoryKeyPaddingMask', a.memoryKeyPaddingMask),
  };
}

/**
 * `torch.nn.TransformerEncoder(encoder_layer, num_layers, norm=None)`: `numLayers` copies of
 * `encoderLayer` (keys `layers.0.…`), then `norm`. `encoder(src, { mask, srcKeyPaddingMask })`.
 * `encoderLayer` may also be a function returning a new layer.
 */
export class TransformerEncoder extends Module {
  static override readonly className: string = 'TransformerEncoder';
  declare layers: ModuleList;
  declare norm: Module | null;
  readonly numLayers: number;

  constructor(encoderLayer: Module | (() => Module), numLayers: number, options?: { norm?: Module | null; enableNestedTensor?: boolean; maskCheck?: boolean });
  constructor(encoderLayer: Module | (() => Module), numLayers: number, norm?: Module | null, enableNestedTensor?: boolean | { enableNestedTensor?: boolean; maskCheck?: boolean });
  constructor(encoderLayer: Module | (() => Module), numLayers: number, ...args: unknown[]) {
    super();
    const op = 'TransformerEncoder';
    const a = bindArgs(op, args, ['norm', 'enableNestedTensor', 'maskCheck']);
    this.layers = clones(op, encoderLayer, numLayers);
    this.numLayers = numLayers;
    this.registerModule('norm', normArg(op, a.norm));
  }

  override forward(src: Tensor, mask?: Tensor | null, srcKeyPaddingMask?: Tensor | null | { isCausal?: boolean }): Tensor;
  override forward(src: Tensor, options?: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }): Tensor;
  override forward(src: Tensor, ...args: unknown[]): Tensor {
    const op = 'TransformerEncoder';
    checkTensor(op, src, 'src');
    const a = bindArgs(op, args, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const srcMask = maskArg(op, 'mask', a.mask);
    const srcKeyPaddingMask = maskArg(op, 'srcKeyPaddingMask', a.srcKeyPaddingMask);
    let x = src;
    for (const layer of this.layers) x = layer(x, { srcMask, srcKeyPaddingMask }) as Tensor;
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

/**
 * `torch.nn.TransformerDecoder(decoder_layer, num_layers, norm=None)`: `numLayers` copies of
 * `decoderLayer`, then `norm`. `decoder(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask,
 * memoryKeyPaddingMask })`.
 */
export class TransformerDecoder extends Module {
  static override readonly className: string = 'TransformerDecoder';
  declare layers: ModuleList;
  declare norm: Module | null;
  readonly numLayers: number;

  constructor(decoderLayer: Module | (() => Module), numLayers: number, norm?: Module | null | { norm?: Module | null });
  constructor(decoderLayer: Module | (() => Module), numLayers: number, ...args: unknown[]) {
    super();
    const op = 'TransformerDecoder';
    const a = bindArgs(op, args, ['norm']);
    this.layers = clones(op, decoderLayer, numLayers);
    this.numLayers = numLayers;
    this.registerModule('norm', normArg(op, a.norm));
  }

  override forward(tgt: Tensor, memory: Tensor, tgtMask?: Tensor | null, memoryMask?: Tensor | null, tgtKeyPaddingMask?: Tensor | null, memoryKeyPaddingMask?: Tensor | null | DecoderMasks): Tensor;
  override forward(tgt: Tensor, memory: Tensor, options?: DecoderMasks): Tensor;
  override forward(tgt: Tensor, memory: Tensor, ...args: unknown[]): Tensor {
    const op = 'TransformerDecoder';
    checkTensor(op, tgt, 'tgt');
    checkTensor(op, memory, 'memory');
    const masks = decoderMasks(op, args);
    let x = tgt;
    for (const layer of this.layers) x = layer(x, memory, masks) as Tensor;
    return this.norm ? (this.norm(x) as Tensor) : x;
  }
}

function normArg(op: string, norm: unknown): Module | null {
  if (norm === undefined || norm === null) return null;
  if (!(norm instanceof Module)) throw new TypeError(`${op}: norm must be a Module or null (got ${describeValue(norm)})`);
  return norm;
}

export interface TransformerOptions extends Omit<TransformerLayerOptions, 'dimFeedforward'> {
  /** Width of the model (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Width of the feed-forward networks (default 2048). */
  dimFeedforward?: number;
  /** A ready encoder instead of the default one. */
  customEncoder?: Module | null;
  /** A ready decoder instead of the default one. */
  customDecoder?: Module | null;
}

/**
 * `torch.nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
 * dim_feedforward=2048, dropout=0.1, activation=relu, custom_encoder=None, custom_decoder=None,
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False)`: an encoder and a decoder, each ending
 * in a LayerNorm; every parameter with more than one dim ~ Xavier-uniform.
 * `transformer(src, tgt, { srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask,
 * memoryKeyPaddingMask })`: src `[S, N, E]`, tgt `[T, N, E]` → `[T, N, E]`.
 */
export class Transformer extends Module {
  static override readonly className: string = 'Transformer';
  declare encoder: Module;
  declare decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options?: TransformerOptions);
  constructor(dModel?: number, nhead?: number, numEncoderLayers?: number, numDecoderLayers?: number, dimFeedforward?: number, dropout?: number, activation?: TransformerActivation | TransformerOptions);
  constructor(...args: unknown[]) {
    super();
    const op = 'Transformer';
    const a = bindArgs(op, args, ['dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'dimFeedforward', 'dropout', 'activation', 'customEncoder', 'customDecoder', 'layerNormEps', 'batchFirst', 'normFirst', 'device', 'dtype']);
    const dModel = a.dModel === undefined ? 512 : sizeArg(op, 'dModel', a.dModel);
    const nhead = a.nhead === undefined ? 8 : sizeArg(op, 'nhead', a.nhead);
    const layerOptions: TransformerLayerOptions = {
      dimFeedforward: a.dimFeedforward as number | undefined,
      dropout: a.dropout as number | undefined,
      activation: a.activation as TransformerActivation | undefined,
      layerNormEps: a.layerNormEps as number | undefined,
      batchFirst: a.batchFirst as boolean | undefined,
      normFirst: a.normFirst as boolean | undefined,
      device: a.device as 'cpu' | undefined,
      dtype: a.dtype as 'float32' | undefined,
    };
    const eps = numberArg(op, 'layerNormEps', a.layerNormEps, 1e-5);
    this.encoder = (a.customEncoder as Module | undefined) ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), a.numEncoderLayers === undefined ? 6 : (a.numEncoderLayers as number), new LayerNorm(dModel, { eps }));
    this.decoder = (a.customDecoder as Module | undefined) ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), a.numDecoderLayers === undefined ? 6 : (a.numDecoderLayers as number), new LayerNorm(dModel, { eps }));
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = boolArg(op, 'batchFirst', a.batchFirst, false);
    this.resetParameters();
  }

  /** `_reset_parameters`: Xavier-uniform for every parameter with more than one dim. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  override forward(src: Tensor, tgt: Tensor, srcMask?: Tensor | null, tgtMask?: Tensor | null, memoryMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, tgtKeyPaddingMask?: Tensor | null, memoryKeyPaddingMask?: Tensor | null | DecoderMasks): Tensor;
  override forward(src: Tensor, tgt: Tensor, options?: DecoderMasks & { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; srcIsCausal?: boolean }): Tensor;
  override forward(src: Tensor, tgt: Tensor, ...args: unknown[]): Tensor {
    const op = 'Transformer';
    checkTensor(op, src, 'src');
    checkTensor(op, tgt, 'tgt');
    const a = bindArgs(op, args, ['srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask', 'srcIsCausal', 'tgtIsCausal', 'memoryIsCausal']);
    const batched = src.ndim === 3;
    const bdim = this.batchFirst ? 0 : 1;
    if (batched && src.shape[bdim] !== tgt.shape[bdim]) throw new RangeError(`${op}: the batch number of src and tgt must be equal (got ${src.shape[bdim]} and ${tgt.shape[bdim]})`);
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new RangeError(`${op}: the feature number of src and tgt must be equal to d_model (${this.dModel}; got ${src.shape[src.ndim - 1]} and ${tgt.shape[tgt.ndim - 1]})`);
    }
    const memory = this.encoder(src, { mask: maskArg(op, 'srcMask', a.srcMask), srcKeyPaddingMask: maskArg(op, 'srcKeyPaddingMask', a.srcKeyPaddingMask) }) as Tensor;
    return this.decoder(tgt, memory, {
      tgtMask: maskArg(op, 'tgtMask', a.tgtMask),
      memoryMask: maskArg(op, 'memoryMask', a.memoryMask),
      tgtKeyPaddingMask: maskArg(op, 'tgtKeyPaddingMask', a.tgtKeyPaddingMask),
      memoryKeyPaddingMask: maskArg(op, 'memoryKeyPaddingMask', a.memoryKeyPaddingMask),
    }) as Tensor;
  }

  /**
   * `Transformer.generate_square_subsequent_mask(sz)`: `[sz, sz]` float, 0 on and below the
   * diagonal and −∞ above it (position i may attend to positions ≤ i).
   */
  static generateSquareSubsequentMask(sz: number): Tensor {
    sizeArg('Transformer.generateSquareSubsequentMask', 'sz', sz);
    return additiveMask(causalMask(sz, sz));
  }
}
