/** `ConvTranspose2d` and `F.convTranspose2d` (`torch.nn.ConvTranspose2d`, `torch.nn.functional.conv_transpose2d`). */
import { conv2d, pad, shapeStr, type Size2, type Tensor } from '@flint/tensor';
import { registerConvParameters, resetConvParameters } from './conv-params.js';
import { Module, Parameter } from '@flint/nn';
import { named, py } from './repr.js';

export interface ConvTranspose2dFunctionalOptions {
  /** Stride of the forward convolution this transposes (default 1). */
  stride?: Size2;
  /** `dilation·(k - 1) - padding` zero padding is added to both sides of the input (default 0). */
  padding?: Size2;
  /** Extra size added to one side (bottom/right) of the output (default 0). */
  outputPadding?: Size2;
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel elements (default 1). */
  dilation?: Size2;
}

export interface ConvTranspose2dOptions extends ConvTranspose2dFunctionalOptions {
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** Only `'zeros'`, as PyTorch. */
  paddingMode?: 'zeros';
}

function checkedPair(v: Size2, name: string, op: string, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : null;
  if (!p || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(`${op}: ${name} must be ${min === 1 ? 'positive' : 'non-negative'} integers, a number or a pair (got ${JSON.stringify(v)})`);
  }
  return p as [number, number];
}

/**
 * `torch.nn.functional.conv_transpose2d(input, weight, bias=None, stride=1, padding=0,
 * output_padding=0, groups=1, dilation=1)`: the gradient of `conv2d` with respect to its input,
 * as an op ("deconvolution"). `input [N, Cin, H, W]` (or `[Cin, H, W]`), `weight
 * [Cin, Cout/groups, kh, kw]`, `bias [Cout]`; output `[N, Cout, Ho, Wo]` with
 * `Ho = (H - 1)·stride - 2·padding + dilation·(kh - 1) + outputPadding + 1`.
 *
 * Built as a forward convolution: the input is spread out by the stride (s - 1 zeros between
 * elements), padded by `dilation·(k - 1) - padding` before and up to `Ho` after (negative amounts
 * crop), and convolved with the spatially flipped weight, in and out swapped per group. The
 * gradients are therefore conv2d's and pad's.
 * https://pytorch.org/docs/stable/generated/torch.nn.functional.conv_transpose2d.html
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dFunctionalOptions = {}): Tensor {
  const op = 'conv_transpose2d';
  if (input.ndim === 3) return convTranspose2d(input.unsqueeze(0), weight, bias, options).squeeze(0);
  if (input.ndim !== 4) throw new RangeError(`${op}: Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: ${shapeStr(input.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`${op}: expected a 4-D weight [in_channels, out_channels/groups, kH, kW] (got ${shapeStr(weight.shape)})`);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: non-positive groups is not supported (got ${groups})`);
  const stride = checkedPair(options.stride ?? 1, 'stride', op, 1);
  const padding = checkedPair(options.padding ?? 0, 'padding', op, 0);
  const outputPadding = checkedPair(options.outputPadding ?? 0, 'output_padding', op, 0);
  const dilation = checkedPair(options.dilation ?? 1, 'dilation', op, 1);
  const [cin, cog, kh, kw] = weight.shape as [number, number, number, number];
  if (cin % groups !== 0) {
    throw new RangeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeStr(weight.shape)} instead`);
  }
  if (input.shape[1] !== cin) {
    throw new RangeError(`${op}: Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected input${shapeStr(input.shape)} to have ${cin} channels, but got ${input.shape[1]} channels instead`);
  }
  const cout = cog * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new RangeError(`${op}: Given transposed=1, weight of size ${shapeStr(weight.shape)}, expected bias to be 1-dimensional with ${cout} elements, but got bias of size ${shapeStr(bias.shape)} instead`);
  }
  if (!(outputPadding[0] < stride[0] || outputPadding[0] < dilation[0]) || !(outputPadding[1] < stride[1] || outputPadding[1] < dilation[1])) {
    throw new RangeError(
      `${op}: output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} output_padding_width: ${outputPadding[1]} ` +
        `stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`,
    );
  }
  const [n, , h, w] = input.shape as [number, number, number, number];
  const k = [kh, kw];
  const size = [h, w];
  const out = [0, 1].map((i) => (size[i]! - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (k[i]! - 1) + outputPadding[i]! + 1);
  if (out.some((o) => o < 1)) {
    throw new RangeError(`${op}: Given input size per channel: (${h} x ${w}). Calculated output size per channel: (${out[0]} x ${out[1]}). Output size is too small`);
  }
  // Spread by the stride: [N, C, H, W] → [N, C, H·sh, W·sw], s - 1 zeros after each element.
  let x = input;
  if (stride[0] > 1 || stride[1] > 1) {
    x = pad(input.reshape([n, cin, h, 1, w, 1]), [0, stride[1] - 1, 0, 0, 0, stride[0] - 1]).reshape([n, cin, h * stride[0], w * stride[1]]);
  }
  const before = [0, 1].map((i) => dilation[i]! * (k[i]! - 1) - padding[i]!);
  const after = [0, 1].map((i) => out[i]! + padding[i]! - size[i]! * stride[i]!);
  if ([...before, ...after].some((p) => p < 0)) x = pad(x, [Math.min(before[1]!, 0), Math.min(after[1]!, 0), Math.min(before[0]!, 0), Math.min(after[0]!, 0)]);
  // [Cin, Cout/g, kh, kw] → [Cout, Cin/g, kh, kw] (in and out swapped within each group), flipped.
  const cig = cin / groups;
  const swapped = groups === 1 ? weight.transpose(0, 1) : weight.reshape([groups, cig, cog, kh, kw]).permute([0, 2, 1, 3, 4]).reshape([cout, cig, kh, kw]);
  const filter = kh * kw === 1 ? swapped : swapped.flip([2, 3]);
  return conv2d(x, filter, bias, {
    padding: [
      [Math.max(before[0]!, 0), Math.max(after[0]!, 0)],
      [Math.max(before[1]!, 0), Math.max(after[1]!, 0)],
    ],
    dilation,
    groups,
  });
}

/**
 * `torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`; see `convTranspose2d`.
 *
 * Shapes: `weight [inChannels, outChannels / groups, kh, kw]`, `bias [outChannels]`. Init as
 * PyTorch's `_ConvNd.reset_parameters`: weight ~ kaiming-uniform with a = √5 and bias ~
 * U(±1/√fan_in), where fan_in is computed from the weight as laid out, `outChannels/groups·kh·kw`.
 * https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html
 */
