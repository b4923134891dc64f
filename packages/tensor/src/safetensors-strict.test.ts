/**
 * The format's rules as the Rust `safetensors` crate enforces them (`SafeTensors::read_metadata`,
 * `Metadata::validate`), plus what a hostile header can try: each refusal is a SafetensorsError
 * that names the file and the tensor, with a bounded message.
 */
import { describe, expect, it } from 'vitest';
import { parseSafetensors, SafetensorsError, serializeSafetensors, type RawTensor } from './safetensors-codec.js';
import { JsonNumber, JsonSyntaxError, parseJson } from './safetensors-json.js';

const SOURCE = 'model.safetensors';

/** A file whose header is `header` (an object, or raw JSON text used verbatim) and whose data section is `data` (or that many zero bytes). */
function file(header: unknown, data: number | Uint8Array = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}
const entry = (dtype: string, shape: unknown, data_offsets: unknown) => ({ dtype, shape, data_offsets });

/** The SafetensorsError parsing `bytes` throws; checks it names the file and is bounded in length. */
function refusal(bytes: Uint8Array): string {
  let caught: unknown;
  try {
    parseSafetensors(bytes, SOURCE);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  const msg = (caught as Error).message;
  expect(msg).toContain(SOURCE);
  expect(msg.length).toBeLessThan(600);
  return msg;
}
function expectRefused(bytes: Uint8Array, ...words: string[]): void {
  const msg = refusal(bytes);
  for (const w of words) expect(msg).toContain(w);
}

describe('data offsets tile the data section', () => {
  it('the first tensor begins at 0', () =>
    expectRefused(file({ w: entry('U8', [1], [1, 2]) }, 2), "tensor 'w'", 'gap of 1 byte', 'the data section starts at 0'));
  it('each tensor begins where the previous ends (gap)', () =>
    expectRefused(file({ a: entry('U8', [1], [0, 1]), b: entry('U8', [1], [2, 3]) }, 3), "tensor 'b'", 'gap of 1 byte', "tensor 'a' ends at 1"));
  it('each tensor begins where the previous ends (overlap)', () =>
    expectRefused(file({ a: entry('U8', [2], [0, 2]), b: entry('U8', [2], [1, 3]) }, 3), "tensor 'b'", 'overlap', "tensor 'a'"));
  it('an empty tensor inside another overlaps it', () =>
    expectRefused(file({ a: entry('U8', [2], [0, 2]), z: entry('U8', [0], [1, 1]) }, 2), "tensor 'z'", 'overlap'));
  it('no trailing bytes after the last tensor', () =>
    expectRefused(file({ a: entry('U8', [2], [0, 2]) }, 3), 'data section is 3 bytes', 'tensors end at byte 2', '1 byte of trailing data'));
  it('no data at all without tensors', () => expectRefused(file({}, 4), 'there are no tensors', '4 bytes of trailing data'));
  it('header order need not be data order: tensors come back in data order', () => {
    const bytes = file({ b: entry('U8', [1], [2, 3]), e: entry('F32', [0], [3, 3]), a: entry('U8', [2], [0, 2]) }, Uint8Array.of(1, 2, 3));
    const { tensors } = parseSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['a', 'b', 'e']);
    expect([...tensors.get('b')!.data]).toEqual([3]);
  });
  it('an empty file is valid', () => {
    expect(parseSafetensors(file({})).tensors.size).toBe(0);
    expect(parseSafetensors(serializeSafetensors([])).tensors.size).toBe(0);
  });
});

