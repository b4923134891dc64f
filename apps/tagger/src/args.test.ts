import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseOptions, UsageError } from './args.js';

describe('parseOptions', () => {
  it('gives the defaults, and takes flags after pnpm\'s --', () => {
    expect(parseOptions([])).toEqual({ ...DEFAULTS, export: null, help: false });
    const o = parseOptions(['--', '--max-steps', '0', '--hidden', '64', '--lr', '3e-3', '--schedule', 'cosine', '--export', 'x.json']);
    expect([o.maxSteps, o.hidden, o.lr, o.schedule, o.export]).toEqual([0, 64, 0.003, 'cosine', 'x.json']);
  });

  it('refuses bad values with the flag named', () => {
    expect(() => parseOptions(['--epochs', '0'])).toThrow(new UsageError("--epochs must be an integer >= 1 (got '0')"));
    expect(() => parseOptions(['--dropout', '1.5'])).toThrow(/--dropout must be a number in \[0, 0.99\]/);
    expect(() => parseOptions(['--schedule', 'step'])).toThrow(/--schedule must be constant or cosine/);
    expect(() => parseOptions(['--bogus'])).toThrow(UsageError);
  });
});
