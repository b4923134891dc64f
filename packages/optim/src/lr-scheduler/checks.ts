/**
 * The checks of the schedulers' options and state dicts. A constructor's message starts with the
 * scheduler's name (`StepLR: stepSize must be a positive integer (got 0)`), or is PyTorch's own
 * where PyTorch has one (`Factor should be < 1.0.`); in `loadStateDict` every message starts with
 * `StepLR.loadStateDict: `. A bad value is a `RangeError`, a value of the wrong type a `TypeError`.
 */
import { Optimizer } from '../optimizer.js';
import { kind, showInt } from '../validation.js';

/** The error a failed check throws (`RangeError`, `TypeError`). */
export type ErrorClass = new (message: string) => Error;

/** `"2", a string`: the value, and its type where the value alone does not say it. */
function got(v: unknown): string {
  if (v === null || v === undefined || typeof v === 'object' || typeof v === 'function') return showInt(v);
  return `${showInt(v)}, ${kind(v)}`;
}

/** Where a check runs: a scheduler's constructor, or its `loadStateDict`. */
export class Where {
  constructor(
    readonly cls: string,
    readonly load = false,
  ) {}

  /** The same checks, as `loadStateDict` runs them. */
  loading(): Where {
    return new Where(this.cls, true);
  }

  /** Throws `${cls}: ${message}` (`${cls}.loadStateDict: ${message}`). */
  fail(message: string, Kind: ErrorClass = RangeError): never {
    throw new Kind(`${this.cls}${this.load ? '.loadStateDict' : ''}: ${message}`);
  }

  /** Throws PyTorch's own message as it is (prefixed in `loadStateDict`). */
  failPy(message: string, Kind: ErrorClass = RangeError): never {
    throw new Kind(this.load ? `${this.cls}.loadStateDict: ${message}` : message);
  }

  /** A finite number for which `ok` holds; `range` says which (`a finite number > 0`). */
  number(name: string, v: unknown, ok: (x: number) => boolean, range: string): asserts v is number {
    if (typeof v !== 'number') this.fail(`${name} must be ${range} (got ${got(v)})`, TypeError);
    if (!Number.isFinite(v) || !ok(v)) this.fail(`${name} must be ${range} (got ${showInt(v)})`);
  }

  /** An integer ≥ `min`. */
  integer(name: string, v: unknown, min: number): asserts v is number {
    const range = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    if (typeof v !== 'number') this.fail(`${name} must be ${range} (got ${got(v)})`, TypeError);
    if (!Number.isInteger(v) || v < min) this.fail(`${name} must be ${range} (got ${showInt(v)})`);
  }

  positiveInt(name: string, v: unknown): asserts v is number {
    this.integer(name, v, 1);
  }

  /** `gamma` and other multiplicative factors: finite and > 0. */
  factor(name: string, v: unknown): asserts v is number {
    this.number(name, v, (x) => x > 0, 'a finite number > 0');
  }

  /** Learning rates and other quantities ≥ 0. */
  nonNegative(name: string, v: unknown): asserts v is number {
    this.number(name, v, (x) => x >= 0, 'a finite number >= 0');
  }

  /** An array of `n` numbers ≥ 0 (one per param group), such as `baseLrs`. */
  perGroup(name: string, v: unknown, n: number): asserts v is number[] {
    if (!Array.isArray(v)) this.fail(`${name} must be an array of ${n} numbers, one per param group (got ${kind(v)})`, TypeError);
    if (v.length !== n) this.fail(`${name} must have one value per param group: expected ${n}, got ${v.length}`);
    v.forEach((x, i) => this.nonNegative(`${name}[${i}]`, x));
  }

  /** A boolean option. */
  flag(name: string, v: unknown): asserts v is boolean {
    if (typeof v !== 'boolean') this.fail(`${name} must be true or false (got ${showInt(v)})`, TypeError);
  }

  /** `lastEpoch`: -1 (start) or the index of the last epoch. */
  lastEpoch(v: unknown): asserts v is number {
    this.integer('lastEpoch', v, -1);
  }

  /** Milestones: non-negative integers, increasing (`strict`) or non-decreasing (a repeat counts twice). */
  milestones(v: unknown, strict: boolean): asserts v is number[] {
    const what = `an ${strict ? 'increasing' : 'increasing (non-decreasing)'} list of non-negative integers`;
    if (!Array.isArray(v)) this.fail(`milestones must be ${what} (got ${kind(v)})`, TypeError);
    v.forEach((m, i) => {
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) this.fail(`milestones must be ${what} (got ${showInt(m)} at index ${i})`, typeof m === 'number' ? RangeError : TypeError);
      const prev = v[i - 1] as number;
      if (i > 0 && (strict ? m <= prev : m < prev)) this.fail(`milestones must be ${what} (got [${v.map(showInt).join(', ')}])`);
    });
  }
}

/** PyTorch's `TypeError: {type} is not an Optimizer`. */
export function checkOptimizer(optimizer: unknown): asserts optimizer is Optimizer<any> {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer !== null && typeof optimizer === 'object' ? (optimizer.constructor?.name ?? 'Object') : kind(optimizer);
    throw new TypeError(`${name} is not an Optimizer`);
  }
}
