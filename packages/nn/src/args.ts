/**
 * @internal Checks of bound arguments for layers and functions (`numberArg`, `intArg`, …). The
 * binding itself (`bindArgs`: positionals, then one options object, as Python binds keywords) is
 * @flint/tensor's, shared with @flint/data and @flint/vision.
 */
import { describeValue } from '@flint/tensor';

export { bindArgs, describeValue, isOptionsObject } from '@flint/tensor';

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
