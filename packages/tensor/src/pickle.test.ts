/**
 * The pickle reader and writer on their own: every int width Python's pickler picks, floats,
 * strings, containers and the memo, read back by the restricted reader; and what it refuses.
 */
import { describe, expect, it } from 'vitest';
import { Pickler, PyDict, PickleError, unpickle } from './pickle.js';

const noGlobals = {
  resolve: (m: string, n: string): never => {
    throw new Error(`global ${m}.${n}`);
  },
  persistentLoad: (): never => {
    throw new Error('persistent id');
  },
};

describe('Pickler → unpickle', () => {
  it('ints of every width (BININT1, BININT2, BININT, LONG1), bigints beyond 2^53, floats, strings, None, booleans', () => {
    const ints = [0, 1, 255, 256, 65535, 65536, -1, -256, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 40, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const big = [2n ** 53n, -(2n ** 63n), 2n ** 64n - 1n];
    const p = new Pickler();
    p.emptyList();
    p.mark();
    for (const v of ints) p.int(v);
    for (const v of big) p.int(v);
    p.float(0.1);
    p.float(-Infinity);
    p.str('héllo ✓');
    p.none();
    p.bool(true);
    p.bool(false);
    p.appends();
    const back = unpickle(p.finish(), noGlobals) as unknown[];
    expect(back).toEqual([...ints, ...big, 0.1, -Infinity, 'héllo ✓', null, true, false]);
  });

  it('tuples are frozen, dicts keep order and Python key equality, the memo shares objects', () => {
    const p = new Pickler();
    p.emptyDict();
    p.mark();
    p.str('t');
    p.mark();
    for (const v of [1, 2, 3, 4]) p.int(v);
    p.tuple(4);
    const memo = p.put();
    p.str('again');
    p.get(memo);
    p.int(1);
    p.str('int one');
    p.bool(true);
    p.str('True replaces 1, as in Python');
    p.setitems();
    const d = unpickle(p.finish(), noGlobals) as PyDict;
    expect(d.entries.map(([k]) => k)).toEqual(['t', 'again', 1]);
    expect(d.entries[1]![1]).toBe(d.entries[0]![1]);
    expect(Object.isFrozen(d.entries[0]![1])).toBe(true);
    expect(d.entries[2]![1]).toBe('True replaces 1, as in Python');
  });
});

describe('unpickle refuses', () => {
  const run = (b: number[]) => () => unpickle(new Uint8Array(b), noGlobals, 'data.pkl');
  it('globals go to resolve; damaged pickles name the opcode and offset', () => {
    expect(run([0x80, 2, 0x63, ...Buffer.from('os\nsystem\n'), 0x2e])).toThrow('global os.system');
    expect(run([0x80, 2, 0x4e])).toThrow('data.pkl: the pickle ends at byte 3 without STOP');
    expect(run([0x80, 2, 0x68, 7, 0x2e])).toThrow('BINGET at byte 2: memo entry 7 was never stored');
    expect(run([0x80, 2, 0x4e, 0x61, 0x2e])).toThrow(PickleError);
    expect(run([0x80, 2, 0x29, 0x4e, 0x61, 0x2e])).toThrow('APPEND at byte 4: can only append to a list, got tuple');
    expect(run([0x80, 2, 0x4e, 0x4e, 0x52, 0x2e])).toThrow('REDUCE at byte 4: can only call a global the loader allows, got None');
    expect(run([0x80, 2, 0x4e, 0x4e, 0x62, 0x2e])).toThrow('BUILD at byte 4: can only set the state of an OrderedDict, got None');
    expect(run([0x80, 9])).toThrow('unsupported pickle protocol');
  });
});
