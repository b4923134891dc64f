/**
 * A character-level GPT built from Flint's transformer layers, the same module tree as
 * `train_torch.py`'s `NamesGPT` (so the state-dict keys match). Browser-safe: the web app's names
 * page imports this module.
 *
 *   idx [B, T] int32 → wte(idx) + wpe(0..T-1) → dropout
 *     → nLayer × TransformerEncoderLayer(nEmbd, nHead, 4·nEmbd, gelu, pre-norm, batch first,
 *                                        causal mask)
 *     → LayerNorm → Linear(nEmbd, vocabSize) → logits [B, T, vocabSize]
 */
import { arange, type Tensor } from '@flint/tensor';
import { Dropout, Embedding, LayerNorm, Linear, Module, ModuleList, Transformer, TransformerEncoderLayer } from '@flint/nn';

export interface GPTConfig {
  vocabSize: number;
  /** The longest context (the position table's size). */
  blockSize: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
}

export class NamesGPT extends Module {
  readonly config: GPTConfig;
  declare wte: Embedding;
  declare wpe: Embedding;
  declare drop: Dropout;
  declare blocks: ModuleList;
  declare ln_f: LayerNorm;
  declare head: Linear;

  constructor(config: GPTConfig) {
    super();
    this.config = config;
    const { vocabSize, blockSize, nEmbd, nHead, nLayer, dropout } = config;
    this.wte = new Embedding(vocabSize, nEmbd);
    this.wpe = new Embedding(blockSize, nEmbd);
    this.drop = new Dropout(dropout);
    // Separate layers (not TransformerEncoder, whose layers are copies of one initialisation).
    this.blocks = new ModuleList(
      Array.from({ length: nLayer }, () => new TransformerEncoderLayer(nEmbd, nHead, { dimFeedforward: 4 * nEmbd, dropout, activation: 'gelu', batchFirst: true, normFirst: true })),
    );
    this.ln_f = new LayerNorm(nEmbd);
    this.head = new Linear(nEmbd, vocabSize);
  }

  /** `idx [B, T]` int32 token ids (T ≤ blockSize) → next-token logits `[B, T, vocabSize]`. */
  override forward(idx: Tensor): Tensor {
    if (idx.ndim !== 2) throw new Error(`NamesGPT: expected idx [B, T], got shape [${idx.shape.join(', ')}]`);
    const T = idx.shape[1]!;
    if (T > this.config.blockSize) throw new Error(`NamesGPT: a context of ${T} exceeds the block size ${this.config.blockSize}`);
    const pos = arange(T);
    let x = this.drop((this.wte(idx) as Tensor).add(this.wpe(pos) as Tensor)) as Tensor;
    const mask = Transformer.generateSquareSubsequentMask(T);
    for (const block of this.blocks) x = block(x, { srcMask: mask }) as Tensor;
    return this.head(this.ln_f(x)) as Tensor;
  }

  /** The number of parameters. */
  numParams(): number {
    return this.parameters().reduce((a, p) => a + p.numel(), 0);
  }
}
