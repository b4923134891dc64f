/** @internal Python-style formatting for `extraRepr()` and error messages. */

/** Python's `repr(float)`: `1.0`, `0.01`, `1e-05`, `1.5e+20`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** Python's `repr(bool)`. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** Python's `repr(tuple)` of ints: `(4,)`, `(2, 3)`. */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** `[2, 5]`, as Flint prints shapes in errors. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The name of a value's type, for "cannot assign 'number' as parameter 'weight'" errors. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function' || typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor;
    return ctor?.name || typeof value;
  }
  return typeof value;
}
