import { describe, expect, it } from 'vitest';
import { tensor } from './index.js';
import { loadSafetensors, saveSafetensors } from './index.js';

describe('loadSafetensors from a Node Buffer', () => {
  it('reads the right bytes (Buffer.slice is a view, not a copy)', () => {
    const bytes = saveSafetensors({ a: tensor([1.5, -2, 3]), b: tensor(Int32Array.of(7, -8), { dtype: 'int32' }) });
    // A Buffer into a larger pool at a non-zero offset, as readFileSync or network reads give.
    const pool = Buffer.alloc(bytes.length + 64);
    pool.set(bytes, 40);
    const buf = pool.subarray(40, 40 + bytes.length);
    const out = loadSafetensors(buf);
    expect(out.a!.tolist()).toEqual([1.5, -2, 3]);
    expect(out.b!.tolist()).toEqual([7, -8]);
    expect(loadSafetensors(Buffer.from(bytes)).a!.tolist()).toEqual([1.5, -2, 3]);
  });
});
