/**
 * @internal PyTorch-style arguments for layers and functions: `new LeakyReLU(0.2)`,
 * `new LeakyReLU({ negativeSlope: 0.2 })` and `F.dropout(x, 0.2, { training: false })` all bind
 * the same way Python binds `f(a, b=…, c=…)`: positionals in PyTorch's order, then at most one
 * trailing options object (the keyword arguments, camelCased). A name given twice, an unknown
 * option or too many arguments is a `TypeError` naming the op, as Python's.
 */
import { typeName } from './repr.js';

/** A plain (or prototype-less) object: the options object of a call, never a tensor, array or Map. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
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

/** `string 'abc'`, `number 1.5`, `null`, `Tensor`: a value as error messages show it. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `string '${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeName(v);
}

/** A number (any float, as PyTorch), or `fallback` when not given. */
export function numberArg(op: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${op}: ${name} must be a number (got ${describeValue(value)})`);
  return value;
}

/** An integer, or `fallback` when not given. */
export function intArg(op: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${op}: ${name} must be an integer (got ${describeValue(value)})`);
  return value;
}

/** A boolean, or `fallback` when not given. */
export function boolArg(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean (got ${describeValue(value)})`);
  return value;
}

/** One of `choices`, or `fallback` when not given. */
export function choiceArg<T extends string>(op: string, name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new Error(`${op}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')} (got ${describeValue(value)})`);
  return value as T;
}

/** PyTorch's factory keywords `device` and `dtype`: Flint has `'cpu'` and float32 parameters. */
export function factoryArgs(op: string, a: Record<string, unknown>): void {
  if (a.device !== undefined && a.device !== null && a.device !== 'cpu') throw new Error(`${op}: device must be 'cpu' (got ${describeValue(a.device)})`);
  if (a.dtype !== undefined && a.dtype !== null && a.dtype !== 'float32') throw new TypeError(`${op}: dtype must be 'float32', the dtype of Flint's parameters (got ${describeValue(a.dtype)})`);
}

/** A size: a non-negative integer. */
export function sizeArg(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${op}: ${name} must be an integer (got ${describeValue(value)})`);
  if (value < 0) throw new RangeError(`${op}: ${name} must be non-negative (got ${value})`);
  return value;
}
