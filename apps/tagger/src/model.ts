/**
 * The tagger: three embeddings (word, suffix, capitalisation shape) concatenated, a bidirectional
 * LSTM, dropout, and a linear layer to the tag scores. `train_torch.py` builds the same in PyTorch.
 *
 *   words, suffixes, shapes [T, B] int32 → cat(E_w, E_s, E_c) [T, B, dw+ds+dc]
 *   → LSTM(bidirectional) [T, B, 2H] → Dropout → Linear [T, B, tags]
 */
import { cat, type Tensor } from '@flint/tensor';
import { Dropout, Embedding, Linear, LSTM, Module } from '@flint/nn';
import { PAD, SHAPES } from './vocab.js';

export interface TaggerConfig {
  words: number;
  suffixes: number;
  tags: number;
  wordDim: number;
  suffixDim: number;
  shapeDim: number;
  hidden: number;
  layers: number;
  dropout: number;
}

export class Tagger extends Module {
  readonly wordEmb: Embedding;
  readonly suffixEmb: Embedding;
  readonly shapeEmb: Embedding;
  readonly lstm: LSTM;
  readonly drop: Dropout;
  readonly out: Linear;

  constructor(readonly config: TaggerConfig) {
    super();
    const c = config;
    this.wordEmb = new Embedding(c.words, c.wordDim, { paddingIdx: PAD });
    this.suffixEmb = new Embedding(c.suffixes, c.suffixDim, { paddingIdx: PAD });
    this.shapeEmb = new Embedding(SHAPES.length, c.shapeDim, { paddingIdx: PAD });
    this.lstm = new LSTM(c.wordDim + c.suffixDim + c.shapeDim, c.hidden, { numLayers: c.layers, bidirectional: true, dropout: c.layers > 1 ? c.dropout : 0 });
    this.drop = new Dropout(c.dropout);
    this.out = new Linear(2 * c.hidden, c.tags);
  }

  /** `[T, B]` ids of each feature → `[T, B, tags]` scores. */
  override forward(words: Tensor, suffixes: Tensor, shapes: Tensor): Tensor {
    const x = cat([this.wordEmb(words), this.suffixEmb(suffixes), this.shapeEmb(shapes)], 2);
    const [h] = this.lstm(this.drop(x));
    return this.out(this.drop(h));
  }
}
