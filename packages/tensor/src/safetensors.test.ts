/**
 * `loadSafetensors` / `saveSafetensors` as Flint tensors (the byte codec has its own tests in
 * safetensors-codec.test.ts): the oracle files, round trips, bytes as `safetensors.torch` writes
 * them, and malformed input that throws and creates nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, memory, safetensorsMetadata, saveSafetensors, SafetensorsError, tensor, zeros, type DType } from './index.js';

/** Safetensors files written from PyTorch: the project's (tests/oracle), and the shared oracle's when present. */
const ORACLE = new URL('../../../tests/oracle/', import.meta.url);
const ORACLE_FILES = [ORACLE, new URL('../../../../shared/oracle/', import.meta.url)]
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort().map((f) => [`${dir.pathname.includes('/shared/') ? 'shared' : 'project'}/${f}`, new URL(f, dir)] as const));
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./test-fixtures/${name}`, import.meta.url)));

interface TensorJson {
  shape: number[];
  dtype: DType;
  values: (number | boolean)[];
}
const io = JSON.parse(new TextDecoder().decode(fixture('tensor-io.json'))) as { writer: string; tensors: Record<string, TensorJson> };

/** A safetensors file from a header object and a data section. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('oracle files (written from PyTorch)', () => {
  const names = ORACLE_FILES;

  it('finds them', () => expect(names.length).toBeGreaterThan(10));

  it.each(names)('%s loads, I64 as int32', (name, url) => {
    const bytes = new Uint8Array(readFileSync(url));
    const before = memory().numTensors;
    const tensors = loadSafetensors(bytes, name);
    const entries = Object.entries(tensors);
    expect(entries.length).toBeGreaterThan(0);
    expect(memory().numTensors - before).toBe(entries.length);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))))) as Record<
      string,
      { dtype: string; shape: number[] }
    >;
    for (const [key, t] of entries) {
      const h = header[key]!;
      expect([...t.shape], key).toEqual(h.shape);
      expect(t.dtype, key).toBe(h.dtype === 'F32' ? 'float32' : h.dtype === 'BOOL' ? 'bool' : 'int32');
      t.dispose();
    }
    expect(memory().numTensors).toBe(before);
  });

  it('int64 values arrive intact (cross-entropy targets, num_batches_tracked)', () => {
    const ce = loadSafetensors(new Uint8Array(readFileSync(new URL('loss_cross_entropy.safetensors', ORACLE))));
    const target = ce.target!;
    expect(target.dtype).toBe('int32');
    const classes = ce.input!.shape[1]!;
    for (const v of target.dataSync()) expect(v >= 0 && v < classes).toBe(true);
    const bn = loadSafetensors(new Uint8Array(readFileSync(new URL('batchnorm2d.safetensors', ORACLE))));
    expect(bn['param.num_batches_tracked']!.shape).toEqual([]);
    expect(bn['param.num_batches_tracked']!.dtype).toBe('int32');
  });

  it('the metadata is readable', () => {
    const bytes = new Uint8Array(readFileSync(new URL('seed_linear.safetensors', ORACLE)));
    expect(safetensorsMetadata(bytes)).toEqual({ case: 'seed_linear', kind: 'seed_linear' });
  });
});

describe('the generator’s file (tensor-io.safetensors)', () => {
  const bytes = fixture('tensor-io.safetensors');

  it('loads with the values, shapes and dtypes PyTorch wrote', () => {
    const loaded = loadSafetensors(bytes);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(io.tensors).sort());
    for (const [name, want] of Object.entries(io.tensors)) {
      const t = loaded[name]!;
      expect([...t.shape], name).toEqual(want.shape);
      expect(t.dtype, name).toBe(want.dtype);
      const exp = want.values.map(Number);
      expect(Array.from(t.dataSync()), name).toEqual(want.dtype === 'float32' ? exp.map(Math.fround) : exp);
    }
  });

  it(`saving gives the same bytes as PyTorch's file (${io.writer})`, () => {
    const loaded = loadSafetensors(bytes);
    // Insertion order differs from the file's: saveSafetensors sorts as safetensors.torch does.
    const shuffled = Object.fromEntries(Object.entries(loaded).reverse());
    expect(Buffer.from(saveSafetensors(shuffled)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('round trip Flint → bytes → Flint', () => {
  it('keeps names, values, shapes, dtypes and metadata', () => {
    const src = {
      w: tensor([[1.5, -2.25], [3, Number.NaN]]),
      i: tensor([1, -2, 2147483647], { dtype: 'int32' }),
      m: tensor([true, false, true]),
      s: tensor(0.1),
      e: zeros([0, 4]),
    };
    const bytes = saveSafetensors(src, { note: 'flint' });
    expect(bytes.byteLength % 1).toBe(0);
    expect(safetensorsMetadata(bytes)).toEqual({ note: 'flint' });
    const back = loadSafetensors(bytes);
    expect(Object.keys(back).sort()).toEqual(Object.keys(src).sort());
    for (const [k, t] of Object.entries(src)) {
      expect(back[k]!.dtype).toBe(t.dtype);
      expect(back[k]!.shape).toEqual(t.shape);
      expect(Array.from(back[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(Buffer.from(saveSafetensors(back, { note: 'flint' })).equals(Buffer.from(bytes))).toBe(true);
  });

  it('rejects what is not a tensor, naming it', () => {
    expect(() => saveSafetensors({ w: [1, 2] as never })).toThrow("'w' is not a Tensor");
  });

  it('saving a released tensor says so', () => {
    const t = tensor([1]);
    t.dispose();
    expect(() => saveSafetensors({ t })).toThrow('was disposed');
  });
});

describe('malformed input throws naming the problem and creates no tensors', () => {
  const good = file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'I64', shape: [1], data_offsets: [8, 16] } }, new Uint8Array(16));
  const i64 = new Uint8Array(16);
  new DataView(i64.buffer).setBigInt64(8, 2n ** 40n, true);
  const cases: [string, Uint8Array, string[]][] = [
    ['truncated data', good.subarray(0, good.length - 3), ['data_offsets']],
    ['truncated prefix', good.subarray(0, 5), ['shorter than the 8-byte header length prefix']],
    ['header past the end', good.subarray(0, 40), ['past the end']],
    ['not JSON', file('{"a": '), ['not valid UTF-8 JSON']],
    ['unknown dtype', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, w: { dtype: 'Q4', shape: [1], data_offsets: [4, 5] } }, new Uint8Array(5)), ["tensor 'w'", "unknown dtype 'Q4'"]],
    ['size mismatch', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, w: { dtype: 'F32', shape: [3], data_offsets: [4, 8] } }, new Uint8Array(8)), ["tensor 'w'"]],
    ['int64 out of int32 range', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'I64', shape: [1], data_offsets: [8, 16] } }, i64), ["tensor 'b'", 'out of int32 range']],
  ];
  it('the good file loads', () => {
    const r = loadSafetensors(good);
    expect(Object.keys(r)).toEqual(['a', 'b']);
  });
  it.each(cases)('%s', (_name, bytes, parts) => {
    const before = memory().numTensors;
    let error: unknown;
    try {
      loadSafetensors(bytes, 'model.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SafetensorsError);
    for (const p of parts) expect((error as Error).message).toContain(p);
    expect((error as Error).message).toContain('model.safetensors');
    expect(memory().numTensors).toBe(before);
  });
});
