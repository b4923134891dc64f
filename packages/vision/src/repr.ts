/** @internal Python-style formatting for `extraRepr()`, as PyTorch prints constructor arguments. */

/** `3`, `(3, 3)`, `None`, `same`: how Python's `str.format` shows an argument. */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(', ')})`;
  if (typeof v === 'number') return pyNumber(v);
  return String(v);
}

/** Python's repr of a number: ints as `3`, floats as `0.1` / `1e-05`. */
export function pyNumber(x: number, float = false): string {
  if (!float || !Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    return `${mant}e${exp.startsWith('-') ? '-' : '+'}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** `n` → `[n, n]`, `[h, w]` → `[h, w]` (PyTorch's `_pair`). */
export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Re-throws an op's error with the layer named in front (`Conv2d(3, 64, …): Given groups=1, …`). */
export function named<T>(layer: { toString(): string }, op: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(`${op}: `)) {
      const e = new (err.constructor as ErrorConstructor)(`${layer.toString()}: ${err.message.slice(op.length + 2)}`);
      throw e;
    }
    throw err;
  }
}
