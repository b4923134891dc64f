/** `Embedding` (`torch.nn.Embedding`). */
import { arange, empty, where, withGradMode, type Tensor } from '@flint/tensor';
import { bindArgs, boolArg, factoryArgs, sizeArg } from './args.js';
import { checkTensor } from './functional/activation.js';
import { EMBEDDING_ARGS, embeddingArgs, embeddingOf, type EmbeddingOptions as FEmbeddingOptions } from './functional/sparse.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { ownParameter, Parameter } from './parameter.js';

export interface EmbeddingOptions extends FEmbeddingOptions {
  /** This row starts at zero and never receives a gradient (a padding token). */
  paddingIdx?: number | null;
  /** Only `'cpu'`. */
  device?: 'cpu' | null;
  /** Only `'float32'`. */
  dtype?: 'float32' | null;
}

/**
 * `torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)`: a lookup table.
 * Input: int32 indices `[*]` → output `[*, embeddingDim]`. `weight [numEmbeddings, embeddingDim]`
 * ~ N(0, 1), with the `paddingIdx` row zeroed. The lookup is `indexSelect`, whose gradient is an
 * `indexAdd` (also on WASM, where tfjs lacks `UnsortedSegmentSum`).
 */
export class Embedding extends Module {
  static override readonly className: string = 'Embedding';
  declare weight: Parameter;
  readonly paddingIdx: number | null;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;

  /** `new Embedding(10, 3, { paddingIdx: 0 })`, or PyTorch's positional `new Embedding(10, 3, 0)`. */
  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingOptions);
  constructor(numEmbeddings: number, embeddingDim: number, paddingIdx?: number | null, options?: Omit<EmbeddingOptions, 'paddingIdx'>);
  constructor(numEmbeddings: number, embeddingDim: number, ...args: unknown[]) {
    super();
    const op = 'Embedding';
    this.numEmbeddings = sizeArg(op, 'numEmbeddings', numEmbeddings);
    this.embeddingDim = sizeArg(op, 'embeddingDim', embeddingDim);
    const a = bindArgs(op, args, [...EMBEDDING_ARGS, '_weight', 'device', 'dtype']);
    factoryArgs(op, a);
    if (a._weight !== undefined && a._weight !== null) throw new Error(`${op}: _weight is not supported; use Embedding.fromPretrained(weight, { freeze })`);
    let pad = embeddingArgs(op, a);
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
  static fromPretrained(embeddings: Tensor, options?: Omit<EmbeddingOptions, 'device' | 'dtype'> & { freeze?: boolean }): Embedding;
  static fromPretrained(
    embeddings: Tensor,
    freeze?: boolean,
    paddingIdx?: number | null,
    options?: Omit<EmbeddingOptions, 'paddingIdx' | 'device' | 'dtype'>,
  ): Embedding;
  static fromPretrained(embeddings: Tensor, ...args: unknown[]): Embedding {
    const op = 'Embedding.fromPretrained';
    checkTensor(op, embeddings, 'embeddings');
    if (embeddings.ndim !== 2) throw new RangeError('Embeddings parameter is expected to be 2-dimensional');
    const { freeze, ...rest } = bindArgs(op, args, ['freeze', ...EMBEDDING_ARGS]);
    const frozen = boolArg(op, 'freeze', freeze, true);
    const e = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, rest as EmbeddingOptions);
    withGradMode(false, () => e.weight.copy_(embeddings));
    e.weight.requiresGrad_(!frozen);
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
    checkTensor(this._getName(), input);
    return embeddingOf(this._getName(), input, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}` + (this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : '');
  }
}
