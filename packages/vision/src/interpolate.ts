/** `F.interpolate` and `Upsample` (`torch.nn.functional.interpolate`, `torch.nn.Upsample`). */
import { bindArgs, describeValue, shapeStr, tensor, type Tensor } from '@flint/tensor';
import { Module } from '@flint/nn';
import { py, pyNumber } from './repr.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (output = floor(input · scaleFactor)): one number, or one per dim. */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default; 3-D and 4-D input), `'linear'` (3-D) or `'bilinear'` (4-D). */
  mode?: InterpolateMode;
  /** Linear modes: align the corner pixels' centres of input and output (default false). */
  alignCorners?: boolean | null;
  /** Compute the coordinates from the output size rather than from `scaleFactor` (default false). */
  recomputeScaleFactor?: boolean | null;
}

const MODES = ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'];
const NAMES = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor'];

/** A number or a list of `dims` numbers as a list (PyTorch's `_ntuple`), checked. */
function perDim(v: number | readonly number[], dims: number, what: string, inputSpatial: readonly number[]): number[] {
  const list = typeof v === 'number' ? Array<number>(dims).fill(v) : [...v];
  if (!Array.isArray(v) && typeof v !== 'number') throw new TypeError(`interpolate: ${what} must be a number or an array of numbers (got ${describeValue(v)})`);
  if (list.length !== dims) {
    throw new RangeError(
      `interpolate: Input and ${what === 'size' ? 'output' : 'scale_factor'} must have the same number of spatial dimensions, but got input with spatial dimensions of [${inputSpatial.join(', ')}] and ${what === 'size' ? 'output size' : 'scale_factor'} of [${list.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${what === 'size' ? 'output size in (o1, o2, ...,oK)' : 'scale_factor in (s1, s2, ...,sK)'} format.`,
    );
  }
  if (!list.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new TypeError(`interpolate: ${what} must hold finite numbers (got ${JSON.stringify(v)})`);
  return list;
}

/**
 * PyTorch's source index per output index along one axis, in float32 as its CPU kernels compute
 * it (`UpSample.h`): nearest reads `min(floor(dst · scale), in - 1)`; linear reads
 * `max(0, (dst + 0.5) · scale - 0.5)`, or `dst · (in - 1) / (out - 1)` with `alignCorners`, from
 * `floor(src)` and the next index with weight `src - floor(src)`. `scale` is `1 / scaleFactor`
 * when a scale factor is used, else `in / out`.
 */
function axisTaps(inSize: number, outSize: number, scaleFactor: number | null, mode: 'nearest' | 'linear', alignCorners: boolean) {
  const f = Math.fround;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l1 = new Float32Array(outSize);
  const scaleValue = scaleFactor !== null && scaleFactor > 0 ? f(1 / scaleFactor) : f(inSize / outSize);
  if (mode === 'nearest') {
    for (let d = 0; d < outSize; d++) {
      i0[d] = outSize === inSize ? d : outSize === 2 * inSize ? d >> 1 : Math.min(Math.floor(f(d * scaleValue)), inSize - 1);
    }
    return { i0, i1: null, l1: null };
  }
  const scale = alignCorners ? (outSize > 1 ? f((inSize - 1) / (outSize - 1)) : 0) : scaleValue;
  for (let d = 0; d < outSize; d++) {
    if (outSize === inSize) {
      i0[d] = d;
      i1[d] = d;
      continue;
    }
    let src = alignCorners ? f(scale * d) : f(f(scale * f(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.trunc(src);
    i0[d] = lo;
    i1[d] = lo + (lo < inSize - 1 ? 1 : 0);
    l1[d] = Math.min(Math.max(f(src - lo), 0), 1);
  }
  return { i0, i1, l1 };
}

/** Resamples `x` along `dim` (differentiable: index selection and weighting). */
function resampleAxis(x: Tensor, dim: number, outSize: number, scaleFactor: number | null, mode: 'nearest' | 'linear', alignCorners: boolean): Tensor {
  const inSize = x.shape[dim]!;
  if (outSize === inSize) return x;
  const { i0, i1, l1 } = axisTaps(inSize, outSize, scaleFactor, mode, alignCorners);
  const first = x.indexSelect(dim, tensor(i0));
  if (mode === 'nearest') return first;
  const wshape = x.shape.map((s, i) => (i === dim ? outSize : 1));
  const w1 = tensor(l1!, { shape: wshape });
  const w0 = tensor(Float32Array.from(l1!, (v) => Math.fround(1 - v)), { shape: wshape });
  return first.mul(w0).add(x.indexSelect(dim, tensor(i1!)).mul(w1));
}

/**
 * `torch.nn.functional.interpolate(input, size=None, scale_factor=None, mode='nearest',
 * align_corners=None, recompute_scale_factor=None)`: resizes `[N, C, L]` (`'nearest'`,
 * `'linear'`) or `[N, C, H, W]` (`'nearest'`, `'bilinear'`) inputs, with PyTorch 1.13's index
 * rules (see `axisTaps`): the output size is `size`, or `floor(in · scaleFactor)`, and a given
 * scale factor is used as is for the coordinates unless `recomputeScaleFactor`. Bilinear is
 * separable: along W, then along H, in PyTorch's order of operations. Differentiable.
 * https://pytorch.org/docs/1.13/generated/torch.nn.functional.interpolate.html
 */
export function interpolate(input: Tensor, ...args: [InterpolateOptions?] | [number | readonly number[] | null, ...unknown[]]): Tensor {
  const op = 'interpolate';
  const a = bindArgs(op, args, NAMES) as InterpolateOptions;
  const mode = (a.mode ?? 'nearest') as string;
  const alignCorners = a.alignCorners ?? null;
  if (!MODES.includes(mode)) {
    throw new RangeError(`${op}: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  if (alignCorners !== null && mode !== 'linear' && mode !== 'bilinear' && mode !== 'bicubic' && mode !== 'trilinear') {
    throw new RangeError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  }
  if (mode === 'bilinear' && input.ndim !== 4) throw new RangeError(`${op}: Got ${input.ndim}D input, but bilinear mode needs 4D input`);
  if (mode === 'linear' && input.ndim !== 3) throw new RangeError(`${op}: Got ${input.ndim}D input, but linear mode needs 3D input`);
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') throw new RangeError(`${op}: mode '${mode}' is not supported by Flint (only 'nearest', 'linear' and 'bilinear')`);
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new RangeError(`${op}: Input Error: Flint supports 3D and 4D input Tensors (got ${input.ndim}D, shape ${shapeStr(input.shape)}) for mode ${mode}`);
  }
  const size = a.size ?? null;
  const scaleFactor = a.scaleFactor ?? null;
  if (size !== null && scaleFactor !== null) throw new RangeError(`${op}: only one of size or scale_factor should be defined`);
  if (size === null && scaleFactor === null) throw new RangeError(`${op}: either size or scale_factor should be defined`);
  const dims = input.ndim - 2;
  const spatial = input.shape.slice(2);
  let outSizes: number[];
  let scales: (number | null)[] = Array<null>(dims).fill(null);
  if (size !== null) {
    outSizes = perDim(size, dims, 'size', spatial);
    if (!outSizes.every((s) => Number.isInteger(s))) throw new TypeError(`${op}: size must hold integers (got ${JSON.stringify(size)})`);
  } else {
    const factors = perDim(scaleFactor!, dims, 'scale_factor', spatial);
    outSizes = factors.map((s, i) => Math.floor(spatial[i]! * s));
    if (!a.recomputeScaleFactor) scales = factors;
  }
  if (outSizes.some((s) => s <= 0) || spatial.some((s) => s <= 0)) {
    const names = dims === 1 ? ['W'] : ['H', 'W'];
    const show = (v: readonly number[]) => v.map((s, i) => `${names[i]}: ${s}`).join(', ');
    throw new RangeError(`${op}: Input and output sizes should be greater than 0, but got input (${show(spatial)}) output (${show(outSizes)})`);
  }
  const axisMode = mode === 'nearest' ? 'nearest' : 'linear';
  const align = alignCorners ?? false;
  let out = input;
  for (let i = dims - 1; i >= 0; i--) out = resampleAxis(out, 2 + i, outSizes[i]!, scales[i]!, axisMode, align);
  return out === input ? input.clone() : out;
}

/**
 * `torch.nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None)`: `F.interpolate` as a layer; `new Upsample({ scaleFactor: 2 })`.
 * https://pytorch.org/docs/1.13/generated/torch.nn.Upsample.html
 */
export class Upsample extends Module {
  static override readonly className: string = 'Upsample';
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(...args: [InterpolateOptions?] | [number | readonly number[] | null, ...unknown[]]) {
    super();
    const a = bindArgs('Upsample', args, NAMES) as InterpolateOptions;
    this.size = a.size ?? null;
    this.scaleFactor = a.scaleFactor ?? null;
    this.mode = a.mode ?? 'nearest';
    this.alignCorners = a.alignCorners ?? null;
    this.recomputeScaleFactor = a.recomputeScaleFactor ?? null;
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const sf = this.scaleFactor;
    const info = sf !== null ? `scale_factor=${typeof sf === 'number' ? pyNumber(sf, true) : `(${sf.map((s) => pyNumber(s, true)).join(', ')})`}` : `size=${py(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}
