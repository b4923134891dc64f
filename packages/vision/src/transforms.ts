/**
 * Image transforms, as `torchvision.transforms` (0.14): classes with torchvision's names and
 * defaults, whose instances are callable (`new Resize(32)(img)`) and print as torchvision's
 * (`String(t)`), plus the lowercase factories `toTensor()`, `normalize()`, `compose()`.
 *
 * They act on the trailing image dims `[..., C, H, W]` (ToTensor: `[..., H, W]`) and broadcast
 * over any leading ones, so datasets may apply them to a whole batch at once (see
 * `datasets.MNIST`); a random transform then draws once for the whole batch. Random draws come
 * from Flint's default generator, so `manualSeed(s)` makes them repeatable (they are not
 * PyTorch's Mersenne-Twister numbers).
 */
import { defaultGenerator, pad, tensor, type PadMode, type Tensor } from '@flint/tensor';
import { interpolate } from './interpolate.js';
import { pyNumber } from './repr.js';

/** A transform: one image (or a batch of them) in, one out. */
export type Transform = (x: Tensor) => Tensor;

/** A transform class instance is a function too: `t(img)` calls `t.forward(img)`. */
export interface ImageTransform {
  (x: Tensor): Tensor;
}

/**
 * Base of the transform classes (torchvision's `torch.nn.Module` transforms): the constructor
 * returns a function whose prototype is the subclass's, so instances are callable.
 */
export abstract class ImageTransform {
  /** The name `toString()` prints, read from the class's own static property (else `constructor.name`), as `Module.className`. */
  static readonly className: string = 'ImageTransform';
  constructor() {
    const call = function (x: Tensor): Tensor {
      return (call as unknown as ImageTransform).forward(x);
    };
    Object.setPrototypeOf(call, new.target.prototype);
    return call as unknown as ImageTransform;
  }

  abstract forward(x: Tensor): Tensor;

  /** `Name(args)` as torchvision's `__repr__`. */
  toString(): string {
    const ctor = Object.getPrototypeOf(this).constructor as { name: string };
    const own = Object.getOwnPropertyDescriptor(ctor, 'className')?.value;
    return `${typeof own === 'string' ? own : ctor.name}(${this.extraRepr()})`;
  }

  extraRepr(): string {
    return '';
  }
}

/** Python's `str` of a value inside a repr: lists `[1, 2]`, tuples `(1, 2)`, `None`. */
function pyList(v: readonly number[], float = false): string {
  return `[${v.map((x) => pyNumber(x, float)).join(', ')}]`;
}
function pyTuple(v: readonly number[], float = false): string {
  return v.length === 1 ? `(${pyNumber(v[0]!, float)},)` : `(${v.map((x) => pyNumber(x, float)).join(', ')})`;
}

/** Python's `round` (half to even), as torchvision's crops use it. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `size` as `[h, w]` (torchvision's `_setup_size`). */
function setupSize(op: string, size: number | readonly number[]): [number, number] {
  const s = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0]!, size[0]!] : [...size];
  if (s.length !== 2 || !s.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`${op}: Please provide only two dimensions (h, w) for size, as positive integers (got ${JSON.stringify(size)})`);
  }
  return s as [number, number];
}

function checkImage(op: string, x: Tensor, dims = 2): void {
  if (x.ndim < dims) throw new RangeError(`${op}: expected an image of shape [..., H, W] but got [${x.shape.join(', ')}]`);
}

/** `img[..., top:top+h, left:left+w]`. */
function crop(x: Tensor, top: number, left: number, h: number, w: number): Tensor {
  return x.narrow(x.ndim - 2, top, h).narrow(x.ndim - 1, left, w);
}

/**
 * `transforms.ToTensor()` for grayscale images: values 0..255 of shape `[..., H, W]` (float32 or
 * int32, as datasets hold raw pixel bytes) become float32 in [0, 1] of shape `[..., 1, H, W]`.
 */
