import { describe, expect, it } from 'vitest';
import { normalizeTag } from './tags.js';

describe('normalizeTag', () => {
  it('drops the title, headline and cited-word suffixes, repeatedly', () => {
    expect(normalizeTag('np-tl')).toBe('np');
    expect(normalizeTag('nn-hl')).toBe('nn');
    expect(normalizeTag('nns-tl-nc')).toBe('nns');
    expect(normalizeTag('nn-tl-hl')).toBe('nn');
  });

  it('drops the foreign-word prefix', () => {
    expect(normalizeTag('fw-nn')).toBe('nn');
    expect(normalizeTag('fw-in+at-tl')).toBe('in+at');
  });

  it('drops the negation star but keeps the tag of "not"', () => {
    expect(normalizeTag('do*')).toBe('do');
    expect(normalizeTag('bez*-hl')).toBe('bez');
    expect(normalizeTag('*')).toBe('*');
    expect(normalizeTag('fw-*-tl')).toBe('*');
  });

  it('normalises each part of a compound tag and keeps plain tags', () => {
    expect(normalizeTag('ppss+md-nc')).toBe('ppss+md');
    expect(normalizeTag('nn-tl+bez')).toBe('nn+bez');
    for (const t of ['nn', 'at', '.', ',', '``', "''", 'pp$', 'np$', '--', '(']) expect(normalizeTag(t)).toBe(t);
  });
});