export class ConvTranspose2d extends Module {
  static override readonly className: string = 'ConvTranspose2d';
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: ConvTranspose2dOptions = {},
  ) {
    super();
    const op = 'ConvTranspose2d';
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new RangeError(`${op}: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new RangeError(`${op}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new RangeError(`${op}: out_channels must be divisible by groups`);
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new RangeError(`${op}: Only "zeros" padding mode is supported for ConvTranspose2d`);
    if (typeof options.padding === 'string') throw new RangeError(`${op}: padding must be a number or a pair of numbers for ConvTranspose2d (got '${options.padding}')`);
    this.kernelSize = checkedPair(kernelSize, 'kernel_size', op, 1);
    this.stride = checkedPair(options.stride ?? 1, 'stride', op, 1);
    this.padding = checkedPair(options.padding ?? 0, 'padding', op, 0);
    this.outputPadding = checkedPair(options.outputPadding ?? 0, 'output_padding', op, 0);
    this.dilation = checkedPair(options.dilation ?? 1, 'dilation', op, 1);
    this.groups = groups;
    registerConvParameters(this, [inChannels, outChannels / groups, ...this.kernelSize], outChannels, options.bias ?? true);
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'conv_transpose2d', () =>
      convTranspose2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation }),
    );
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${py(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${py(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${py(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

