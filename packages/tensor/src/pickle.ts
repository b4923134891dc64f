/**
 * Python's pickle, the subset `torch.save` writes and `torch.load(weights_only=True)` reads
 * (`torch/_weights_only_unpickler.py`, PyTorch 1.13; Python's `Lib/pickle.py` for the opcodes).
 *
 * `unpickle` is a stack machine over the opcodes of protocols 2–5 that build data: ints, floats,
 * strings, `None`, booleans, tuples, lists and dicts. It never looks anything up or calls anything
 * by itself: every `GLOBAL` / `STACK_GLOBAL` goes to the caller's `resolve`, which returns what the
 * name stands for or throws (naming it); `REDUCE` calls only a `PyCallable` that `resolve`
 * returned, and `BINPERSID` goes to the caller's `persistentLoad`. Any other opcode is an error
 * naming it and its offset.
 *
 * `Pickler` writes protocol 2 with the opcodes of Python's own pickler that PyTorch 1.13's
 * `weights_only` unpickler reads (plus `BINFLOAT`, which only PyTorch ≥ 2.0's reads: 1.13's
 * refuses every float, in files from `torch.save` too).
 */

export class PickleError extends Error {
  override name = 'PickleError';
}

/** A Python dict: insertion-ordered entries with Python's key equality for str / int / bool / None keys. */
export class PyDict {
  readonly entries: [unknown, unknown][] = [];
  private readonly index = new Map<unknown, number>();
  /** Instance attributes set by `BUILD` (an `OrderedDict`'s `_metadata`); kept, not used. */
  attributes: unknown = undefined;

  set(key: unknown, value: unknown): void {
    const id = hashKey(key);
    const at = id === undefined ? undefined : this.index.get(id);
    if (at !== undefined) {
      this.entries[at]![1] = value;
      return;
    }
    if (id !== undefined) this.index.set(id, this.entries.length);
    this.entries.push([key, value]);
  }
}

/** Python's equality for hashable keys: `1 == True == 1.0`, `'1' != 1`. Other keys are never merged. */
function hashKey(key: unknown): unknown {
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'boolean') return `n:${Number(key)}`;
  if (typeof key === 'number' || typeof key === 'bigint') return `n:${key}`;
  if (key === null) return 'None';
  return undefined;
}

/** A tuple (read-only; frozen so `APPEND` can tell it from a list). */
export type PyTuple = readonly unknown[];

/** Something a `GLOBAL` named that `REDUCE` may call, as the caller's `resolve` allowed it. */
export class PyCallable {
  constructor(
    readonly path: string,
    readonly call: (args: readonly unknown[]) => unknown,
    /** `BUILD` on what `call` returned (`inst.__setstate__(state)`); refused when absent. */
    readonly build?: (inst: unknown, state: unknown) => void,
  ) {}
}

export interface UnpickleHooks {
  /** What `module.name` stands for; throws (naming it) when it is not allowed. */
  resolve(module: string, name: string): unknown;
  /** The object for a persistent id (`BINPERSID`): PyTorch's storages. */
  persistentLoad(pid: unknown): unknown;
}

/** Opcode names, for errors (`pickletools`). */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT', 0x4a: 'BININT',
  0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID', 0x51: 'BINPERSID', 0x52: 'REDUCE',
  0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING', 0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND',
  0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT', 0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET',
  0x69: 'INST', 0x6a: 'LONG_BINGET', 0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT',
  0x72: 'LONG_BINPUT', 0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1', 0x86: 'TUPLE2', 0x87: 'TUPLE3',
  0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4', 0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS',
  0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