export class ToTensor extends ImageTransform {
  static override readonly className: string = 'ToTensor';
  forward(x: Tensor): Tensor {
    if (x.ndim < 2) throw new RangeError(`ToTensor: expected an image of shape [..., H, W] but got [${x.shape.join(', ')}]`);
    return x.float().div(255).unsqueeze(-3);
  }
}

/**
 * `transforms.Normalize(mean, std, inplace=False)`: `out[c] = (x[c] - mean[c]) / std[c]` for
 * images `[..., C, H, W]`; `mean` and `std` are one number, or one per channel.
 * MNIST's usual values are `new Normalize([0.1307], [0.3081])`.
 */
export class Normalize extends ImageTransform {
  static override readonly className: string = 'Normalize';
  readonly mean: number[];
  readonly std: number[];

  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    super();
    const m = typeof mean === 'number' ? [mean] : [...mean];
    const s = typeof std === 'number' ? [std] : [...std];
    if (m.length === 0 || s.length === 0) throw new RangeError('Normalize: mean and std must not be empty');
    if (s.some((v) => Math.fround(v) === 0)) {
      throw new RangeError(`Normalize: std evaluated to zero after conversion to torch.float32, leading to division by zero. (std=[${s.join(', ')}])`);
    }
    this.mean = m;
    this.std = s;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 3) throw new RangeError(`Normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${x.shape.join(', ')}]`);
    const c = x.shape[x.ndim - 3]!;
    for (const [name, v] of [['mean', this.mean], ['std', this.std]] as const) {
      if (v.length !== 1 && v.length !== c) {
        throw new RangeError(`Normalize: ${name} has ${v.length} values but the image has ${c} channels (shape [${x.shape.join(', ')}])`);
      }
    }
    const mt = tensor(Float32Array.from(this.mean), { shape: [this.mean.length, 1, 1] });
    const st = tensor(Float32Array.from(this.std), { shape: [this.std.length, 1, 1] });
    return x.sub(mt).div(st);
  }

  override extraRepr(): string {
    return `mean=${pyList(this.mean, true)}, std=${pyList(this.std, true)}`;
  }
}

/** `transforms.Compose(transforms)`: applies the transforms in order. */
export class Compose extends ImageTransform {
  static override readonly className: string = 'Compose';
  readonly transforms: readonly Transform[];

  constructor(transforms: readonly Transform[]) {
    super();
    transforms.forEach((t, i) => {
      if (typeof t !== 'function') throw new TypeError(`Compose: transform ${i} is not a function (got ${typeof t})`);
    });
    this.transforms = [...transforms];
  }

  forward(x: Tensor): Tensor {
    return this.transforms.reduce((acc, t) => t(acc), x);
  }

  override toString(): string {
    return `Compose(${this.transforms.map((t) => `\n    ${t instanceof ImageTransform ? String(t) : t.name || 'function'}`).join('')}\n)`;
  }
}

export type Interpolation = 'nearest' | 'bilinear';

export interface ResizeOptions {
  /** `'bilinear'` (default) or `'nearest'` (torchvision's `InterpolationMode`). */
  interpolation?: Interpolation;
  /** With a single `size`: the longer edge is at most this. */
  maxSize?: number | null;
  /** Only `null`/`false`: torchvision 0.14 does not antialias tensors by default. */
  antialias?: boolean | null;
}

