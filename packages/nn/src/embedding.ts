/** `Embedding` (`torch.nn.Embedding`). */
import { arange, empty, where, withGradMode, type Tensor } from '@flint/tensor';
import { embedding } from './functional/sparse.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, Parameter } from './parameter.js';

export interface EmbeddingOptions {
  /** This row starts at zero and never receives a gradient (a padding token). */
  paddingIdx?: number | null;
}

/**
 * `torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`: a lookup table.
 * Input: int32 indices `[*]` → output `[*, embeddingDim]`. `weight [numEmbeddings, embeddingDim]`
 * ~ N(0, 1), with the `paddingIdx` row zeroed. The lookup is `indexSelect`, whose gradient is an
 * `indexAdd` (also on WASM, where tfjs lacks `UnsortedSegmentSum`).
 */
export class Embedding extends Module {
  declare weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings) throw new RangeError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = ownParameter(empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /**
   * `Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None)`: a table initialised
   * with a copy of `embeddings [num, dim]`, frozen (no gradient) by default.
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const e = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { paddingIdx: options.paddingIdx ?? null });
    withGradMode(false, () => e.weight.copy_(embeddings));
    e.weight.requiresGrad_(!(options.freeze ?? true));
    return e;
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const isPad = arange(this.numEmbeddings).eq(this.paddingIdx).unsqueeze(1);
      withGradMode(false, () => this.weight.copy_(where(isPad, 0, this.weight)));
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}` + (this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : '');
  }
}
