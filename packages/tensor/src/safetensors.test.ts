/**
 * `loadSafetensors` / `saveSafetensors` as Flint tensors (the byte codec has its own tests in
 * safetensors-codec.test.ts): the oracle files, round trips, bytes as `safetensors.torch` writes
 * them, and malformed input that throws and creates nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, memory, safetensorsMetadata, saveSafetensors, SafetensorsError, scope, tensor, zeros, type DType, type Tensor } from './index.js';
import { serializeSafetensors, type RawTensor, type SafetensorsDtype } from './safetensors-codec.js';

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

/** The SafetensorsError `fn` throws, after checking it created no tensor. */
function refusal(fn: () => unknown): SafetensorsError {
  const before = memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(memory().numTensors).toBe(before);
  expect(error).toBeInstanceOf(SafetensorsError);
  return error as SafetensorsError;
}
const raw = (dtype: SafetensorsDtype, shape: number[], values: ArrayBufferView): RawTensor => ({ dtype, shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
const disposeAll = (r: Record<string, Tensor>) => Object.values(r).forEach((t) => t.dispose());

describe('dtypes', () => {
  it('F64, F16 and BF16 load as float32; U8, I8, I16 and I64 as int32; BOOL as bool', () => {
    const bytes = serializeSafetensors([
      ['f64', raw('F64', [3], Float64Array.of(0.1, -2, 1e300))],
      ['f16', raw('F16', [4], Uint16Array.of(0x3e00, 0x8001, 0x7c00, 0x7e00))], // 1.5, -2^-24, Infinity, NaN
      ['bf16', raw('BF16', [2], Uint16Array.of(0x3f81, 0xff80))], // 1 + 2^-7, -Infinity
      ['u8', raw('U8', [2], Uint8Array.of(0, 255))],
      ['i8', raw('I8', [2], Int8Array.of(-128, 127))],
      ['i16', raw('I16', [2], Int16Array.of(-32768, 32767))],
      ['i64', raw('I64', [2], BigInt64Array.of(-2147483648n, 5n))],
      ['b', raw('BOOL', [3], Uint8Array.of(1, 0, 7))],
    ]);
    const before = memory().numTensors;
    const r = loadSafetensors(bytes, 'dtypes.safetensors');
    expect(memory().numTensors - before).toBe(8);
    const got = Object.fromEntries(Object.entries(r).map(([k, t]) => [k, [t.dtype, Array.from(t.dataSync())]]));
    expect(got).toEqual({
      f64: ['float32', [Math.fround(0.1), -2, Infinity]],
      f16: ['float32', [1.5, -(2 ** -24), Infinity, NaN]],
      bf16: ['float32', [1 + 2 ** -7, -Infinity]],
      u8: ['int32', [0, 255]],
      i8: ['int32', [-128, 127]],
      i16: ['int32', [-32768, 32767]],
      i64: ['int32', [-2147483648, 5]],
      b: ['bool', [1, 0, 1]],
    });
    disposeAll(r);
  });

  it.each(['U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2', 'C64'])('%s is "not supported" and nothing is created', (dtype) => {
    const bytes = file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, w: { dtype, shape: [0], data_offsets: [4, 4] } }, new Uint8Array(4));
    const e = refusal(() => loadSafetensors(bytes, 'model.safetensors'));
    expect(e.message).toContain(`tensor 'w' in model.safetensors: dtype '${dtype}' is not supported by Flint`);
    expect(e.message).not.toContain('unknown');
  });
});