/** torchvision's `_compute_resized_output_size`: `[h, w]` for a size `s` (shorter edge) or `[h, w]`. */
function resizedSize(h: number, w: number, size: number | readonly number[], maxSize: number | null): [number, number] {
  if (typeof size !== 'number' && size.length === 2) {
    if (maxSize !== null) throw new RangeError(`Resize: max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.`);
    return [size[0]!, size[1]!];
  }
  const requested = typeof size === 'number' ? size : size[0]!;
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = requested;
  let newLong = Math.trunc((requested * long) / short);
  if (maxSize !== null) {
    if (maxSize <= requested) throw new RangeError(`Resize: max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${requested}`);
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** Resizes `[..., H, W]` to `[h, w]` with `F.interpolate` (no antialiasing), as torchvision's tensor path. */
function resizeTo(x: Tensor, h: number, w: number, interpolation: Interpolation): Tensor {
  const [ih, iw] = x.shape.slice(-2) as [number, number];
  if (ih === h && iw === w) return x;
  const lead = x.shape.slice(0, -2);
  const flat = x.float().reshape([-1, 1, ih, iw]);
  let out = interpolate(flat, { size: [h, w], mode: interpolation, alignCorners: interpolation === 'bilinear' ? false : null }).reshape([...lead, h, w]);
  if (x.dtype !== 'float32') out = (interpolation === 'bilinear' ? out.round() : out).to(x.dtype);
  return out;
}

/**
 * `transforms.Resize(size, interpolation=BILINEAR, max_size=None, antialias=None)`: a number
 * resizes the shorter edge to it, keeping the aspect ratio (`floor(size · long / short)`); `[h, w]`
 * resizes to exactly that. Integer images are rounded back to their dtype after bilinear.
 */
export class Resize extends ImageTransform {
  static override readonly className: string = 'Resize';
  readonly size: number | readonly number[];
  readonly interpolation: Interpolation;
  readonly maxSize: number | null;
  readonly antialias: boolean | null;

  constructor(size: number | readonly number[], options: ResizeOptions = {}) {
    super();
    if (typeof size !== 'number' && (size.length < 1 || size.length > 2)) throw new RangeError(`Resize: If size is a sequence, it should have 1 or 2 values (got ${JSON.stringify(size)})`);
    this.size = typeof size === 'number' ? size : [...size];
    this.interpolation = options.interpolation ?? 'bilinear';
    if (this.interpolation !== 'bilinear' && this.interpolation !== 'nearest') throw new RangeError(`Resize: interpolation must be 'bilinear' or 'nearest' (got '${this.interpolation}')`);
    this.maxSize = options.maxSize ?? null;
    this.antialias = options.antialias ?? null;
    if (this.antialias) throw new RangeError('Resize: antialias=True is not supported by Flint (torchvision 0.14 tensors resize without it by default)');
  }

  forward(x: Tensor): Tensor {
    checkImage('Resize', x);
    const [h, w] = x.shape.slice(-2) as [number, number];
    const [nh, nw] = resizedSize(h, w, this.size, this.maxSize);
    return resizeTo(x, nh, nw, this.interpolation);
  }

  override extraRepr(): string {
    const size = typeof this.size === 'number' ? String(this.size) : pyList(this.size);
    return `size=${size}, interpolation=${this.interpolation}, max_size=${this.maxSize ?? 'None'}, antialias=${this.antialias === null ? 'None' : this.antialias ? 'True' : 'False'}`;
  }
}

/**
 * `transforms.CenterCrop(size)`: the central `[h, w]` crop, its top-left at
 * `round((H - h) / 2), round((W - w) / 2)` (Python's rounding); an image smaller than the crop
 * is zero-padded first, as torchvision's.
 */
export class CenterCrop extends ImageTransform {
  static override readonly className: string = 'CenterCrop';
  readonly size: [number, number];

  constructor(size: number | readonly number[]) {
    super();
    this.size = setupSize('CenterCrop', size);
  }

  forward(x: Tensor): Tensor {
    checkImage('CenterCrop', x);
    const [th, tw] = this.size;
    let [h, w] = x.shape.slice(-2) as [number, number];
    if (th > h || tw > w) {
      const left = tw > w ? Math.floor((tw - w) / 2) : 0;
      const top = th > h ? Math.floor((th - h) / 2) : 0;
      const right = tw > w ? Math.floor((tw - w + 1) / 2) : 0;
      const bottom = th > h ? Math.floor((th - h + 1) / 2) : 0;
      x = pad(x, [left, right, top, bottom]);
      [h, w] = x.shape.slice(-2) as [number, number];
      if (h === th && w === tw) return x;
    }
    return crop(x, pyRound((h - th) / 2), pyRound((w - tw) / 2), th, tw);
  }

  override extraRepr(): string {
    return `size=${pyTuple(this.size)}`;
  }
}

export type CropPaddingMode = 'constant' | 'edge' | 'reflect';

export interface RandomCropOptions {
  /** Padding on every side first: one number, `[left/right, top/bottom]` or `[left, top, right, bottom]`. */
  padding?: number | readonly number[] | null;
  /** Pad an image smaller than the crop (default false). */
  padIfNeeded?: boolean;
  /** The value of `'constant'` padding (default 0). */
  fill?: number;
  /** `'constant'` (default), `'edge'` or `'reflect'`. */
  paddingMode?: CropPaddingMode;
}

/** torchvision's padding `[l, t, r, b]` from a number, a pair or four. */
function ltrb(op: string, p: number | readonly number[]): [number, number, number, number] {
  const a = typeof p === 'number' ? [p] : [...p];
  if (a.length === 1) return [a[0]!, a[0]!, a[0]!, a[0]!];
  if (a.length === 2) return [a[0]!, a[1]!, a[0]!, a[1]!];
  if (a.length === 4) return [a[0]!, a[1]!, a[2]!, a[3]!];
  throw new RangeError(`${op}: Padding must be an int or a 1, 2, or 4 element tuple, not a ${a.length} element tuple`);
}

/**
 * `transforms.RandomCrop(size, padding=None, pad_if_needed=False, fill=0,
 * padding_mode='constant')`: pads as asked, then crops `[h, w]` at a uniformly random position
 * (`top ~ U{0..H-h}`, `left ~ U{0..W-w}`).
 */
export class RandomCrop extends ImageTransform {
  static override readonly className: string = 'RandomCrop';
  readonly size: [number, number];
  readonly padding: number | readonly number[] | null;
  readonly padIfNeeded: boolean;
  readonly fill: number;
  readonly paddingMode: CropPaddingMode;

  constructor(size: number | readonly number[], options: RandomCropOptions = {}) {
    super();
    this.size = setupSize('RandomCrop', size);
    this.padding = options.padding ?? null;
    if (this.padding !== null) ltrb('RandomCrop', this.padding);
    this.padIfNeeded = options.padIfNeeded ?? false;
    this.fill = options.fill ?? 0;
    this.paddingMode = options.paddingMode ?? 'constant';
    if (!['constant', 'edge', 'reflect'].includes(this.paddingMode)) throw new RangeError(`RandomCrop: padding_mode must be 'constant', 'edge' or 'reflect' in Flint (got '${this.paddingMode}')`);
  }

  private pad(x: Tensor, [l, t, r, b]: [number, number, number, number]): Tensor {
    const mode: PadMode = this.paddingMode === 'edge' ? 'replicate' : this.paddingMode;
    return pad(x, [l, r, t, b], mode === 'constant' ? { value: this.fill } : { mode });
  }

  forward(x: Tensor): Tensor {
    checkImage('RandomCrop', x);
    if (this.padding !== null) x = this.pad(x, ltrb('RandomCrop', this.padding));
    const [th, tw] = this.size;
    if (this.padIfNeeded && x.shape[x.ndim - 1]! < tw) {
      const d = tw - x.shape[x.ndim - 1]!;
      x = this.pad(x, [d, 0, d, 0]);
    }
    if (this.padIfNeeded && x.shape[x.ndim - 2]! < th) {
      const d = th - x.shape[x.ndim - 2]!;
      x = this.pad(x, [0, d, 0, d]);
    }
    const [h, w] = x.shape.slice(-2) as [number, number];
    if (h < th || w < tw) throw new RangeError(`RandomCrop: Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    if (h === th && w === tw) return x;
    const top = defaultGenerator.randint(0, h - th + 1);
    const left = defaultGenerator.randint(0, w - tw + 1);
    return crop(x, top, left, th, tw);
  }

  override extraRepr(): string {
    return `size=${pyTuple(this.size)}, padding=${this.padding === null ? 'None' : typeof this.padding === 'number' ? this.padding : pyList(this.padding)}`;
  }
}

/** `transforms.RandomHorizontalFlip(p=0.5)`: mirrors the image left-right with probability `p`. */
export class RandomHorizontalFlip extends ImageTransform {
  static override readonly className: string = 'RandomHorizontalFlip';
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomHorizontalFlip: p must be a probability in [0, 1] (got ${p})`);
  }

  forward(x: Tensor): Tensor {
    checkImage('RandomHorizontalFlip', x);
    return defaultGenerator.random() < this.p ? x.flip([-1]) : x;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default `[0.08, 1.0]`). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio w/h, drawn log-uniformly (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** Only `null`/`false`, as `Resize`. */
  antialias?: boolean | null;
}

/**
 * `transforms.RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3),
 * interpolation=BILINEAR)`: a random crop of random area and aspect ratio (10 tries, then the
 * central crop clamped to `ratio`), resized to `size`, as torchvision's `get_params`.
 */
export class RandomResizedCrop extends ImageTransform {
  static override readonly className: string = 'RandomResizedCrop';
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly interpolation: Interpolation;
  readonly antialias: boolean | null;

  constructor(size: number | readonly number[], options: RandomResizedCropOptions = {}) {
    super();
    this.size = setupSize('RandomResizedCrop', size);
    this.scale = [...(options.scale ?? [0.08, 1.0])] as [number, number];
    this.ratio = [...(options.ratio ?? [3 / 4, 4 / 3])] as [number, number];
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) throw new RangeError('RandomResizedCrop: Scale and ratio should be of kind (min, max)');
    this.interpolation = options.interpolation ?? 'bilinear';
    this.antialias = options.antialias ?? null;
    if (this.antialias) throw new RangeError('RandomResizedCrop: antialias=True is not supported by Flint');
  }

  /** `[top, left, h, w]` of the crop (torchvision's `RandomResizedCrop.get_params`). */
  getParams(height: number, width: number): [number, number, number, number] {
    const g = defaultGenerator;
    const area = height * width;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])] as const;
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * (this.scale[0] + (this.scale[1] - this.scale[0]) * g.random());
      const aspect = Math.exp(logRatio[0] + (logRatio[1] - logRatio[0]) * g.random());
      const w = pyRound(Math.sqrt(targetArea * aspect));
      const h = pyRound(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) return [g.randint(0, height - h + 1), g.randint(0, width - w + 1), h, w];
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < this.ratio[0]) h = pyRound(w / this.ratio[0]);
    else if (inRatio > this.ratio[1]) w = pyRound(h * this.ratio[1]);
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  forward(x: Tensor): Tensor {
    checkImage('RandomResizedCrop', x);
    const [height, width] = x.shape.slice(-2) as [number, number];
    const [top, left, h, w] = this.getParams(height, width);
    return resizeTo(crop(x, top, left, h, w), this.size[0], this.size[1], this.interpolation);
  }

  override extraRepr(): string {
    const r4 = (v: readonly number[]) => pyTuple(v.map((s) => Math.round(s * 1e4) / 1e4), true);
    // torchvision 0.14 prints a stray ')' after the interpolation; kept, so the strings match.
    return `size=${pyTuple(this.size)}, scale=${r4(this.scale)}, ratio=${r4(this.ratio)}, interpolation=${this.interpolation}), antialias=${this.antialias === null ? 'None' : 'False'}`;
  }
}

/** `new ToTensor()` as a function. */
export function toTensor(): Transform {
  return new ToTensor();
}

/** `new Normalize(mean, std)` as a function. */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  return new Normalize(mean, std);
}

/** `new Compose(transforms)` as a function. */
export function compose(transforms: readonly Transform[]): Transform {
  return new Compose(transforms);
}
