/**
 * The strict JSON reader behind safetensors headers: RFC 8259 exactly as the Rust `safetensors`
 * crate reads a header through `serde_json::from_str`, plus what `JSON.parse` cannot tell:
 *
 * - numbers keep their source text (`JsonNumber.raw`), so `1.0`, `4e0` and `-0` can be told from `1`,
 *   `4` and `0` (serde refuses them where the crate wants a `usize`);
 * - objects come back as `Map`s in source order, and a key repeated in one object is refused;
 * - nesting deeper than `MAX_DEPTH` (serde_json's recursion limit, 128) is refused, never a stack overflow;
 * - a `\u` escape that leaves a lone surrogate is refused (serde_json refuses it for a `String`; it
 *   could not be written back as UTF-8).
 *
 * Only JSON whitespace (space, tab, LF, CR) is skipped; a byte order mark is not whitespace.
 */

/** A JSON number as written in the source (`raw`), e.g. `"12"`, `"1.0"`, `"-0"`, `"4e0"`. */
export class JsonNumber {
  constructor(readonly raw: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** A JSON object's members in source order. */
export type JsonObject = Map<string, JsonValue>;

/** serde_json's default recursion limit: 128 nested arrays/objects. */
export const MAX_DEPTH = 128;

/** Why and where (`at`, a UTF-16 index; `path`, the keys of the objects around it) a text is refused. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly at: number,
    readonly path: readonly string[],
    readonly kind: 'syntax' | 'duplicate' | 'depth' = 'syntax',
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A character for an error message: `'x'`, or `U+0000` when it is not printable. */
function describe(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the header';
  const c = ch.codePointAt(0)!;
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0xfeff || (c >= 0xd800 && c < 0xe000)
    ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
    : `'${ch}'`;
}

class Reader {
  i = 0;
  readonly path: string[] = [];
  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(message: string, kind: 'syntax' | 'duplicate' | 'depth' = 'syntax', at = this.i): never {
    throw new JsonSyntaxError(message, at, [...this.path], kind);
  }

  ws(): void {
    const t = this.text;
    for (let c = t.charCodeAt(this.i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++this.i));
  }

  expect(ch: string, what: string): void {
    if (this.text[this.i] !== ch) this.fail(`expected ${what}, found ${describe(this.text[this.i])}`);
    this.i++;
  }

  value(depth: number): JsonValue {
    const ch = this.text[this.i];
    if (ch === '{' || ch === '[') {
      if (depth >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`, 'depth');
      return ch === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (ch === '"') return this.string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail(`expected a value, found ${describe(ch)}`);
  }

  object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.i++; // '{'
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.text[this.i] !== '"') this.fail(`expected a string key, found ${describe(this.text[this.i])}`);
      const at = this.i;
      const key = this.string();
      this.path.push(key);
      if (out.has(key)) this.fail(`duplicate key`, 'duplicate', at);
      this.ws();
      this.expect(':', `':'`);
      this.ws();
      out.set(key, this.value(depth));
      this.path.pop();
      this.ws();
      const ch = this.text[this.i++];
      if (ch === '}') return out;
      if (ch !== ',') this.fail(`expected ',' or '}', found ${describe(ch)}`, 'syntax', this.i - 1);
      this.ws();
    }
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++; // '['
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const ch = this.text[this.i++];
      if (ch === ']') return out;
      if (ch !== ',') this.fail(`expected ',' or ']', found ${describe(ch)}`, 'syntax', this.i - 1);
      this.ws();
    }
  }

  number(): JsonNumber {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail(`malformed number`);
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }

  hex4(): number {
    const h = this.text.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail(`malformed \\u escape`);
    this.i += 4;
    return parseInt(h, 16);
  }

  string(): string {
    const t = this.text;
    this.i++; // '"'
    let out = '';
    let run = this.i;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 0x22) break;
      if (Number.isNaN(c)) this.fail(`unterminated string`);
      if (c < 0x20) this.fail(`unescaped control character ${describe(t[this.i])} in a string`);
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += t.slice(run, this.i);
      const e = t[++this.i];
      this.i++;
      if (e !== 'u') {
        if (e === undefined || !Object.hasOwn(ESCAPES, e)) this.fail(`invalid escape \\${e ?? ''}`, 'syntax', this.i - 2);
        out += ESCAPES[e];
      } else {
        const at = this.i - 2;
        const u = this.hex4();
        if (u >= 0xdc00 && u < 0xe000) this.fail(`lone surrogate \\u${u.toString(16)} in a string`, 'syntax', at);
        if (u >= 0xd800 && u < 0xdc00) {
          const lo = t.startsWith('\\u', this.i) ? (this.i += 2, this.hex4()) : -1;
          if (lo < 0xdc00 || lo >= 0xe000) this.fail(`lone surrogate \\u${u.toString(16)} in a string`, 'syntax', at);
          out += String.fromCharCode(u, lo);
        } else out += String.fromCharCode(u);
      }
      run = this.i;
    }
    out += t.slice(run, this.i);
    this.i++; // '"'
    return out;
  }
}

/**
 * Parses one JSON value surrounded by optional whitespace (`serde_json::from_str`); throws
 * `JsonSyntaxError` for anything else. `maxDepth` bounds the nesting of arrays and objects.
 */
export function parseJson(text: string, maxDepth = MAX_DEPTH): JsonValue {
  const r = new Reader(text, maxDepth);
  r.ws();
  const v = r.value(0);
  r.ws();
  if (r.i < text.length) r.fail(`unexpected ${describe(text[r.i])} after the JSON value`);
  return v;
}
