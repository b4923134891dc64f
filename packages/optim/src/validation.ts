/**
 * The checks behind every hyperparameter error of this package, with PyTorch 1.13's wording
 * where PyTorch has one (`Invalid learning rate: -1.0`). A number out of range is a `RangeError`
 * with PyTorch's exact message; a value that is not a finite number (NaN, Infinity, a string,
 * `null`, a missing value) says what it got.
 */
import { Tensor } from '@flint/tensor';

/** How a bad value reads in a message: numbers as Python prints floats (`1.0`), the rest as JS. */
export function show(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'symbol') return v.description ?? 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

/** As `show`, but integers without `.0` (step counts, epochs). */
export function showInt(v: unknown): string {
  return typeof v === 'number' ? String(v) : show(v);
}

/** `a string`, `null`, `an array`…: what a value is, for "expected a number, got …". */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'a number' : 'a non-finite number';
  if (v instanceof Tensor) return 'a Tensor';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** Whether `v` is a finite number. */
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Throws unless `value` is a finite number for which `inRange` holds: a `TypeError` / `RangeError`
 * saying what it got, or `${label}: ${value}` (PyTorch's message) when it is out of range.
 */
export function checkNumber(label: string, value: unknown, inRange: (x: number) => boolean = () => true): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${label}: ${show(value)} (expected a finite number, got ${kind(value)})`);
  if (!Number.isFinite(value)) throw new RangeError(`${label}: ${show(value)} (expected a finite number)`);
  if (!inRange(value)) throw new RangeError(`${label}: ${show(value)}`);
}

/** Throws unless `value` is `true` or `false` (`Invalid nesterov value: "yes" (expected true or false)`). */
export function checkFlag(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(`Invalid ${name} value: ${show(value)} (expected true or false, got ${kind(value)})`);
}

/** Throws unless `betas` is a pair of numbers in [0, 1) (`Invalid beta parameter at index 0: 1.0`). */
export function checkBetas(betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeError(`Invalid betas value: ${show(betas)} (expected two numbers [beta1, beta2], got ${Array.isArray(betas) ? `${betas.length} values` : kind(betas)})`);
  }
  checkNumber('Invalid beta parameter at index 0', betas[0], (b) => b >= 0 && b < 1);
  checkNumber('Invalid beta parameter at index 1', betas[1], (b) => b >= 0 && b < 1);
}

/** `x >= 0`, the range of most hyperparameters. */
export const nonNegative = (x: number): boolean => x >= 0;
