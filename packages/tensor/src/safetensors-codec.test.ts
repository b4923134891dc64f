import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors,
  serializeSafetensors,
  SafetensorsError,
  toBool,
  toFloat32,
  toInt32,
  type RawTensor,
  type SafetensorsDtype,
} from './safetensors-codec.js';

/** Safetensors files written from PyTorch: the project's (tests/oracle), and the shared oracle's when present. */
const ORACLE = new URL('../../../tests/oracle/', import.meta.url);
const ORACLE_FILES = [ORACLE, new URL('../../../../shared/oracle/', import.meta.url)]
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort().map((f) => [`${dir.pathname.includes('/shared/') ? 'shared' : 'project'}/${f}`, new URL(f, dir)] as const));

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A file with the given header (object or raw JSON text) and `dataLen` zero bytes of data. */
function file(header: unknown, dataLen = 0, headerLen?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataLen);
  new DataView(out.buffer).setBigUint64(0, headerLen ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

const entry = (dtype: string, shape: unknown, data_offsets: unknown) => ({ dtype, shape, data_offsets });

function expectError(bytes: Uint8Array, ...words: string[]): void {
  let caught: unknown;
  try {
    parseSafetensors(bytes, 'model.safetensors');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  const msg = (caught as Error).message;
  for (const w of ['safetensors:', 'model.safetensors', ...words]) expect(msg).toContain(w);
}

const SAMPLES: Record<SafetensorsDtype, ArrayBufferView> = {
  F32: new Float32Array([1.5, -2, 0, 3.25, 1e-3, -7]),
  F64: new Float64Array([1.5, -2, 0, 3.25, 0.1, -7]),
  I32: new Int32Array([1, -2, 0, 2147483647, -2147483648, 7]),
  I64: new BigInt64Array([1n, -2n, 0n, 2147483647n, -2147483648n, 7n]),
  I16: new Int16Array([1, -2, 0, 32767, -32768, 7]),
  I8: new Int8Array([1, -2, 0, 127, -128, 7]),
  U8: new Uint8Array([1, 2, 0, 255, 128, 7]),
  BOOL: new Uint8Array([1, 0, 0, 1, 1, 0]),
  // binary16 bits of 1.5, -2, 0, 65504, 2^-24 (smallest subnormal), -Infinity
  F16: new Uint16Array([0x3e00, 0xc000, 0x0000, 0x7bff, 0x0001, 0xfc00]),
  // bfloat16 bits of 1.5, -2, 0, 3.25, 1 + 2^-7, -7
  BF16: new Uint16Array([0x3fc0, 0xc000, 0x0000, 0x4050, 0x3f81, 0xc0e0]),
};

describe('safetensors round trip', () => {
  it.each(Object.keys(SAMPLES) as SafetensorsDtype[])('%s survives serialise -> parse byte-exactly', (dtype) => {
    const t: RawTensor = { dtype, shape: [2, 3], data: bytesOf(SAMPLES[dtype]) };
    const scalar: RawTensor = { dtype, shape: [], data: bytesOf(SAMPLES[dtype]).slice(0, t.data.byteLength / 6) };
    const empty: RawTensor = { dtype, shape: [0, 4], data: new Uint8Array(0) };
    const bytes = serializeSafetensors([['a', t], ['s', scalar], ['e', empty]], { format: 'pt' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['a', 's', 'e']);
    expect(tensors.get('a')).toEqual(t);
    expect(tensors.get('s')).toEqual(scalar);
    expect(tensors.get('e')).toEqual(empty);
    expect(serializeSafetensors(tensors, metadata)).toEqual(bytes);
  });

  it('converts to typed arrays', () => {
    const raw = (dtype: SafetensorsDtype): RawTensor => ({ dtype, shape: [6], data: bytesOf(SAMPLES[dtype]) });
    expect([...toFloat32(raw('F32'))]).toEqual([...(SAMPLES.F32 as Float32Array)]);
    expect([...toFloat32(raw('F64'))]).toEqual([...Float32Array.from(SAMPLES.F64 as Float64Array)]);
    expect([...toFloat32(raw('F16'))]).toEqual([1.5, -2, 0, 65504, 2 ** -24, -Infinity]);
    expect([...toFloat32(raw('BF16'))]).toEqual([1.5, -2, 0, 3.25, 1 + 2 ** -7, -7]);
    for (const d of ['I32', 'I64', 'I16', 'I8', 'U8'] as const) {
      expect([...toInt32(raw(d), 'x')]).toEqual([...(SAMPLES[d] as unknown as Iterable<number | bigint>)].map(Number));
    }
    expect([...toBool(raw('BOOL'))]).toEqual([1, 0, 0, 1, 1, 0]);
    expect(() => toFloat32(raw('I64'))).toThrow(/toFloat32 needs .* got I64/);
    expect(() => toBool(raw('U8'))).toThrow(/toBool needs BOOL/);
  });

  it('narrowing I64 out of int32 range names the tensor and the value', () => {
    const t: RawTensor = { dtype: 'I64', shape: [2], data: bytesOf(new BigInt64Array([3n, 3000000000n])) };
    expect(() => toInt32(t, 'target')).toThrow(SafetensorsError);
    expect(() => toInt32(t, 'target')).toThrow(/tensor 'target'.*3000000000 .*out of int32 range/);
  });

  it('serialise rejects inconsistent tensors', () => {
    const bad: RawTensor = { dtype: 'F32', shape: [2, 3], data: new Uint8Array(12) };
    expect(() => serializeSafetensors([['w', bad]])).toThrow(/tensor 'w': data holds 12 bytes but shape \[2, 3\] of F32 needs 24/);
    const ok: RawTensor = { dtype: 'U8', shape: [1], data: new Uint8Array(1) };
    expect(() => serializeSafetensors([['w', ok], ['w', ok]])).toThrow(/duplicate/);
    expect(() => serializeSafetensors([['__metadata__', ok]])).toThrow(/reserved/);
  });
});

describe('safetensors oracle files (written by PyTorch)', () => {
  const names = ORACLE_FILES;

  it('finds the oracle files', () => expect(names.length).toBeGreaterThan(0));

  it.each(names)('%s parses and re-serialises byte-identically', (name, url) => {
    const bytes = new Uint8Array(readFileSync(url));
    const { tensors, metadata } = parseSafetensors(bytes, name);
    expect(tensors.size).toBeGreaterThan(0);
    expect(metadata?.['case']).toBe(name.replace(/^\w+\//, '').replace(/\.safetensors$/, ''));
    for (const [key, t] of tensors) {
      if (t.dtype === 'F32') expect(toFloat32(t).length).toBe(t.shape.reduce((a, b) => a * b, 1));
      if (t.dtype === 'I64') expect(toInt32(t, key).length).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
    expect(Buffer.from(serializeSafetensors(tensors, metadata)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('safetensors malformed files', () => {
  const f32 = (shape: unknown, offsets: unknown) => ({ w: entry('F32', shape, offsets) });

  it('file shorter than 8 bytes', () => expectError(new Uint8Array(5), 'file is 5 bytes', 'shorter than'));
  it('header length past the end', () => expectError(file({}, 0, 100n), 'header length 100', 'past the end'));
  it('header length near 2^64', () => expectError(file({}, 0, 2n ** 64n - 1n), 'past the end'));
  it('header not UTF-8', () => expectError(file('{"ab": 1}').map((b, i) => (i === 10 ? 0xff : b)), 'not valid UTF-8 JSON'));
  it('header not JSON', () => expectError(file('{"w": '), 'not valid UTF-8 JSON'));
  it('header not an object', () => expectError(file('[1, 2]'), 'not a JSON object'));
  it('entry not an object', () => expectError(file({ w: 3 }), "tensor 'w'", 'not an object'));
  it('entry missing fields', () =>
    expectError(file({ w: { dtype: 'F32' } }), "tensor 'w' in model.safetensors", 'missing shape, data_offsets'));
  it('dtype of wrong type', () => expectError(file({ w: entry(5 as never, [1], [0, 4]) }, 4), "tensor 'w'", 'dtype must be a string'));
  it('unknown dtype', () => expectError(file({ w: entry('F8', [1], [0, 1]) }, 1), "tensor 'w'", "unknown dtype 'F8'"));
  it('shape of wrong type', () => expectError(file(f32('2x3', [0, 24]), 24), "tensor 'w'", 'shape must be an array'));
  it('negative dim', () => expectError(file(f32([-1, 2], [0, 0])), "tensor 'w'", 'dimension -1', 'non-negative integer'));
  it('non-integer dim', () => expectError(file(f32([1.5], [0, 4]), 4), "tensor 'w'", 'dimension 1.5'));
  it('data_offsets of wrong type', () => expectError(file(f32([1], [0])), "tensor 'w'", 'data_offsets must be [begin, end]'));
  it('data_offsets begin > end', () => expectError(file(f32([1], [8, 4]), 8), "tensor 'w'", 'begin > end'));
  it('data_offsets past the data section', () =>
    expectError(file(f32([2], [0, 8]), 4), "tensor 'w'", 'end beyond the data section (4 bytes)'));
  it('byte size does not match shape', () => {
    expect(() => parseSafetensors(file(f32([2, 3], [0, 12]), 12), 'model.safetensors')).toThrow(
      "safetensors: tensor 'w' in model.safetensors: data_offsets [0, 12] hold 12 bytes but shape [2, 3] of F32 needs 24",
    );
  });
  it('overlapping tensors', () => {
    const header = { a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) };
    expectError(file(header, 12), "tensor 'b'", 'overlap', "tensor 'a'");
  });
  it('metadata value not a string', () =>
    expectError(file({ __metadata__: { epoch: 3 } }), '__metadata__', "'epoch'", 'must be a string'));
  it('messages without a source omit it', () =>
    expect(() => parseSafetensors(new Uint8Array(3))).toThrow(/^safetensors: file is 3 bytes/));

  it('tensors must tile the data section: gaps are refused, empty tensors sit between neighbours', () => {
    const gap = { a: entry('U8', [2], [0, 2]), z: entry('F32', [0], [2, 2]), b: entry('U8', [1], [4, 5]) };
    expectError(file(gap, 5), "tensor 'b'", 'gap of 2 bytes', "tensor 'z' ends at 2");
    const header = { a: entry('U8', [2], [0, 2]), z: entry('F32', [0], [2, 2]), b: entry('U8', [1], [2, 3]) };
    const bytes = file(header, 3);
    bytes.set([7, 8, 9], bytes.length - 3);
    const { tensors } = parseSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['a', 'z', 'b']);
    expect([...tensors.get('b')!.data]).toEqual([9]);
  });
});
