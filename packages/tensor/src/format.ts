/**
 * PyTorch-compatible tensor printing: a port of `torch/_tensor_str.py` (PyTorch 1.13)
 * for the dense, CPU-only, real-valued case. Pure function of the flat data.
 */

export type FormatDType = 'float32' | 'int32' | 'bool';

export interface FormatOptions {
  /** Digits after the decimal point (default 4). */
  precision?: number;
  /** Summarise (with `...`) when numel exceeds this (default 1000). */
  threshold?: number;
  /** Items kept at the start and end of each summarised dimension (default 3). */
  edgeitems?: number;
  /** Characters per line used for wrapping (default 80). */
  linewidth?: number;
  /** Force (`true`) or forbid (`false`) scientific notation; `null`/`undefined` = automatic. */
  sciMode?: boolean | null;
}

type Opts = Required<Omit<FormatOptions, 'sciMode'>> & { sciMode: boolean | null };

// ---------------------------------------------------------------------------
// Python float formatting ('{:.Nf}' and '{:.Ne}'): exact decimal value of the
// double, rounded half-to-even (JS toFixed/toExponential round ties up and
// switch to exponent notation above 1e21).

/** Exact decimal value of a finite non-negative double: `x = digits / 10**scale`. */
function exactDecimal(x: number): [digits: bigint, scale: number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exp = (biased === 0 ? 1 : biased) - 1075; // x = mantissa * 2**exp
  if (exp >= 0) return [mantissa << BigInt(exp), 0];
  return [mantissa * 5n ** BigInt(-exp), -exp]; // m / 2**k == m * 5**k / 10**k
}

/** round(n / 10**k), ties to even; negative k multiplies. */
function shiftRound(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const d = 10n ** BigInt(k);
  const q = n / d;
  const r2 = (n % d) * 2n;
  return r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q;
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return undefined;
}

const signOf = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Python `'{:.{p}f}'.format(x)`. */
function pyFixed(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const [digits, scale] = exactDecimal(Math.abs(x));
  const s = shiftRound(digits, scale - p).toString().padStart(p + 1, '0');
  return signOf(x) + (p === 0 ? s : `${s.slice(0, -p)}.${s.slice(-p)}`);
}

