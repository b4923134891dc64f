/**
 * Seeded fuzzing of `parseSafetensors` / `loadSafetensors` (in the spirit of the Rust crate's
 * `fuzz/fuzz_targets/fuzz_target_1.rs`): thousands of mutations of valid files (byte flips,
 * truncations, length-prefix edits, header text edits). Every input is either accepted, and then
 * obeys the format's rules as checked independently here and re-serialises to a file that parses
 * back the same, or refused with a bounded SafetensorsError that names the file, creating no tensor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, memory, saveSafetensors, SafetensorsError, tensor, zeros } from './index.js';
import { parseSafetensors, serializeSafetensors, type RawTensor } from './safetensors-codec.js';

const SOURCE = 'fuzz.safetensors';
const ITEMSIZE: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, U8: 1, I8: 1, BOOL: 1 };

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const headerLen = (b: Uint8Array): number => Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));

/** A file from header text and a data section, with a correct length prefix. */
function withHeader(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Valid files to mutate: written by saveSafetensors and serializeSafetensors, one by PyTorch, one by hand. */
function seeds(): Uint8Array[] {
  const src = {
    w: tensor([[1.5, -2.25, 3], [0, 1e-3, -7]]),
    i: tensor([1, -2, 2147483647], { dtype: 'int32' }),
    m: tensor([true, false]),
    s: tensor(0.5),
    e: zeros([0, 4]),
  };
  const raw = (dtype: RawTensor['dtype'], shape: number[], v: ArrayBufferView): [string, RawTensor] => [dtype.toLowerCase(), { dtype, shape, data: bytesOf(v) }];
  const out = [
    saveSafetensors(src, { note: 'flint', format: 'pt' }),
    saveSafetensors({ a: tensor([1, 2]) }),
    saveSafetensors({}),
    serializeSafetensors([
      raw('F64', [2], Float64Array.of(0.1, -2)),
      raw('I64', [2], BigInt64Array.of(7n, -1n)),
      raw('F16', [2], Uint16Array.of(0x3e00, 0x7c00)),
      raw('BF16', [1], Uint16Array.of(0x3fc0)),
      raw('I16', [1], Int16Array.of(-3)),
      raw('I8', [1], Int8Array.of(-4)),
      raw('U8', [3], Uint8Array.of(1, 2, 3)),
      raw('BOOL', [1], Uint8Array.of(1)),
    ], { k: 'v' }),
    new Uint8Array(readFileSync(new URL('../../../tests/oracle/loss_mse.safetensors', import.meta.url))),
    withHeader(' {"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4],"x":[1.5,{"y":null}]}, "\\u00e9":{"dtype":"I8","shape":[2],"data_offsets":[0,2]},"__metadata__":{"\\"q":"\\n"}}  ', Uint8Array.of(1, 2, 3, 4)),
  ];
  Object.values(src).forEach((t) => t.dispose());
  return out;
}

const DTYPES = ['F32', 'F64', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2', 'C64', 'F4', 'Q4', 'f32', ''];
const NUMBERS = ['0', '1', '2', '3', '4', '8', '12', '24', '1.0', '-0', '4e0', '-1', '00', '1e400', '9007199254740993', '18446744073709551616', '0.5', '65536'];
const SNIPPETS = [',', ':', '{', '}', '[', ']', '"', '\\', ' ', '\n', '\uFEFF', '\u00e9', '\\ud800', 'null', '[[[[', '"__metadata__":{}', '"x":1,', ',"__metadata__":{"a":"b"}', ',"z":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}'];
const BYTES = [...'{}[],:-.0123456789eE "\\u'].map((c) => c.charCodeAt(0)).concat([0x00, 0xff, 0x80, 0xef, 0xbb, 0xbf, 0xc0, 0xed, 0x09]);

/** One random mutation of `file`. */
function mutate(file: Uint8Array, rnd: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const n = file.length < 8 ? 0 : Math.min(headerLen(file), file.length - 8);
  const headerPos = () => 8 + int(Math.max(1, n));
  const kind = int(10);
  if (kind === 0) {
    const out = file.slice();
    const at = rnd() < 0.8 ? headerPos() : int(out.length);
    out[at] = (out[at] ?? 0) ^ (1 << int(8));
    return out;
  }
  if (kind === 1) {
    const out = file.slice();
    out[rnd() < 0.8 ? headerPos() : int(out.length)] = pick(BYTES);
    return out;
  }
  if (kind === 2) return file.slice(0, int(file.length));
  if (kind === 3) return Uint8Array.from([...file, ...Array.from({ length: 1 + int(16) }, () => int(256))]);
  if (kind === 4 && file.length >= 8) {
    const out = file.slice();
    const dv = new DataView(out.buffer);
    const choices = [BigInt(n + int(17) - 8), BigInt(int(out.length + 1)), 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n, 100_000_001n, 0n];
    const v = pick(choices);
    dv.setBigUint64(0, v < 0n ? 0n : v, true);
    return out;
  }
  // Header text edits, then (usually) a correct length prefix so the edit reaches the deeper checks.
  const text = new TextDecoder().decode(file.subarray(8, 8 + n));
  const data = file.subarray(8 + n);
  let edited = text;
  if (kind === 5) {
    const nums = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)];
    if (nums.length) {
      const m = pick(nums);
      edited = text.slice(0, m.index) + pick(NUMBERS) + text.slice(m.index! + m[0].length);
    }
  } else if (kind === 6) {
    const ds = [...text.matchAll(/"dtype":"([^"]*)"/g)];
    if (ds.length) {
      const m = pick(ds);
      edited = text.replace(m[0], `"dtype":"${pick(DTYPES)}"`);
    }
  } else if (kind === 7) {
    const at = int(text.length + 1);
    edited = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
  } else if (kind === 8) {
    const at = int(text.length);
    edited = text.slice(0, at) + text.slice(at + 1 + int(4));
  } else {
    // Duplicate a member, or reorder the two halves of the data-section order.
    const members = [...text.matchAll(/"[^"]*":\{[^{}]*\}/g)];
    if (members.length) {
      const m = pick(members);
      const end = text.lastIndexOf('}');
      edited = rnd() < 0.5 ? `${text.slice(0, end)},${m[0]}${text.slice(end)}` : text.replace(m[0], `${m[0]},${m[0]}`);
    }
  }
  const out = withHeader(edited, data);
  if (rnd() < 0.2) new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, new TextEncoder().encode(edited).length + int(5) - 2)), true);
  return out;
}

