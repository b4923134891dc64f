/**
 * `load` / `save` against files written by PyTorch 1.13's `torch.save` (tests/checkpoints, from
 * scripts/fixtures/checkpoint_cases.py), crafted bad files, and round trips.
 */
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { arange, CheckpointError, load, loadSafetensors, memory, ones, save, tensor, Tensor, zeros } from './index.js';

const file = (name: string) => readFileSync(new URL(`../../../tests/checkpoints/${name}`, import.meta.url));
const fixture = (name: string) => load(file(name), { source: name });
const values = (t: Tensor) => Array.from(t.dataSync());

/** A zip of stored entries (what torch.save writes) around a hand-written pickle. */
const zipOf = (entries: Record<string, Uint8Array | string>) =>
  zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [typeof v === 'string' ? new TextEncoder().encode(v) : v, { level: 0 }]])));
const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
/** A pickle of one float tensor: storage '0' of `numel` floats, size `size`, stride `stride`. */
const tensorPickle = (numel: number, size: number[], stride: number[], offset = 0) =>
  bytes(
    [0x80, 2],
    'ctorch._utils\n_rebuild_tensor_v2\n(',
    '(',
    [0x58, 7, 0, 0, 0],
    'storage',
    'ctorch\nFloatStorage\n',
    [0x58, 1, 0, 0, 0],
    '0',
    [0x58, 3, 0, 0, 0],
    'cpu',
    [0x4b, numel],
    't',
    [0x51, 0x4b, offset],
    '(',
    size.flatMap((d) => [0x4b, d]),
    't(',
    stride.flatMap((d) => [0x4b, d]),
    't',
    [0x89],
    'ccollections\nOrderedDict\n)R',
    'tR.',
  );
const floats = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

describe('load: files written by torch.save (PyTorch 1.13)', () => {
  it('a state dict of every layer kind: the same keys, dtypes and values as its safetensors twin', () => {
    const ck = fixture('layers.pt');
    const twin = loadSafetensors(file('layers.safetensors'));
    expect(Object.getPrototypeOf(ck.state_dict)).toBe(null);
    expect(Object.keys(ck.state_dict)).toEqual(Object.keys(twin));
    for (const [k, t] of Object.entries(twin)) {
      const got = ck.state_dict[k] as Tensor;
      expect(got.shape, k).toEqual(t.shape);
      expect(got.dtype, k).toBe(t.dtype);
      expect(values(got), k).toEqual(values(t));
    }
    expect(ck.state_dict['bn.num_batches_tracked'].dtype).toBe('int32');
    expect(ck.state_dict['bn.num_batches_tracked'].item()).toBe(1);
    expect(ck.state_dict['lstm.weight_ih_l0'].shape).toEqual([16, 3]);
    expect(ck.state_dict['mha.in_proj_weight'].shape).toEqual([12, 4]);
  });

  it('dtypes: float64/float16/bfloat16 → float32, int64/int32/int16/int8/uint8 → int32, bool → bool', () => {
    const v = fixture('values.pt');
    const f32 = (xs: number[]) => Array.from(new Float32Array(xs));
    expect([v.f64.dtype, values(v.f64)]).toEqual(['float32', f32([1.5, -2.25, 1e-40, 3.0e38])]);
    expect(values(v.f16)).toEqual([0.5, -1, 65504, 0.00006097555160522461]);
    expect(values(v.bf16)).toEqual(f32([1, -3.5, 1.0002555517425873e30]));
    expect([v.i64.dtype, values(v.i64)]).toEqual(['int32', [0, -1, 2 ** 31 - 1, -(2 ** 31)]]);
    expect(values(v.i32)).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(values(v.i16)).toEqual([-32768, 32767]);
    expect(values(v.i8)).toEqual([-128, 127]);
    expect([v.u8.dtype, values(v.u8)]).toEqual(['int32', [0, 255, 7]]);
    expect([v.bool.dtype, v.bool.tolist()]).toEqual(['bool', [true, false, true]]);
    expect([v.scalar.shape, v.scalar.item()]).toEqual([[], 2.5]);
    expect(v.empty.shape).toEqual([0, 3]);
  });

  it('plain values: ints (2**40 too), floats, strings, booleans, None, tuples and lists as arrays, nested dicts with int keys', () => {
    const v = fixture('values.pt');
    expect([v.int, v.neg, v.big, v.huge_neg, v.float, v.true, v.none, v.str]).toEqual([7, -300000, 2 ** 40, -(2 ** 52), 0.1, true, null, 'héllo']);
    expect(v.tuple).toEqual([1, 'a']);
    expect(v.list).toEqual([1.5, [2, 3]]);
    expect(Object.keys(v.nested)).toEqual(['3', 'a']);
    expect(v.nested['3']).toBe('int key');
    expect(values(v.nested.a.b[0])).toEqual([1, 1]);
  });

  it('views into one storage keep sharing it, with their offsets and strides; the same tensor twice is one Tensor', () => {
    const v = fixture('views.pt');
    expect(v.same).toBe(v.base);
    for (const k of ['row', 'col', 't', 'narrow', 'expand']) expect(v[k].isSharedWith(v.base), k).toBe(true);
    expect(v.other.isSharedWith(v.base)).toBe(false);
    expect(v.row.tolist()).toEqual([4, 5, 6, 7]);
    expect(v.col.tolist()).toEqual([2, 6, 10]);
    expect([v.col.stride(), v.col.storageOffset()]).toEqual([[4], 2]);
    expect(v.t.stride()).toEqual([1, 4]);
    expect(v.narrow.tolist()).toEqual([
      [5, 6],
      [9, 10],
    ]);
    expect(v.expand.stride()).toEqual([0, 0]);
    // A write through one view is seen through the others, as in PyTorch.
    v.row.fill_(-1);
    expect(v.col.tolist()).toEqual([2, -1, 10]);
    expect(v.t.tolist()[1]).toEqual([1, -1, 9]);
  });

  it('a non-contiguous tensor keeps its strides', () => {
    const { x } = fixture('noncontiguous.pt');
    expect(x.shape).toEqual([4, 2, 3]);
    expect(x.stride()).toEqual([1, 12, 4]);
    expect(x.isContiguous()).toBe(false);
    expect(x.contiguous().tolist()).toEqual(arange(24).reshape([2, 3, 4]).permute([2, 0, 1]).tolist());
  });
});

