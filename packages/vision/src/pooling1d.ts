/**
 * 1-d pooling: `MaxPool1d`, `AvgPool1d`, `AdaptiveAvgPool1d` and their functional forms
 * (`torch.nn.MaxPool1d`, …) on `[N, C, L]` (or unbatched `[C, L]`) inputs. Each runs as its 2-d
 * counterpart on `[N, C, 1, L]`; `returnIndices` gathers the windows (see `windowMax`).
 */
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, shapeStr, type Tensor } from '@flint/tensor';
import { Module } from '@flint/nn';
import { single, type Size1 } from './conv1d.js';
import { named, py } from './repr.js';
import { windowMax } from './window-max.js';

export interface MaxPool1dOptions {
  /** Default: `kernelSize`. */
  stride?: Size1 | null;
  /** Implicit -inf padding on both sides, at most half the kernel (default 0). */
  padding?: Size1;
  /** Spacing between window elements (default 1). */
  dilation?: Size1;
  /** Also return the position in `L` of each window's maximum (default false). */
  returnIndices?: boolean;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
}

export interface AvgPool1dOptions {
  /** Default: `kernelSize`. */
  stride?: Size1 | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size1;
  /** Use ceil instead of floor for the output length (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the average (default true). */
  countIncludePad?: boolean;
}

function checkInput(op: string, x: Tensor): void {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(`${op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got: ${shapeStr(x.shape)}`);
  }
}

/** Output length as PyTorch's pooling_output_shape, with the "too small" check. */
function pooledLength(op: string, x: Tensor, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const l = x.shape[x.ndim - 1]!;
  const span = l + 2 * p - d * (k - 1) - 1;
  let n = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (n - 1) * s >= l + p) n--;
  if (n < 1) {
    const c = x.shape[x.ndim - 2]!;
    throw new RangeError(`${op}: Given input size: (${c}x1x${l}). Calculated output size: (${c}x1x${n}). Output size is too small`);
  }
  return n;
}

/** For each output and tap, the position in `[0, L)` it reads (padding reads the window's first real one). */
function windowTable1d(l: number, n: number, k: number, s: number, p: number, d: number): Int32Array {
  const table = new Int32Array(n * k);
  for (let o = 0; o < n; o++) {
    const start = o * s - p;
    const first = Math.min(start >= 0 ? start : start + Math.ceil(-start / d) * d, l - 1);
    for (let j = 0; j < k; j++) {
      const pos = start + j * d;
      table[o * k + j] = pos >= 0 && pos < l ? pos : first;
    }
  }
  return table;
}

/**
 * `torch.nn.functional.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,
 * ceil_mode=False, return_indices=False)`: the maximum over each window; `[N, C, L]` →
 * `[N, C, Lo]`, `Lo = floor((L + 2·padding - dilation·(k - 1) - 1) / stride) + 1`. With
 * `returnIndices`, `[values, indices]`, indices (int32) the position in `L` of the first maximum.
 * https://pytorch.org/docs/stable/generated/torch.nn.MaxPool1d.html
 */
export function maxPool1d(input: Tensor, kernelSize: Size1, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size1, options?: MaxPool1dOptions): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size1, options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  const op = 'max_pool1d';
  checkInput(op, input);
  const k = single(kernelSize, 'kernel_size', op);
  const s = single(options.stride ?? k, 'stride', op);
  const p = single(options.padding ?? 0, 'padding', op, 0);
  const d = single(options.dilation ?? 1, 'dilation', op);
  const ceilMode = options.ceilMode ?? false;
  if (p * 2 > k) throw new RangeError(`${op}: max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  const n = pooledLength(op, input, k, s, p, d, ceilMode);
  if (!options.returnIndices) {
    return maxPool2d(input.unsqueeze(-2), [1, k], { stride: [1, s], padding: [0, p], dilation: [1, d], ceilMode }).squeeze(-2);
  }
  const l = input.shape[input.ndim - 1]!;
  const lead = input.shape.slice(0, -1);
  const { values, indices } = windowMax(input.reshape([-1, l]), windowTable1d(l, n, k, s, p, d), k);
  return [values.reshape([...lead, n]), indices.reshape([...lead, n])];
}

/**
 * `torch.nn.functional.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
 * count_include_pad=True)`: the mean over each window, `[N, C, L]` → `[N, C, Lo]`.
 * https://pytorch.org/docs/stable/generated/torch.nn.AvgPool1d.html
 */
export function avgPool1d(input: Tensor, kernelSize: Size1, options: AvgPool1dOptions = {}): Tensor {
  const op = 'avg_pool1d';
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new RangeError(`${op}: Expected 2 to 3 dimensions, but got ${input.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`);
  }
  const k = single(kernelSize, 'kernel_size', op);
  const s = single(options.stride ?? k, 'stride', op);
  const p = single(options.padding ?? 0, 'padding', op, 0);
  const ceilMode = options.ceilMode ?? false;
  if (p * 2 > k) throw new RangeError(`${op}: pad should be at most half of kernel size, but got pad=${p} and kernel_size=${k}`);
  pooledLength(op, input, k, s, p, 1, ceilMode);
  return avgPool2d(input.unsqueeze(-2), [1, k], { stride: [1, s], padding: [0, p], ceilMode, countIncludePad: options.countIncludePad ?? true }).squeeze(-2);
}

/**
 * `torch.nn.functional.adaptive_avg_pool1d(input, output_size)`: averages over the bins
 * `[floor(i·L/out), ceil((i+1)·L/out))`, `[N, C, L]` → `[N, C, out]`.
 * https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveAvgPool1d.html
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: Size1): Tensor {
  const op = 'adaptive_avg_pool1d';
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new RangeError(`${op}: Expected 2 to 3 dimensions, but got ${input.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)`);
  }
  const out = single(outputSize, 'output_size', op, 0);
  return adaptiveAvgPool2d(input.unsqueeze(-2), [1, out]).squeeze(-2);
}

/**
 * `torch.nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
 * ceil_mode=False)`; see `maxPool1d`. With `returnIndices` the call returns `[values, indices]`.
 */
export class MaxPool1d extends Module {
  static override readonly className: string = 'MaxPool1d';
  readonly stride: Size1;
  readonly padding: Size1;
  readonly dilation: Size1;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: Size1,
    options: MaxPool1dOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = options.returnIndices ?? false;
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return named(this, 'max_pool1d', () =>
      maxPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices }),
    );
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, dilation=${py(this.dilation)}, ceil_mode=${py(this.ceilMode)}`;
  }
}

/** `torch.nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`; see `avgPool1d`. */
export class AvgPool1d extends Module {
  static override readonly className: string = 'AvgPool1d';
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Size1, options: AvgPool1dOptions = {}) {
    super();
    const op = 'AvgPool1d';
    this.kernelSize = [single(kernelSize, 'kernel_size', op)];
    this.stride = [single(options.stride ?? kernelSize, 'stride', op)];
    this.padding = [single(options.padding ?? 0, 'padding', op, 0)];
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'avg_pool1d', () => avgPool1d(input, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad }));
  }

  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

/** `torch.nn.AdaptiveAvgPool1d(output_size)`; see `adaptiveAvgPool1d`. */
export class AdaptiveAvgPool1d extends Module {
  static override readonly className: string = 'AdaptiveAvgPool1d';
  constructor(readonly outputSize: Size1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'adaptive_avg_pool1d', () => adaptiveAvgPool1d(input, this.outputSize));
  }

  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}