/** Checks an accepted file against the format's rules independently (with JSON.parse), and that it re-serialises. */
function checkAccepted(input: Uint8Array, parsed: ReturnType<typeof parseSafetensors>): void {
  const n = headerLen(input);
  expect(n).toBeLessThanOrEqual(100_000_000);
  expect(8 + n).toBeLessThanOrEqual(input.length);
  const headerBytes = input.subarray(8, 8 + n);
  expect([...headerBytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes)) as Record<string, unknown>;
  const dataLen = input.length - 8 - n;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  expect(names.length).toBe(parsed.tensors.size); // no key was repeated (JSON.parse keeps the last)
  const meta = header['__metadata__'];
  if (meta !== undefined) {
    expect(typeof meta === 'object' && meta !== null && !Array.isArray(meta)).toBe(true);
    for (const v of Object.values(meta as object)) expect(typeof v).toBe('string');
    expect(parsed.metadata).toEqual(meta);
  }
  const infos = names.map((k) => ({ k, ...(header[k] as { dtype: string; shape: number[]; data_offsets: [number, number] }) }));
  infos.sort((a, b) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  let at = 0;
  for (const { k, dtype, shape, data_offsets: [begin, end] } of infos) {
    expect(ITEMSIZE[dtype], `dtype of ${k}`).toBeDefined();
    for (const d of shape) expect(Number.isSafeInteger(d) && d >= 0 && !Object.is(d, -0)).toBe(true);
    expect(begin).toBe(at);
    expect(end - begin).toBe(shape.reduce((a, b) => a * b, 1) * ITEMSIZE[dtype]!);
    at = end;
    const t = parsed.tensors.get(k)!;
    expect(t.dtype).toBe(dtype);
    expect(t.shape).toEqual(shape);
    expect(t.data).toEqual(input.subarray(8 + n + begin, 8 + n + end));
  }
  expect(at).toBe(dataLen);
  // Re-serialised, it is valid and the same.
  const again = parseSafetensors(serializeSafetensors(parsed.tensors, parsed.metadata));
  expect([...again.tensors.keys()]).toEqual([...parsed.tensors.keys()]);
  for (const [k, t] of parsed.tensors) expect(again.tensors.get(k)).toEqual(t);
  expect(again.metadata).toEqual(parsed.metadata);
}

/** Runs one input through both entry points; returns whether it was accepted. */
function exercise(input: Uint8Array): boolean {
  let parsed: ReturnType<typeof parseSafetensors> | undefined;
  try {
    parsed = parseSafetensors(input, SOURCE);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw new Error(`not a SafetensorsError for ${Buffer.from(input.subarray(0, 200)).toString('latin1')}: ${String(e)}`);
    expect(e.message).toContain(SOURCE);
    expect(e.message.length).toBeLessThan(700);
  }
  if (parsed) checkAccepted(input, parsed);
  const before = memory().numTensors;
  try {
    const loaded = loadSafetensors(input, SOURCE);
    expect(parsed).toBeDefined();
    expect(memory().numTensors - before).toBe(parsed!.tensors.size);
    for (const [k, t] of Object.entries(loaded)) {
      expect([...t.shape]).toEqual(parsed!.tensors.get(k)!.shape);
      t.dispose();
    }
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    expect(memory().numTensors).toBe(before);
    // A file the codec accepts is refused by the loader only for an I64 outside int32.
    if (parsed) expect(e.message).toContain('out of int32 range');
  }
  expect(memory().numTensors).toBe(before);
  return parsed !== undefined;
}

describe('fuzzing the safetensors reader (seeded)', () => {
  const files = seeds();

  it('the seed files are valid', () => {
    for (const f of files) expect(exercise(f)).toBe(true);
  });

  it('every truncation of a file is refused', () => {
    const f = files[0]!;
    for (let len = 0; len < f.length; len++) expect(exercise(f.subarray(0, len))).toBe(false);
  });

  it('every single-bit flip in a header is accepted by the rules or refused', () => {
    const f = files[1]!;
    let accepted = 0;
    for (let i = 0; i < 8 + headerLen(f); i++) {
      for (let bit = 0; bit < 8; bit++) {
        const g = f.slice();
        g[i] ^= 1 << bit;
        if (exercise(g)) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(0); // e.g. a flipped letter in a name, or 'F32' -> 'I32'
  });

  it('3000 random mutations: accepted and valid, or refused with a SafetensorsError', () => {
    const rnd = prng(0x5afe7e45);
    const start = performance.now();
    let accepted = 0;
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      let input = files[Math.floor(rnd() * files.length)]!;
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) input = mutate(input, rnd);
      const t0 = performance.now();
      if (exercise(input)) accepted++;
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(accepted).toBeGreaterThan(30);
    expect(accepted).toBeLessThan(2700);
    expect(slowest).toBeLessThan(2000);
    expect(performance.now() - start).toBeLessThan(40_000);
  });
});
