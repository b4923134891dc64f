/** `PixelShuffle` and `PixelUnshuffle` (`torch.nn.PixelShuffle`, `torch.nn.PixelUnshuffle`). */
import type { Tensor } from '@flint/tensor';
import { Module } from '@flint/nn';
import { named } from './repr.js';

function checkFactor(op: string, name: string, r: number): void {
  if (!Number.isInteger(r) || r <= 0) throw new RangeError(`${op}: ${op} expects a positive ${name}, but got ${r}`);
}

/**
 * `torch.nn.functional.pixel_shuffle(input, upscale_factor)`: `[*, C·r², H, W]` →
 * `[*, C, H·r, W·r]`, `out[c, h·r + i, w·r + j] = in[c·r² + i·r + j, h, w]` (a reshape and a
 * permute). https://arxiv.org/abs/1609.05158
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixel_shuffle';
  checkFactor(op, 'upscale_factor', upscaleFactor);
  if (input.ndim < 3) throw new RangeError(`${op}: pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const r = upscaleFactor;
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0) {
    throw new RangeError(`${op}: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  }
  const lead = input.shape.slice(0, -3);
  const oc = c / (r * r);
  return input.reshape([-1, oc, r, r, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([...lead, oc, h * r, w * r]);
}

/** `torch.nn.functional.pixel_unshuffle(input, downscale_factor)`: the inverse, `[*, C, H·r, W·r]` → `[*, C·r², H, W]`. */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixel_unshuffle';
  checkFactor(op, 'downscale_factor', downscaleFactor);
  if (input.ndim < 3) throw new RangeError(`${op}: pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  const r = downscaleFactor;
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (h % r !== 0) throw new RangeError(`${op}: pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new RangeError(`${op}: pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const lead = input.shape.slice(0, -3);
  return input.reshape([-1, c, h / r, r, w / r, r]).permute([0, 1, 3, 5, 2, 4]).reshape([...lead, c * r * r, h / r, w / r]);
}

/** `torch.nn.PixelShuffle(upscale_factor)`; see `pixelShuffle`. */
export class PixelShuffle extends Module {
  static override readonly className: string = 'PixelShuffle';
  constructor(readonly upscaleFactor: number) {
    super();
    checkFactor('PixelShuffle', 'upscale_factor', upscaleFactor);
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'pixel_shuffle', () => pixelShuffle(input, this.upscaleFactor));
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** `torch.nn.PixelUnshuffle(downscale_factor)`; see `pixelUnshuffle`. */
export class PixelUnshuffle extends Module {
  static override readonly className: string = 'PixelUnshuffle';
  constructor(readonly downscaleFactor: number) {
    super();
    checkFactor('PixelUnshuffle', 'downscale_factor', downscaleFactor);
  }

  override forward(input: Tensor): Tensor {
    return named(this, 'pixel_unshuffle', () => pixelUnshuffle(input, this.downscaleFactor));
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