describe('header', () => {
  it('is at most 100 000 000 bytes', () => {
    const big = new Uint8Array(8 + 100_000_001);
    new DataView(big.buffer).setBigUint64(0, 100_000_001n, true);
    expectRefused(big, 'header length 100000001', "over the format's limit of 100000000 bytes");
  });
  it('has no UTF-8 byte order mark', () => {
    const json = new TextEncoder().encode('{}');
    const bytes = new Uint8Array(8 + 3 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(3 + json.length), true);
    bytes.set([0xef, 0xbb, 0xbf, ...json], 8);
    expectRefused(bytes, 'byte order mark');
    expectRefused(file('\uFEFF{}'), 'byte order mark');
    expectRefused(file(' \uFEFF{}'), 'not valid UTF-8 JSON', 'U+FEFF');
  });
  it('may be surrounded by JSON whitespace (serde_json::from_str), nothing else', () => {
    expect(parseSafetensors(file(' \n\t{}\r\n    ')).tensors.size).toBe(0);
    expectRefused(file('{}\0\0'), 'not valid UTF-8 JSON', 'U+0000');
    expectRefused(file('{}\u00a0'), 'not valid UTF-8 JSON');
    expectRefused(file('{} {}'), 'after the JSON value');
    expectRefused(file(''), 'not valid UTF-8 JSON', 'end of the header');
  });
  it('is strict JSON (no trailing commas, comments, single quotes, NaN)', () => {
    for (const text of ['{"a":1,}', '{"a":[1,]}', "{'a':1}", '{"a":NaN}', '{/*c*/}', '{"a":01}', '{"a":.5}', '{"a":"\\x41"}', '{"a":"\t"}', '{"a":+1}']) {
      expectRefused(file(text), 'not valid UTF-8 JSON');
    }
  });
  it('invalid UTF-8 (overlong, encoded surrogate) is refused', () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const bytes = file('{"____": 1}');
      bytes.set(bad, 10);
      expectRefused(bytes, 'not valid UTF-8 JSON');
    }
  });
  it('a \\u escape leaving a lone surrogate is refused; a pair is fine', () => {
    expectRefused(file('{"\\ud800":{}}'), 'lone surrogate');
    expectRefused(file('{"\\udc00x":{}}'), 'lone surrogate');
    const ok = file('{"\\ud83d\\ude00":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}', 1);
    expect([...parseSafetensors(ok).tensors.keys()]).toEqual(['\u{1F600}']);
  });
});

describe('numbers are non-negative JSON integers', () => {
  const cases: [string, string, string[]][] = [
    ['1.0 in shape', '{"w":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', ['dimension 1.0', 'JSON integer']],
    ['4e0 in shape', '{"w":{"dtype":"U8","shape":[4e0],"data_offsets":[0,4]}}', ['dimension 4e0']],
    ['-0 in shape', '{"w":{"dtype":"U8","shape":[-0],"data_offsets":[0,0]}}', ['dimension -0']],
    ['2^53 in shape', '{"w":{"dtype":"U8","shape":[9007199254740992,0],"data_offsets":[0,0]}}', ['larger than 2^53 - 1']],
    ['1.0 in offsets', '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}}', ['data_offsets must be [begin, end]', '[0, 1.0]']],
    ['-0 in offsets', '{"w":{"dtype":"U8","shape":[1],"data_offsets":[-0,1]}}', ['[-0, 1]']],
    ['1E0 in offsets', '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1E0]}}', ['[0, 1E0]']],
    ['a string offset', '{"w":{"dtype":"U8","shape":[1],"data_offsets":["0",1]}}', ['["0", 1]']],
    ['three offsets', '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,1]}}', ['[0, 1, 1]']],
  ];
  it.each(cases)('%s', (_name, text, words) => expectRefused(file(text, 4), "tensor 'w' in model.safetensors", ...words));

  it('the product of the shape overflowing u64 is refused, as the crate does (ValidationOverflow)', () =>
    expectRefused(file('{"w":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}'), "tensor 'w'", 'more than 2^64 - 1 elements'));

  it('a large zero-element shape within u64 is fine', () => {
    const { tensors } = parseSafetensors(file('{"w":{"dtype":"U8","shape":[4294967296,0],"data_offsets":[0,0]}}'));
    expect(tensors.get('w')!.shape).toEqual([4294967296, 0]);
  });
});

describe('keys', () => {
  it('a tensor named twice is refused', () =>
    expectRefused(file('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', 2), "tensor 'w'", 'twice'));
  it('a field repeated in an entry is refused', () =>
    expectRefused(file('{"w":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}}', 1), "tensor 'w'", "duplicate key 'dtype'"));
  it('at most one __metadata__', () =>
    expectRefused(file('{"__metadata__":{"a":"1"},"__metadata__":{"a":"2"}}'), "more than one '__metadata__'"));
  it('a key repeated in __metadata__ is refused', () => expectRefused(file('{"__metadata__":{"a":"1","a":"2"}}'), "duplicate key 'a'", '__metadata__'));
  it('unknown fields in an entry are ignored, as the crate does (serde without deny_unknown_fields)', () => {
    const { tensors } = parseSafetensors(file('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":{"y":[1.5,null]}}}', 1));
    expect(tensors.get('w')!.shape).toEqual([1]);
  });
});