describe('keys that are Object.prototype names load as ordinary keys', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];
  const header = Object.fromEntries(names.map((n, i) => [n, { dtype: 'I32', shape: [1], data_offsets: [4 * i, 4 * i + 4] }]));
  const bytes = (() => {
    const json = `{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(header[n])}`).join(',')},"__metadata__":{"__proto__":"p","constructor":"c"}}`;
    return file(json, new Uint8Array(Int32Array.from(names, (_, i) => i + 10).buffer));
  })();

  it('as own properties of a plain object, without touching any prototype', () => {
    const r = loadSafetensors(bytes);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.keys(r)).toEqual(names);
    names.forEach((n, i) => {
      expect(Object.hasOwn(r, n)).toBe(true);
      expect(r[n]!.tolist()).toEqual([i + 10]);
    });
    expect(Object.getPrototypeOf(r.__proto__)).not.toBe(Object.prototype);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'tolist')).toBe(false);
    const m = safetensorsMetadata(bytes);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.entries(m)).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
    // They save back under the same names.
    const again = saveSafetensors(r, m);
    expect(Object.keys(loadSafetensors(again)).sort()).toEqual([...names].sort());
    expect(safetensorsMetadata(again)).toEqual(m);
    disposeAll(r);
  });

  it('the result of a scope() keeps its tensors (it is a plain object, which scope() looks into)', () => {
    const before = memory().numTensors;
    const r = scope(() => loadSafetensors(bytes));
    expect(memory().numTensors - before).toBe(names.length);
    const key: string = 'constructor';
    expect(r[key]!.tolist()).toEqual([11]);
    disposeAll(r);
  });
});

describe('the bytes may be an ArrayBuffer, a Uint8Array view or a Node Buffer', () => {
  const bytes = saveSafetensors({ w: tensor([1.5, 2]) }, { k: 'v' });
  const inPool = (() => {
    const pool = new Uint8Array(bytes.length + 13);
    pool.set(bytes, 5);
    return pool.subarray(5, 5 + bytes.length);
  })();
  it.each([
    ['ArrayBuffer', bytes.slice().buffer],
    ['Uint8Array subarray (byteOffset 5)', inPool],
    ['Buffer', Buffer.from(bytes)],
    ['Buffer view into a pool', Buffer.from(inPool.buffer, 5, bytes.length)],
  ] as [string, Uint8Array | ArrayBuffer][])('%s', (_name, input) => {
    const r = loadSafetensors(input);
    expect(r.w!.tolist()).toEqual([1.5, 2]);
    expect(safetensorsMetadata(input)).toEqual({ k: 'v' });
    disposeAll(r);
  });
  it('anything else is refused', () => {
    for (const bad of ['bytes', null, undefined, new Float32Array(4), [1, 2, 3], new DataView(new ArrayBuffer(8))]) {
      expect(refusal(() => loadSafetensors(bad as never, 'x.safetensors')).message).toContain('expected the file\'s bytes as a Uint8Array, Buffer or ArrayBuffer');
    }
  });
});

describe('saveSafetensors refuses what loadSafetensors would refuse, naming the key', () => {
  const ok = tensor([1]);
  it.each([
    ['a Map of tensors', () => saveSafetensors(new Map([['w', ok]]) as never), 'tensors must be a plain object, got a Map'],
    ['an array of tensors', () => saveSafetensors([ok] as never), 'tensors must be a plain object, got an array'],
    ['null', () => saveSafetensors(null as never), 'tensors must be a plain object, got null'],
    ['a Tensor', () => saveSafetensors(ok as never), 'tensors must be a plain object, got a Tensor'],
    ['a symbol key', () => saveSafetensors({ w: ok, [Symbol('s')]: ok } as never), 'symbol key Symbol(s)'],
    ['a number value', () => saveSafetensors({ w: ok, n: 3 } as never), "tensor 'n' is not a Tensor (got number)"],
    ['an undefined value', () => saveSafetensors({ u: undefined } as never), "tensor 'u' is not a Tensor (got undefined)"],
    ['a nested object', () => saveSafetensors({ o: { w: ok } } as never), "tensor 'o' is not a Tensor (got an object)"],
    ['a reserved name', () => saveSafetensors({ __metadata__: ok }), "'__metadata__' is reserved"],
    ['a lone surrogate in a name', () => saveSafetensors({ '\ud800': ok }), 'lone surrogate'],
    ['a number metadata value', () => saveSafetensors({ w: ok }, { epoch: 3 } as never), "__metadata__ value for 'epoch' must be a string, got number"],
    ['a null metadata value', () => saveSafetensors({ w: ok }, { a: null } as never), "__metadata__ value for 'a' must be a string, got null"],
    ['metadata null', () => saveSafetensors({ w: ok }, null as never), '__metadata__ must be a plain object, got null'],
    ['metadata a Map', () => saveSafetensors({ w: ok }, new Map([['a', 'b']]) as never), '__metadata__ must be a plain object, got a Map'],
    ['metadata symbol key', () => saveSafetensors({ w: ok }, { [Symbol('m')]: 'x' } as never), '__metadata__ has the symbol key Symbol(m)'],
  ] as [string, () => unknown, string][])('%s', (_name, fn, words) => {
    const e = refusal(fn);
    expect(e.message).toContain(words);
  });
  it('a disposed tensor, naming it', () => {
    const t = tensor([1]);
    t.dispose();
    expect(refusal(() => saveSafetensors({ a: ok, t })).message).toBe("saveSafetensors: tensor 't' was disposed (released) and cannot be saved");
  });
  it('a null-prototype record is fine', () => {
    const rec = Object.assign(Object.create(null) as Record<string, Tensor>, { w: ok });
    expect(Object.keys(loadSafetensors(saveSafetensors(rec)))).toEqual(['w']);
  });
});
