import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, tensor } from '@flint/tensor';
import { noGrad } from '@flint/autograd';
import { AdamW } from '@flint/optim';
import { NamesGPT, type GPTConfig } from './model.js';
import { sampleNames } from './sample.js';
import { evaluate, rows, trainStep } from './train.js';
import { blockSizeFor, encodeNames, Vocab } from './vocab.js';

const config: GPTConfig = { vocabSize: 7, blockSize: 6, nEmbd: 16, nHead: 2, nLayer: 2, dropout: 0 };

describe('NamesGPT', () => {
  it('maps [B, T] ids to [B, T, vocabSize] logits, for any T up to the block size', () => {
    manualSeed(0);
    const model = new NamesGPT(config);
    model.eval();
    noGrad(() => {
      expect(model(tensor([[0, 1, 2, 3, 4, 5], [0, 6, 6, 6, 6, 6]], { dtype: 'int32' })).shape).toEqual([2, 6, 7]);
      expect(model(tensor([[0, 3]], { dtype: 'int32' })).shape).toEqual([1, 2, 7]);
    });
    expect(() => model(tensor([[0, 1, 2, 3, 4, 5, 6]], { dtype: 'int32' }))).toThrow(/exceeds the block size 6/);
    expect(Object.keys(model.stateDict())).toContain('blocks.1.self_attn.in_proj_weight');
    expect(model.numParams()).toBe(7 * 16 + 6 * 16 + 2 * (3 * 16 * 16 + 3 * 16 + 16 * 16 + 16 + 16 * 64 + 64 + 64 * 16 + 16 + 4 * 16) + 2 * 16 + 16 * 7 + 7);
  });

  it('is causal: changing a later character leaves the logits of every earlier position alone', () => {
    manualSeed(1);
    const model = new NamesGPT(config);
    model.eval();
    const [a, b] = noGrad(() => [
      Array.from(model(tensor([[0, 1, 2, 3, 4, 5]], { dtype: 'int32' })).dataSync()),
      Array.from(model(tensor([[0, 1, 2, 6, 6, 0]], { dtype: 'int32' })).dataSync()),
    ]);
    const V = config.vocabSize;
    // positions 0..2 see only 0, 1, 2: identical; position 3 sees the changed character.
    for (let i = 0; i < 3 * V; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    expect(Math.max(...a.slice(3 * V, 4 * V).map((v, i) => Math.abs(v - b[3 * V + i]!)))).toBeGreaterThan(1e-3);
  });

  it('learns: 20 AdamW steps on a few names lower the loss, and sampling yields names of its characters', async () => {
    manualSeed(2);
    const names = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'mia', 'amelia', 'harper', 'evelyn', 'abigail', 'emily', 'ella'];
    const vocab = Vocab.fromNames(names);
    const blockSize = blockSizeFor(names);
    const model = new NamesGPT({ vocabSize: vocab.size, blockSize, nEmbd: 32, nHead: 4, nLayer: 1, dropout: 0.1 });
    const { x, y } = encodeNames(names, vocab, blockSize);
    const [xt, yt] = [rows(x, blockSize), rows(y, blockSize)];
    const before = await evaluate(model, xt, yt);
    expect(before.chars).toBe(names.reduce((a, n) => a + n.length + 1, 0));
    const opt = new AdamW(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) losses.push((await trainStep(model, opt, xt, yt)).loss);
    const after = await evaluate(model, xt, yt);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    expect(after.loss).toBeLessThan(before.loss * 0.8);
    expect(model.training).toBe(true);

    const sampled = await sampleNames(model, vocab, { count: 5, temperature: 0.8, generator: new Generator(0) });
    expect(sampled.length).toBe(5);
    for (const n of sampled) {
      expect(n.length).toBeLessThanOrEqual(blockSize);
      expect([...n].every((c) => vocab.chars.includes(c) && c !== '.')).toBe(true);
    }
    expect(await sampleNames(model, vocab, { count: 5, temperature: 0.8, generator: new Generator(0) })).toEqual(sampled);
  });
});
