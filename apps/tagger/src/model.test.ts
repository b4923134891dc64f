import { describe, expect, it } from 'vitest';
import { manualSeed } from '@flint/tensor';
import { Adam } from '@flint/optim';
import { makeBatch } from './batches.js';
import { Tagger } from './model.js';
import { taggingLoss } from './train.js';

const config = { words: 30, suffixes: 12, tags: 5, wordDim: 8, suffixDim: 4, shapeDim: 2, hidden: 6, layers: 1, dropout: 0 };

/** Toy sentences whose tag is a function of the word, so a tagger can learn them. */
function toyBatch() {
  const sentences = [7, 4, 5, 3].map((n, k) => {
    const words = Array.from({ length: n }, (_, i) => 2 + ((i * 7 + k * 3) % 28));
    return { words, suffixes: words.map((w) => 2 + (w % 10)), shapes: words.map((w) => 1 + (w % 5)), tags: words.map((w) => w % 5) };
  });
  return makeBatch(sentences);
}

describe('Tagger', () => {
  it('maps [T, B] ids to [T, B, tags] scores', () => {
    manualSeed(0);
    const b = toyBatch();
    const out = new Tagger({ ...config, layers: 2, dropout: 0.1 })(b.words, b.suffixes, b.shapes);
    expect(out.shape).toEqual([7, 4, 5]);
    expect(b.words.shape).toEqual([7, 4]);
  });

  it('has the parameters of PyTorch\'s twin', () => {
    const names = [...new Tagger(config).namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names).toEqual([
      'wordEmb.weight 30x8',
      'suffixEmb.weight 12x4',
      'shapeEmb.weight 6x2',
      'lstm.weight_ih_l0 24x14',
      'lstm.weight_hh_l0 24x6',
      'lstm.bias_ih_l0 24',
      'lstm.bias_hh_l0 24',
      'lstm.weight_ih_l0_reverse 24x14',
      'lstm.weight_hh_l0_reverse 24x6',
      'lstm.bias_ih_l0_reverse 24',
      'lstm.bias_hh_l0_reverse 24',
      'out.weight 5x12',
      'out.bias 5',
    ]);
  });

  it('lowers the loss over 20 Adam steps', () => {
    manualSeed(0);
    const model = new Tagger(config);
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const b = toyBatch();
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      opt.zeroGrad();
      const loss = taggingLoss(model(b.words, b.suffixes, b.shapes), b.tags);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[19]!).toBeLessThan(losses[0]! * 0.5);
    expect(Number.isFinite(losses[19]!)).toBe(true);
  });
});
