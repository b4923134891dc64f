import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTensor, type FormatDType, type FormatOptions } from './format.js';

// Expected strings are printed by PyTorch 1.13: see scripts/fixtures/format_cases.py.
interface Case {
  name: string;
  values: (number | 'nan' | 'inf' | '-inf')[];
  shape: number[];
  dtype: FormatDType;
  suffixes: string[];
  options: FormatOptions;
  expected: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('./test-fixtures/format-cases.json', import.meta.url), 'utf8'),
) as { torch: string; cases: Case[] };

const decode = (v: Case['values'][number]): number =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v;

describe('formatTensor matches PyTorch repr', () => {
  it('has a meaningful number of cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = formatTensor(c.values.map(decode), c.shape, c.dtype, c.suffixes, c.options);
    expect(out).toBe(c.expected);
  });
});

describe('formatTensor inputs', () => {
  it('accepts typed arrays', () => {
    expect(formatTensor(new Float32Array([1, 2.5]), [2], 'float32')).toBe('tensor([1.0000, 2.5000])');
    expect(formatTensor(new Int32Array([3, -4]), [2], 'int32')).toBe('tensor([ 3, -4], dtype=torch.int32)');
    expect(formatTensor(new Uint8Array([1, 0]), [2], 'bool')).toBe('tensor([ True, False])');
  });

  it('rounds float32 inputs given as doubles like PyTorch storage would', () => {
    // 1e-4 is below 1e-4 once stored as float32, which switches PyTorch to sci mode.
    expect(formatTensor([1e-4, 0.5], [2], 'float32')).toBe('tensor([1.0000e-04, 5.0000e-01])');
  });

  it('rejects too few values', () => {
    expect(() => formatTensor([1, 2, 3], [2, 2], 'float32')).toThrow(RangeError);
  });
});