describe('__metadata__ is a string -> string map or absent', () => {
  it.each([
    ['null', '{"__metadata__":null}', 'got null'],
    ['an array', '{"__metadata__":["a"]}', 'got ["a"]'],
    ['a string', '{"__metadata__":"a"}', 'got "a"'],
    ['a nested object', '{"__metadata__":{"a":{"b":"c"}}}', `value for 'a' must be a string, got {"b": "c"}`],
    ['a number value', '{"__metadata__":{"a":1}}', `value for 'a' must be a string, got 1`],
  ])('%s is refused', (_name, text, words) => expectRefused(file(text), '__metadata__', words));
  it('absent gives undefined, an empty map gives {}', () => {
    expect(parseSafetensors(file({})).metadata).toBeUndefined();
    expect(parseSafetensors(file({ __metadata__: {} })).metadata).toEqual({});
  });
});

describe('nesting is bounded', () => {
  const nested = (depth: number) => `{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
  it('128 levels (serde_json recursion limit) parse', () => expect(parseSafetensors(file(nested(126), 1)).tensors.size).toBe(1));
  it('129 levels are a SafetensorsError naming the tensor', () => expectRefused(file(nested(127), 1), "tensor 'w'", 'nested deeper than 128'));
  it('a million open brackets are a SafetensorsError, not a stack overflow', () => {
    expectRefused(file(`{"w":${'['.repeat(1_000_000)}`), 'nested deeper than 128');
    expectRefused(file('['.repeat(1_000_000)), 'nested deeper than 128');
    expectRefused(file(`{"__metadata__":${'{"a":'.repeat(200_000)}`), 'nested deeper than 128');
  });
});

describe('dtypes', () => {
  it.each([
    ['U16', [2], 4],
    ['U32', [2], 8],
    ['U64', [1], 8],
    ['F8_E4M3', [3], 3],
    ['F8_E5M2', [3], 3],
    ['F8_E8M0', [1], 1],
    ['C64', [1], 8],
    ['F4', [2, 2], 2],
    ['F6_E2M3', [4], 3],
    ['F6_E3M2', [4], 3],
  ] as const)('%s is known to the format but not supported', (dtype, shape, bytes) =>
    expectRefused(file({ w: entry(dtype, shape, [0, bytes]) }, bytes), "tensor 'w'", `dtype '${dtype}' is not supported by Flint`));
  it('a known dtype is still validated before "not supported"', () =>
    expectRefused(file({ w: entry('U16', [2], [0, 2]) }, 2), "tensor 'w'", 'needs 4'));
  it('sub-byte dtypes must fill whole bytes (MisalignedSlice)', () =>
    expectRefused(file({ w: entry('F4', [3], [0, 2]) }, 2), "tensor 'w'", 'F4 is 12 bits, not a whole number of bytes'));
  it('an unknown dtype says unknown', () => expectRefused(file({ w: entry('f32', [1], [0, 4]) }, 4), "unknown dtype 'f32'"));
});

describe('messages are bounded and name the file and the tensor', () => {
  const long = 'x'.repeat(50_000);
  it('a long tensor name is cut', () => {
    const msg = refusal(file({ [long]: entry('Q4', [1], [0, 1]) }, 1));
    expect(msg).toContain(`tensor '${'x'.repeat(100)}… (50000 characters)' in model.safetensors`);
  });
  it('a long dtype, shape, offsets or metadata value is cut', () => {
    for (const header of [
      { w: entry(long, [1], [0, 1]) },
      { w: entry('U8', [long], [0, 1]) },
      { w: entry('U8', Array(20_000).fill(1.5), [0, 1]) },
      { w: entry('U8', [1], [long, 1]) },
      { w: entry('U8', [1], { [long]: [long] }) },
      { w: long },
      { __metadata__: { [long]: [long] } },
    ]) {
      const msg = refusal(file(header, 1));
      expect(msg).not.toContain('x'.repeat(101));
    }
  });
  it('a syntax error does not dump the header', () => {
    const msg = refusal(file(`{"w": "${long}`));
    expect(msg).toContain('unterminated string');
    expect(msg).not.toContain('x'.repeat(101));
  });
  it('a long number is cut', () => {
    const msg = refusal(file(`{"w":{"dtype":"U8","shape":[${'1'.repeat(5000)}],"data_offsets":[0,1]}}`, 1));
    expect(msg).toContain('larger than 2^53 - 1');
    expect(msg).not.toContain('1'.repeat(102));
  });
});

describe('the JSON reader', () => {
  it('keeps number text, key order and strings with escapes', () => {
    const v = parseJson('{"b":[1.0,-0,4e0,12],"a":"q\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00","9":null,"1":true,"0":false}') as Map<string, unknown>;
    expect([...v.keys()]).toEqual(['b', 'a', '9', '1', '0']);
    expect((v.get('b') as JsonNumber[]).map((n) => n.raw)).toEqual(['1.0', '-0', '4e0', '12']);
    expect(v.get('a')).toBe('q"\\/\b\f\n\r\t\u00e9\u{1F600}');
  });
  it('refuses with a position and the path of keys', () => {
    try {
      parseJson('{"a": {"b": [1, }}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError);
      expect((e as JsonSyntaxError).path).toEqual(['a', 'b']);
      expect((e as JsonSyntaxError).at).toBe(16);
    }
  });
  it('agrees with JSON.parse on what it accepts', () => {
    for (const text of ['{}', '[]', '"x"', '0', '-1.5e-3', ' [ 1 , { "a" : [ ] } ] ', '"\\u0000"']) expect(() => parseJson(text)).not.toThrow();
    for (const text of ['', '{', '[1 2]', '{"a" 1}', '{"a":}', 'tru', 'nul', '-', '1.', '1e', '"\\u12"', '"\\']) {
      expect(() => JSON.parse(text)).toThrow();
      expect(() => parseJson(text)).toThrow(JsonSyntaxError);
    }
  });
});

describe('serialising refuses what parsing would refuse', () => {
  const u8 = (n: number): RawTensor => ({ dtype: 'U8', shape: [n], data: new Uint8Array(n) });
  it('non-string metadata values, Maps, arrays, symbol keys and lone surrogates', () => {
    expect(() => serializeSafetensors([['w', u8(1)]], { epoch: 3 } as never)).toThrow("__metadata__ value for 'epoch' must be a string, got number");
    expect(() => serializeSafetensors([], new Map([['a', 'b']]) as never)).toThrow('__metadata__ must be a plain object, got a Map');
    expect(() => serializeSafetensors([], ['a'] as never)).toThrow('__metadata__ must be a plain object, got an array');
    expect(() => serializeSafetensors([], { [Symbol('s')]: 'x' } as never)).toThrow('symbol key Symbol(s)');
    expect(() => serializeSafetensors([], { a: '\ud800' })).toThrow('lone surrogate');
    expect(() => serializeSafetensors([['\udc00', u8(1)]])).toThrow('lone surrogate');
    expect(() => serializeSafetensors([['w', { ...u8(1), dtype: 'U16' as never }]])).toThrow("dtype 'U16' cannot be written");
  });
  it('a header over 100 000 000 bytes', () => {
    expect(() => serializeSafetensors([], { big: 'x'.repeat(100_000_000) })).toThrow("over the format's limit of 100000000 bytes");
  });
  it('metadata keys such as __proto__ round-trip as ordinary keys', () => {
    const metadata = JSON.parse('{"__proto__":"p","constructor":"c","0":"z"}') as Record<string, string>;
    const back = parseSafetensors(serializeSafetensors([['w', u8(2)]], metadata)).metadata!;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.entries(back)).toEqual([['0', 'z'], ['__proto__', 'p'], ['constructor', 'c']]);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBe('p');
    expect(back.constructor).toBe('c');
  });
});
