/** Flint's dtypes: `torch.float32`, `torch.int32` (the default integer type here) and `torch.bool`. */
export type DType = 'float32' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** PyTorch's name for a dtype, as printed (`torch.int32`). */
export function torchName(dtype: DType): string {
  return `torch.${dtype}`;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32';
}

/** Type promotion for arithmetic between two tensors (`torch.result_type`). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** The dtype a JS number takes next to a tensor of dtype `like` (a Python scalar's rule). */
export function scalarType(value: number | boolean, like: DType): DType {
  if (typeof value === 'boolean') return like;
  if (!Number.isInteger(value)) return 'float32';
  return like === 'bool' ? 'int32' : like;
}

export function assertDType(dtype: string, op: string): asserts dtype is DType {
  if (!(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(`${op}: unsupported dtype '${dtype}' (expected one of ${DTYPES.join(', ')}, or int64, stored as int32)`);
  }
}

/**
 * A dtype as calls take it: Flint's three, or `'int64'` (`torch.long`), which Flint stores as
 * int32 (values must fit in int32; conversions check it).
 */
export type DTypeArg = DType | 'int64';

/** The stored dtype of a `DTypeArg` (`'int64'` → `'int32'`), or a clear error naming `op`. */
export function normalizeDType(dtype: DTypeArg, op: string): DType {
  if (dtype === 'int64') return 'int32';
  assertDType(dtype, op);
  return dtype;
}