/** Python `'{:.{p}e}'.format(x)`. */
function pyExp(x: number, p: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const [digits, scale] = exactDecimal(Math.abs(x));
  let mant = 0n;
  let e = 0;
  if (digits !== 0n) {
    const len = digits.toString().length;
    e = len - 1 - scale;
    mant = shiftRound(digits, len - 1 - p);
    if (mant === 10n ** BigInt(p + 1)) { // rounding carried into a new digit: 9.99.. -> 10.0..
      mant /= 10n;
      e += 1;
    }
  }
  const s = mant.toString().padStart(p + 1, '0');
  const m = p === 0 ? s : `${s[0]}.${s.slice(1)}`;
  return `${signOf(x)}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------
// _Formatter: picks int/fixed/sci mode and a common column width.

interface Formatter {
  width: number;
  format(v: number): string;
}

function makeFormatter(vals: readonly number[], dtype: FormatDType, o: Opts): Formatter {
  let width = 1;
  if (dtype !== 'float32') {
    const str = dtype === 'bool' ? (v: number) => (v ? 'True' : 'False') : (v: number) => String(v);
    for (const v of vals) width = Math.max(width, str(v).length);
    return { width, format: (v) => str(v).padStart(width) };
  }

  let intMode = true;
  let sci = false;
  const nonzero = vals.filter((v) => Number.isFinite(v) && v !== 0);
  if (nonzero.length > 0) {
    let min = Infinity;
    let max = 0;
    for (const v of nonzero) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (v !== Math.ceil(v)) intMode = false;
    }
    sci = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
    for (const v of nonzero) {
      const len = sci ? pyExp(v, o.precision).length : intMode ? pyFixed(v, 0).length + 1 : pyFixed(v, o.precision).length;
      width = Math.max(width, len);
    }
    // PyTorch returns early (ignoring the sci_mode option) when there is no nonzero finite value.
    if (o.sciMode !== null) sci = o.sciMode;
  }
  const format = (v: number): string => {
    if (sci) return pyExp(v, o.precision).padStart(width);
    if (intMode) return (pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '')).padStart(width);
    return pyFixed(v, o.precision).padStart(width);
  };
  return { width, format };
}

// ---------------------------------------------------------------------------
// Layout.

function addSuffixes(str: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  const parts = [str];
  // Mirrors PyTorch exactly, including its off-by-two when there is no newline.
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(`,\n${' '.repeat(indent)}${suffix}`);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(`, ${suffix}`);
      lastLineLen += suffix.length + 2;
    }
  }
  return `${parts.join('')})`;
}

const pyTuple = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

/**
 * Render a tensor exactly as PyTorch's `repr(tensor)` / `str(tensor)` would.
 *
 * @param values flat row-major data (numel = product of shape)
 * @param suffixes extra `key=value` items appended after `dtype=`, e.g. `requires_grad=True`
 */
export function formatTensor(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: FormatDType,
  suffixes: readonly string[] = [],
  options: FormatOptions = {},
): string {
  const o: Opts = {
    precision: options.precision ?? 4,
    threshold: options.threshold ?? 1000,
    edgeitems: options.edgeitems ?? 3,
    linewidth: options.linewidth ?? 80,
    sciMode: options.sciMode ?? null,
  };
  const numel = shape.reduce((a, b) => a * b, 1);
  if (values.length < numel) throw new RangeError(`formatTensor: ${values.length} values for shape [${shape.join(', ')}]`);
  const cast = dtype === 'float32' ? Math.fround : dtype === 'int32' ? (v: number) => v | 0 : (v: number) => (v ? 1 : 0);
  const data = Array.from({ length: numel }, (_, i) => cast(values[i]!));

  const prefix = 'tensor(';
  const indent = prefix.length;
  const extra: string[] = [];
  let body = '[]';
  if (numel === 0) {
    if (shape.length !== 1) extra.push(`size=${pyTuple(shape)}`);
    if (dtype !== 'float32') extra.push(`dtype=torch.${dtype}`);
  } else {
    if (dtype === 'int32') extra.push('dtype=torch.int32'); // float32 and bool are PyTorch defaults
    body = tensorBody(data, shape, dtype, o, indent);
  }
  return addSuffixes(prefix + body, [...extra, ...suffixes], indent, o.linewidth);
}

function tensorBody(data: readonly number[], shape: readonly number[], dtype: FormatDType, o: Opts, indent: number): string {
  const ndim = shape.length;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const summarize = data.length > o.threshold;
  /** Indices shown along a dimension of size n; `null` marks the ellipsis. */
  const pick = (n: number): (number | null)[] => {
    const all = Array.from({ length: n }, (_, i) => i);
    if (!summarize || n <= 2 * o.edgeitems) return all;
    return [...all.slice(0, o.edgeitems), null, ...all.slice(n - o.edgeitems)];
  };

  // The formatter only sees the values that will be printed (get_summarized_data).
  const shown: number[] = [];
  const collect = (offset: number, d: number): void => {
    if (d === ndim) {
      shown.push(data[offset]!);
      return;
    }
    for (const i of pick(shape[d]!)) if (i !== null) collect(offset + i * strides[d]!, d + 1);
  };
  collect(0, 0);
  const fmt = makeFormatter(shown, dtype, o);

  const render = (offset: number, d: number, ind: number): string => {
    if (d === ndim) return fmt.format(data[offset]!);
    const idx = pick(shape[d]!);
    if (d === ndim - 1) {
      const perLine = Math.max(1, Math.floor((o.linewidth - ind) / (fmt.width + 2)));
      const items = idx.map((i) => (i === null ? ' ...' : fmt.format(data[offset + i]!)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(ind + 1)}`)}]`;
    }
    const slices = idx.map((i) => (i === null ? '...' : render(offset + i * strides[d]!, d + 1, ind + 1)));
    return `[${slices.join(`,${'\n'.repeat(ndim - d - 1)}${' '.repeat(ind + 1)}`)}]`;
  };
  return render(0, 0, indent);
}
