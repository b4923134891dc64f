/** The spatial layers do not leak backend memory across training steps (see docs/memory.md). */
import { describe, expect, it } from 'vitest';
import type { Module } from '@flint/nn';
import { memory, randn, scope, tick, type Tensor } from '@flint/tensor';
import { AdaptiveAvgPool1d, AdaptiveMaxPool2d, AvgPool1d, Conv1d, ConvTranspose2d, MaxPool1d, PixelShuffle, PixelUnshuffle, Upsample } from './index.js';

const layers: [string, () => Module, number[]][] = [
  ['Conv1d', () => new Conv1d(3, 4, 3, { padding: 'same', paddingMode: 'reflect' }), [2, 3, 9]],
  ['ConvTranspose2d', () => new ConvTranspose2d(3, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 1 }), [2, 3, 4, 4]],
  ['MaxPool1d', () => new MaxPool1d(3, { stride: 2, padding: 1, returnIndices: true }), [2, 3, 9]],
  ['AvgPool1d', () => new AvgPool1d(3, { stride: 2 }), [2, 3, 9]],
  ['AdaptiveAvgPool1d', () => new AdaptiveAvgPool1d(4), [2, 3, 9]],
  ['AdaptiveMaxPool2d', () => new AdaptiveMaxPool2d([3, 2], { returnIndices: true }), [2, 3, 5, 7]],
  ['Upsample bilinear', () => new Upsample({ scaleFactor: 1.5, mode: 'bilinear' }), [2, 3, 4, 4]],
  ['Upsample nearest', () => new Upsample({ size: [7, 5] }), [2, 3, 4, 4]],
  ['PixelShuffle', () => new PixelShuffle(2), [2, 8, 3, 3]],
  ['PixelUnshuffle', () => new PixelUnshuffle(2), [2, 2, 4, 4]],
];

describe('spatial layers', () => {
  it.each(layers)('%s does not leak across training steps', (_name, make, shape) => {
    const m = make();
    const x = randn(shape, { requiresGrad: true }).keep();
    const step = () => {
      const out = m(x) as Tensor | [Tensor, Tensor];
      (Array.isArray(out) ? out[0] : out).sum().backward();
      m.zeroGrad();
      x.grad = null;
    };
    step();
    tick();
    tick();
    tick();
    const before = memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    tick();
    tick();
    tick();
    expect(memory().numTensors).toBeLessThanOrEqual(before);
    scope(() => undefined);
  });
});
