/** `AdaptiveMaxPool2d` and `F.adaptiveMaxPool2d` (`torch.nn.AdaptiveMaxPool2d`). */
import { shapeStr, type Tensor } from '@flint/tensor';
import { Module } from '@flint/nn';
import { named, py } from './repr.js';
import { windowMax } from './window-max.js';

export type AdaptiveSize2 = number | null | readonly [number | null, number | null];

/** The bin `[floor(i·size/out), ceil((i+1)·size/out))` of output `i`. */
function bin(i: number, size: number, out: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/**
 * `torch.nn.functional.adaptive_max_pool2d(input, output_size, return_indices=False)`: the maximum
 * over bins `[floor(i·H/out), ceil((i+1)·H/out))` × the same along W, `[N, C, H, W]` (or
 * `[C, H, W]`) → `[N, C, oh, ow]` (`null` keeps that dim). With `returnIndices`, `[values,
 * indices]`, indices (int32) the flat position `h·W + w` of each bin's first maximum, row-major,
 * as PyTorch's. The gradient flows to that position.
 * https://pytorch.org/docs/stable/generated/torch.nn.AdaptiveMaxPool2d.html
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, options?: { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize2, options: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const op = 'adaptive_max_pool2d';
  if (input.ndim !== 3 && input.ndim !== 4) throw new RangeError(`${op}: adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${shapeStr(input.shape)}`);
  const [h, w] = input.shape.slice(-2) as [number, number];
  for (let d = 1; d < input.ndim; d++) {
    if (input.shape[d] === 0) {
      throw new RangeError(`${op}: adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeStr(input.shape)} with dimension ${d} being empty`);
    }
  }
  const req = Array.isArray(outputSize) ? outputSize : [outputSize, outputSize];
  if (req.length !== 2) throw new RangeError(`${op}: output_size must be 2 (got ${JSON.stringify(outputSize)})`);
  const oh = req[0] ?? h;
  const ow = req[1] ?? w;
  if (![oh, ow].every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`${op}: output_size must be non-negative integers (got ${JSON.stringify(outputSize)})`);
  const lead = input.shape.slice(0, -2);
  if (oh === 0 || ow === 0) {
    const values = input.reshape([-1, h * w]).narrow(1, 0, 0).reshape([...lead, oh, ow]);
    return options.returnIndices ? [values, values.detach().int()] : values;
  }
  let kh = 0;
  let kw = 0;
  for (let i = 0; i < oh; i++) kh = Math.max(kh, bin(i, h, oh)[1] - bin(i, h, oh)[0]);
  for (let j = 0; j < ow; j++) kw = Math.max(kw, bin(j, w, ow)[1] - bin(j, w, ow)[0]);
  // Every bin as kh·kw positions, row-major; a smaller bin repeats its first position.
  const k = kh * kw;
  const table = new Int32Array(oh * ow * k);
  for (let i = 0; i < oh; i++) {
    const [r0, r1] = bin(i, h, oh);
    for (let j = 0; j < ow; j++) {
      const [c0, c1] = bin(j, w, ow);
      const base = (i * ow + j) * k;
      table.fill(r0 * w + c0, base, base + k);
      let at = base;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) table[at++] = r * w + c;
    }
  }
  const { values, indices } = windowMax(input.reshape([-1, h * w]), table, k);
  const v = values.reshape([...lead, oh, ow]);
  return options.returnIndices ? [v, indices.reshape([...lead, oh, ow])] : v;
}

/**
 * `torch.nn.AdaptiveMaxPool2d(output_size, return_indices=False)`; see `adaptiveMaxPool2d`. With
 * `returnIndices` the call returns `[values, indices]`.
 */
export class AdaptiveMaxPool2d extends Module {
  static override readonly className: string = 'AdaptiveMaxPool2d';
  readonly returnIndices: boolean;

  constructor(
    readonly outputSize: AdaptiveSize2,
    options: { returnIndices?: boolean } = {},
  ) {
    super();
    this.returnIndices = options.returnIndices ?? false;
  }

  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return named(this, 'adaptive_max_pool2d', () => adaptiveMaxPool2d(input, this.outputSize, { returnIndices: this.returnIndices }));
  }

  override extraRepr(): string {
    return `output_size=${py(this.outputSize)}`;
  }
}
