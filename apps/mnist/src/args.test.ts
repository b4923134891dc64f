import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './args.js';

describe('parseOptions', () => {
  it('applies per-model defaults', () => {
    expect(parseOptions([])).toMatchObject({ model: 'mlp', epochs: 3, batchSize: 128, optimizer: 'sgd', seed: 0, limit: null });
    expect(parseOptions(['--model', 'cnn'])).toMatchObject({ model: 'cnn', optimizer: 'adam', lr: 0.001 });
    expect(parseOptions(['--model', 'mlp', '--optimizer', 'adam'])).toMatchObject({ lr: 0.001 });
  });

  it('reads every flag, ignoring the -- that pnpm passes through', () => {
    const o = parseOptions(['--', '--model', 'resnet', '--epochs', '2', '--batch-size', '32', '--lr', '0.01', '--seed', '7', '--limit', '500', '--save', 'a.safetensors', '--export', 'm.onnx', '--load', 'b.safetensors', '--backend', 'webgpu']);
    expect(o).toEqual({ model: 'resnet', epochs: 2, batchSize: 32, lr: 0.01, optimizer: 'adam', seed: 7, limit: 500, save: 'a.safetensors', export: 'm.onnx', load: 'b.safetensors', data: null, backend: 'webgpu', help: false });
    expect(parseOptions([]).backend).toBe('wasm');
    expect(parseOptions(['--load', 'm.safetensors']).epochs).toBe(0);
    expect(parseOptions(['--help']).help).toBe(true);
  });

  it('rejects bad flags with a UsageError', () => {
    for (const argv of [['--model', 'vgg'], ['--epochs', '-1'], ['--epochs', '1.5'], ['--batch-size', '0'], ['--lr', 'abc'], ['--lr', '-1'], ['--frobnicate'], ['stray'], ['--epochs']]) {
      expect(() => parseOptions(argv), argv.join(' ')).toThrow(UsageError);
    }
    expect(() => parseOptions(['--model', 'vgg'])).toThrow("--model must be mlp, cnn or resnet (got 'vgg')");
    expect(() => parseOptions(['--backend', 'cuda'])).toThrow("--backend must be wasm, cpu or webgpu (got 'cuda')");
  });
});