/** `BINPUT 3` → `'BINPUT'`; an unknown byte as `0xNN`. */
export function opcodeName(op: number): string {
  return OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, '0')}`;
}

const MARK = Symbol('mark');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Runs the pickle in `data` (named `source` in errors) and returns the object it builds. Ints
 * beyond ±2^53 come back as `bigint`; tuples as frozen arrays; dicts as `PyDict`.
 */
export function unpickle(data: Uint8Array, hooks: UnpickleHooks, source = 'pickle'): unknown {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let op = 0;
  let opAt = 0;
  const fail = (msg: string): never => {
    throw new PickleError(`${source}: ${opcodeName(op)} at byte ${opAt}: ${msg}`);
  };
  const need = (n: number): number => {
    if (n > data.length - pos) fail(`the pickle ends inside it (needs ${n} more bytes, ${data.length - pos} left): truncated or damaged`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => data[need(1)]!;
  const u16 = () => dv.getUint16(need(2), true);
  const u32 = () => dv.getUint32(need(4), true);
  const u64 = (): number => {
    const at = need(8);
    const v = dv.getBigUint64(at, true);
    if (v > BigInt(data.length)) fail(`length ${v} is longer than the pickle`);
    return Number(v);
  };
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) fail('the pickle ends inside a text line: truncated or damaged');
    const s = String.fromCharCode(...data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const text = (n: number): string => {
    const at = need(n);
    try {
      return utf8.decode(data.subarray(at, at + n));
    } catch {
      return fail('string is not valid UTF-8');
    }
  };

  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const pop = (): unknown => {
    if (stack.length === 0) fail('the stack is empty (damaged pickle)');
    const v = stack.pop();
    if (v === MARK) fail('found a MARK where a value was expected (damaged pickle)');
    return v;
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('the stack is empty (damaged pickle)');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) fail('no MARK to pop to (damaged pickle)');
    stack = prev!;
    return items;
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) fail(`memo entry ${i} was never stored (damaged pickle)`);
    return memo.get(i);
  };
  const dictOf = (v: unknown): PyDict => (v instanceof PyDict ? v : fail(`can only set items of a dict, got ${pyType(v)}`));
  const listOf = (v: unknown): unknown[] =>
    Array.isArray(v) && !Object.isFrozen(v) ? v : fail(`can only append to a list, got ${pyType(v)}`);

  while (true) {
    opAt = pos;
    if (pos >= data.length) {
      op = 0;
      throw new PickleError(`${source}: the pickle ends at byte ${pos} without STOP: truncated or damaged`);
    }
    op = data[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol (expected 2 to 5)');
        break;
      case 0x95: // FRAME: a length prefix only
        need(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length === 0) popMark();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(dv.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(data.subarray(...span(need, u8()))));
        break;
      case 0x8b: {
        // LONG4
        const n = u32();
        stack.push(decodeLong(data.subarray(...span(need, n))));
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        stack.push(dv.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x55: {
        // SHORT_BINSTRING (Python 2 str; latin-1, as torch.load's encoding)
        const [a, b] = span(need, u8());
        stack.push(String.fromCharCode(...data.subarray(a, b)));
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]));
        break;
      case 0x74: {
        // TUPLE
        const items = popMark();
        stack.push(Object.freeze(items));
        break;
      }
      case 0x85: // TUPLE1
        stack.push(Object.freeze([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(Object.freeze([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(Object.freeze([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        listOf(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = listOf(top());
        for (const v of items) list.push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PyDict();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        dictOf(top()).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2 !== 0) fail('odd number of items (damaged pickle)');
        const d = dictOf(top());
        for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(hooks.resolve(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('module and name must be strings');
        stack.push(hooks.resolve(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        if (!(fn instanceof PyCallable)) fail(`can only call a global the loader allows, got ${pyType(fn)}`);
        if (!Array.isArray(args)) fail(`arguments must be a tuple, got ${pyType(args)}`);
        stack.push((fn as PyCallable).call(args as unknown[]));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const inst = top();
        const maker = typeof inst === 'object' && inst !== null ? builders.get(inst) : undefined;
        if (inst instanceof PyDict) inst.attributes = state;
        else if (maker?.build) maker.build(inst, state);
        else fail(`can only set the state of an OrderedDict, got ${pyType(inst)}`);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      default:
        fail(
          OPCODE_NAMES[op]
            ? 'opcode not supported: it builds objects weights-only loading does not allow (or is a protocol-0/1 text form torch.save never writes)'
            : 'unknown pickle opcode (not a pickle, or damaged)',
        );
    }
  }
}

/**
 * Objects returned by a `PyCallable`'s `call` that `BUILD` may set state on, with the callable
 * that made them (registered by `markBuildable`).
 */
const builders = new WeakMap<object, PyCallable>();

/** Lets `BUILD` run `fn.build` on `inst` (which `fn.call` returned). */
export function markBuildable<T extends object>(inst: T, fn: PyCallable): T {
  builders.set(inst, fn);
  return inst;
}

function span(need: (n: number) => number, n: number): [number, number] {
  const at = need(n);
  return [at, at + n];
}

/** Python's `decode_long`: little-endian two's complement; a number when within ±2^53. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Python's type name for a value on the stack, for errors. */
export function pyType(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'tuple' : 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyCallable) return v.path;
  if (typeof v === 'object' && v !== null && 'pyType' in v) return String((v as { pyType: unknown }).pyType);
  return typeof v;
}

// ---- writing -----------------------------------------------------------------------------------

/**
 * A protocol-2 pickle writer with Python's opcodes (`pickle._Pickler`). The caller walks its
 * object and calls these in Python's order; `put` / `get` are the memo (`BINPUT` / `BINGET`).
 */
export class Pickler {
  private chunks: Uint8Array[] = [];
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private nextMemo = 0;

  constructor() {
    this.bytes(0x80, 2);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.len));
    this.buf = new Uint8Array(Math.max(1 << 16, n));
    this.len = 0;
  }
  private bytes(...b: number[]): void {
    this.ensure(b.length);
    for (const x of b) this.buf[this.len++] = x;
  }
  private raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }
  private u32(op: number, v: number): void {
    this.bytes(op, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  none(): void {
    this.bytes(0x4e);
  }
  bool(v: boolean): void {
    this.bytes(v ? 0x88 : 0x89);
  }
  /** An int: `BININT1` / `BININT2` / `BININT` when they fit, else `LONG1`, as Python's `save_long`. */
  int(v: number | bigint): void {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new RangeError(`pickle: ${v} is not a safe integer`);
      if (v >= 0 && v <= 0xff) return this.bytes(0x4b, v);
      if (v >= 0 && v <= 0xffff) return this.bytes(0x4d, v & 0xff, v >> 8);
      if (v >= -0x80000000 && v <= 0x7fffffff) return this.u32(0x4a, v);
      v = BigInt(v);
    }
    const out: number[] = [];
    let x = v;
    // Two's complement, little-endian, the fewest bytes that keep the sign (Python's encode_long).
    while (true) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const signBit = (out[out.length - 1]! & 0x80) !== 0;
      if ((x === 0n && !signBit) || (x === -1n && signBit)) break;
    }
    if (out.length > 255) throw new RangeError('pickle: integer too large');
    this.bytes(0x8a, out.length, ...out);
  }
  float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.bytes(0x47);
    this.raw(b);
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(0x58, b.length);
    this.raw(b);
  }
  global(module: string, name: string): void {
    this.bytes(0x63);
    this.raw(new TextEncoder().encode(`${module}\n${name}\n`));
  }
  mark(): void {
    this.bytes(0x28);
  }
  /** A tuple of the `n` values just written (after a `mark()` when `n > 3`). */
  tuple(n: number): void {
    if (n === 0) this.bytes(0x29);
    else if (n <= 3) this.bytes(0x84 + n);
    else this.bytes(0x74);
  }
  emptyList(): void {
    this.bytes(0x5d);
  }
  appends(): void {
    this.bytes(0x65);
  }
  emptyDict(): void {
    this.bytes(0x7d);
  }
  setitems(): void {
    this.bytes(0x75);
  }
  reduce(): void {
    this.bytes(0x52);
  }
  binpersid(): void {
    this.bytes(0x51);
  }
  /** Memoizes the top of the stack; returns its memo index. */
  put(): number {
    const i = this.nextMemo++;
    if (i < 256) this.bytes(0x71, i);
    else this.u32(0x72, i);
    return i;
  }
  get(i: number): void {
    if (i < 256) this.bytes(0x68, i);
    else this.u32(0x6a, i);
  }
  /** Ends the pickle and returns its bytes. */
  finish(): Uint8Array {
    this.bytes(0x2e);
    this.chunks.push(this.buf.subarray(0, this.len));
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