describe('load: refused files name what is wrong and leave nothing behind', () => {
  const refuse = (data: Uint8Array, message: string | RegExp, options = {}) => {
    const before = memory().numTensors;
    expect(() => load(data, options)).toThrow(CheckpointError);
    expect(() => load(data, options)).toThrow(message);
    expect(memory().numTensors).toBe(before);
  };

  it('PyTorch-written files: os.system, truncated, zip bombs, wrong magic, legacy format, int64 out of range', () => {
    refuse(file('os_system.pt'), 'names the global os.system, which weights-only loading does not allow');
    refuse(file('truncated.pt'), 'truncated or damaged zip');
    refuse(file('zip_bomb.pt'), /zip bomb refused: archive\/data\/0 inflates \d+ bytes to 16777216/);
    refuse(file('zip_bomb_lying.pt'), 'zip bomb refused: archive/data/0 inflates to more than its declared 1024 bytes');
    refuse(file('wrong_magic.pt'), 'not a PyTorch checkpoint: a torch.save file is a zip starting with 50 4b 03 04');
    refuse(file('legacy.pt'), 'legacy (non-zip) torch.save format');
    refuse(file('int64_range.pt'), 'int64 value 1099511627776 at index 1 of storage 1 (LongStorage; used by ["steps"]) is out of int32 range');
  });

  it('the inflated-bytes limit (maxBytes) and ratio limit (maxRatio) are options', () => {
    refuse(file('zip_bomb.pt'), 'would pass the limit of 1000 inflated bytes (maxBytes)', { maxBytes: 1000, maxRatio: 1e9 });
    const ok = load(file('zip_bomb.pt'), { maxRatio: 1e9 });
    expect(ok.w.shape).toEqual([4 * 2 ** 20]);
    ok.w.dispose();
  });

  it('other globals (STACK_GLOBAL too), unknown opcodes, missing data.pkl or storage, a storage smaller than its tensor', () => {
    refuse(zipOf({ 'archive/data.pkl': bytes([0x80, 4], [0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93], [0x8c, 1], '1', [0x85, 0x52, 0x2e]) }), 'the global builtins.eval');
    refuse(zipOf({ 'archive/data.pkl': bytes([0x80, 2], 'ctorch\nload\n.') }), 'the global torch.load');
    refuse(zipOf({ 'archive/data.pkl': bytes([0x80, 2, 0xff]) }), 'archive/data.pkl: 0xff at byte 2: unknown pickle opcode');
    refuse(zipOf({ 'archive/data.pkl': bytes([0x80, 2], 'i__main__\nX\n.') }), 'INST at byte 2: opcode not supported');
    refuse(zipOf({ 'archive/data.pkl': bytes([0x80, 2, 0x58, 9, 0, 0]) }), 'BINUNICODE at byte 2: the pickle ends inside it');
    refuse(zipOf({ 'archive/version': '3\n' }), 'the zip has no archive/data.pkl');
    refuse(zipOf({ 'archive/data.pkl': tensorPickle(4, [2, 2], [2, 1]) }), 'missing entry archive/data/0: the storage of the top-level object');
    refuse(zipOf({ 'archive/data.pkl': tensorPickle(4, [2, 2], [2, 1]), 'archive/data/0': floats([1, 2, 3]) }), 'archive/data/0 holds 12 bytes but its FloatStorage of 4 elements needs 16');
    refuse(zipOf({ 'archive/data.pkl': tensorPickle(4, [2, 3], [3, 1]), 'archive/data/0': floats([1, 2, 3, 4]) }), 'needs 6 elements but its storage 0 has 4');
    refuse(zipOf({ 'archive/data.pkl': tensorPickle(4, [2, 2], [2, 1], 1), 'archive/data/0': floats([1, 2, 3, 4]) }), 'offset 1) needs 5 elements');
    const ok = load(zipOf({ 'model/data.pkl': tensorPickle(4, [2, 2], [1, 2]), 'model/data/0': floats([1, 2, 3, 4]) }));
    expect(ok.tolist()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('refuses weightsOnly: false and non-bytes', () => {
    expect(() => load(file('views.pt'), { weightsOnly: false })).toThrow('weightsOnly must be true');
    expect(() => load('ckpt.pt' as unknown as Uint8Array)).toThrow('expected the file');
  });
});

describe('save', () => {
  it('round-trips tensors, nested objects, Maps, arrays and scalars', () => {
    const obj = {
      w: tensor([[1, 2], [3, 4]]),
      i: tensor([1, -2], { dtype: 'int32' }),
      b: tensor([true, false]),
      nested: { list: [1, 2.5, 'x', null, true, [zeros([0])]], map: new Map<string | number, unknown>([['a', 1], [2, 'two']]) },
      big: 2 ** 40,
      neg: -7,
    };
    const back = load(save(obj));
    expect(back.w.tolist()).toEqual([[1, 2], [3, 4]]);
    expect([back.i.dtype, back.i.tolist()]).toEqual(['int32', [1, -2]]);
    expect(back.b.tolist()).toEqual([true, false]);
    expect(back.nested.list.slice(0, 5)).toEqual([1, 2.5, 'x', null, true]);
    expect(back.nested.list[5][0].shape).toEqual([0]);
    expect({ ...back.nested.map }).toEqual({ a: 1, 2: 'two' });
    expect([back.big, back.neg]).toEqual([2 ** 40, -7]);
  });

  it('writes a shared storage once and views with their offsets and strides', () => {
    const base = arange(12).reshape([3, 4]).float();
    const row = base.select(0, 1);
    const t = base.t();
    const back = load(save({ base, row, t, again: base }));
    expect(back.again).toBe(back.base);
    expect(back.row.isSharedWith(back.base) && back.t.isSharedWith(back.base)).toBe(true);
    expect([back.row.storageOffset(), back.t.stride()]).toEqual([4, [1, 4]]);
    expect(back.t.tolist()).toEqual(t.tolist());
  });

  it('is deterministic and lays the zip out as PyTorch 1.13 (data.pkl, byteorder, data/<key>, version)', () => {
    const sd = { a: ones([2]), b: zeros([3]) };
    const one = save(sd);
    expect(save(sd)).toEqual(one);
    const entries = unzipSync(one);
    expect(Object.keys(entries)).toEqual(['archive/data.pkl', 'archive/byteorder', 'archive/data/0', 'archive/data/1', 'archive/version']);
    expect(new TextDecoder().decode(entries['archive/version'])).toBe('3\n');
    expect(new TextDecoder().decode(entries['archive/byteorder'])).toBe('little');
    expect(Array.from(new Float32Array(entries['archive/data/0']!.slice().buffer))).toEqual([1, 1]);
  });

  it("int32 tensors are written as int64 (torch.long) by default, as int32 with intDtype: 'int32'", () => {
    const i = tensor([3, -4], { dtype: 'int32' });
    const kind = (b: Uint8Array) => new TextDecoder('latin1').decode(unzipSync(b)['archive/data.pkl']!).match(/torch\n(\w+Storage)/)![1];
    expect(kind(save({ i }))).toBe('LongStorage');
    expect(kind(save({ i }, { intDtype: 'int32' }))).toBe('IntStorage');
    expect(unzipSync(save({ i }))['archive/data/0']!.length).toBe(16);
    expect(load(save({ i }, { intDtype: 'int32' })).i.tolist()).toEqual([3, -4]);
  });

  it('what load makes is owned by the caller: disposing it frees every tensor and storage', () => {
    const before = memory().numTensors;
    const ck = fixture('layers.pt');
    const all = [...Object.values(ck.state_dict), ...Object.values(ck.inputs), ...Object.values(ck.outputs)] as Tensor[];
    expect(memory().numTensors).toBeGreaterThan(before);
    for (const t of all) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('refuses what has no Python counterpart, naming the key', () => {
    const gone = ones([1]);
    gone.dispose();
    expect(() => save({ a: { b: undefined } })).toThrow(`save: ["a"]["b"]: undefined has no Python counterpart`);
    expect(() => save({ a: [new Date()] })).toThrow(`save: ["a"][0]: an object of class Date`);
    expect(() => save({ w: gone })).toThrow(`save: ["w"]: the tensor was disposed`);
    expect(() => save(new Map([[{}, 1]]))).toThrow('Map key an object of class Object is not a string or an integer');
  });
});
