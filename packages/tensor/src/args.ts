/**
 * @internal PyTorch-style call arguments, shared by every package's constructors and functions:
 * `new LeakyReLU(0.2)`, `new LeakyReLU({ negativeSlope: 0.2 })` and `new DataLoader(ds, 64, true)`
 * bind the way Python binds `f(a, b=…, c=…)`: positionals in PyTorch's order, then at most one
 * trailing options object (the keyword arguments, camelCased). A name given twice, an unknown
 * option or too many arguments is a `TypeError` naming the op, as Python's.
 */

/** A plain (or prototype-less) object: the options object of a call, never a tensor, array or Map. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `string 'abc'`, `number 1.5`, `null`, `function f`, `Tensor`: a value as error messages show it. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `string '${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  return (v as { constructor?: { name?: string } }).constructor?.name || typeof v;
}

const toCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Binds `args` to `names`: positionals first, then one trailing options object whose keys are
 * among `names` (or `keywordOnly`). `undefined` counts as not given. Returns a prototype-less
 * record of the given values.
 */
export function bindArgs(
  op: string,
  args: readonly unknown[],
  names: readonly string[],
  keywordOnly: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  for (let i = 0; i < end; i++) {
    const a = args[i];
    if (isOptionsObject(a) && i === end - 1) {
      for (const key of Object.keys(a)) {
        const value = a[key];
        if (!names.includes(key) && !keywordOnly.includes(key)) {
          const camel = toCamel(key);
          const hint = camel !== key && (names.includes(camel) || keywordOnly.includes(camel)) ? ` (did you mean '${camel}'?)` : '';
          const known = [...names, ...keywordOnly];
          throw new TypeError(`${op}: got an unexpected option '${key}'${hint}; ${known.length ? `its options are ${known.join(', ')}` : 'it takes no options'}`);
        }
        if (value === undefined) continue;
        if (Object.hasOwn(out, key)) throw new TypeError(`${op}: got multiple values for argument '${key}'`);
        out[key] = value;
      }
      break;
    }
    if (i >= names.length) {
      throw new TypeError(`${op}: takes ${names.length === 0 ? 'no' : `at most ${names.length}`} positional argument${names.length === 1 ? '' : 's'} (${names.join(', ')}) but ${end} were given`);
    }
    if (a !== undefined) out[names[i]!] = a;
  }
  return out;
}
