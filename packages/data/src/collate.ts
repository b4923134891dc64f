/**
 * `torch.utils.data.default_collate`: turns a list of samples into one batch.
 *
 * - tensors of equal shape → `stack` along a new dim 0;
 * - numbers → a 1-D tensor: int32 when every number is an integer (PyTorch: int64), float32 otherwise;
 * - booleans → a bool tensor; strings → the array of strings;
 * - arrays (tuples) → a tuple of the collated positions; plain objects → an object of collated keys.
 */
import { stack, tensor, Tensor } from '@flint/tensor';

/** The batch type the default collate makes from samples of type `T`. */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/** `torch.utils.data.default_collate(batch)`: see the file comment for the rules. */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch as readonly unknown[], 'batch') as Collated<T>;
}

function collate(batch: readonly unknown[], path: string): unknown {
  if (batch.length === 0) throw new RangeError('default_collate: cannot collate an empty batch');
  const first = batch[0];
  const kind = kindOf(first);
  batch.forEach((s, i) => {
    const k = kindOf(s);
    if (k !== kind) throw new TypeError(`default_collate: ${path}[${i}] is ${k} but ${path}[0] is ${kind}; every sample must have the same structure`);
  });
  switch (kind) {
    case 'Tensor':
      return stack(batch as Tensor[], 0);
    case 'number': {
      const nums = batch as number[];
      return nums.every(Number.isInteger) ? tensor(Int32Array.from(nums), { dtype: 'int32' }) : tensor(Float32Array.from(nums));
    }
    case 'boolean':
      return tensor(batch as boolean[]);
    case 'string':
      return [...(batch as string[])];
    case 'array': {
      const n = (first as unknown[]).length;
      batch.forEach((s, i) => {
        if ((s as unknown[]).length !== n) {
          throw new RangeError(`default_collate: each element in list of batch should be of equal size (${path}[0] has ${n}, ${path}[${i}] has ${(s as unknown[]).length})`);
        }
      });
      return Array.from({ length: n }, (_, j) => collate(batch.map((s) => (s as unknown[])[j]), `${path}[*][${j}]`));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const keys = Object.keys(first as object);
      batch.forEach((s, i) => {
        const missing = keys.find((k) => !Object.hasOwn(s as object, k));
        if (missing !== undefined) throw new TypeError(`default_collate: ${path}[${i}] has no key '${missing}' but ${path}[0] has; every sample must have the same keys`);
      });
      for (const key of keys) {
        // An own property whatever the key: `out['__proto__'] = …` would replace the prototype.
        const value = collate(batch.map((s) => (s as Record<string, unknown>)[key]), `${path}[*].${key}`);
        Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      }
      return out;
    }
    default:
      throw new TypeError(`default_collate: batch must contain tensors, numbers, booleans, strings, arrays or plain objects; found ${kind} at ${path}[0]`);
  }
}

function kindOf(v: unknown): string {
  if (v instanceof Tensor) return 'Tensor';
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype ? 'object' : (v.constructor?.name ?? 'object');
  return typeof v;
}
